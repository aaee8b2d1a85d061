package org.cpisgateway.cli;

import org.cpisgateway.app.GatewayMain;
import org.cpisgateway.app.StartupChecks;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.cpisgateway.config.ConfigurationProblems;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.config.SettingsReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check-config", description = "Read conf/application.properties and the files it names "
        + "(mapping tables, route files, broker and operations users and roles, demo plans, TLS key store) and "
        + "report every problem, one line each, with file and line where there is one. Changes nothing; exits "
        + "1 on any problem.")
public final class CheckConfigCommand implements Callable<Integer> {
    @Option(names = "--conf", defaultValue = "conf/application.properties")
    Path properties;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isReadable(properties)) {
            System.err.println(properties + ": cannot be read");
            return 1;
        }
        SettingsReader reader = new SettingsReader(ConfiguredProperties.lookup(properties));
        GatewaySettings settings = GatewaySettings.read(reader);
        StartupChecks.runWithoutPorts(settings, reader);
        org.apache.camel.impl.DefaultCamelContext parser = new org.apache.camel.impl.DefaultCamelContext();
        parser.setSourceLocationEnabled(true);
        parser.getPropertiesComponent().setLocation(GatewayMain.locations(properties));
        GatewayMain.readSecretFiles(parser.getPropertiesComponent());
        org.cpisgateway.reload.RouteFileCheck.problems(parser, settings.operations().routesDir())
                .forEach(reader::problem);
        try {
            reader.throwIfAny();
        } catch (ConfigurationProblems problems) {
            problems.problems().forEach(p -> System.out.println("problem: " + p));
            return 1;
        }
        System.out.println("configuration OK: " + properties.toAbsolutePath().normalize());
        return 0;
    }
}
