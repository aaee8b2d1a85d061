package org.cpisgateway.app;

import org.apache.camel.main.Main;
import org.cpisgateway.config.ConfigurationProblems;
import org.cpisgateway.config.SecretFiles;

/**
 * Starts the gateway: Camel Main with {@code conf/application.properties}, the routes in {@code routes/}, and
 * {@link GatewayConfiguration} for the store, the broker and the beans.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "conf/logback.xml");
        }
        org.slf4j.LoggerFactory.getLogger(GatewayMain.class).info("cpis-gateway {} starting", BuildInfo.version());
        Main main = create();
        stopOnSigterm(main);
        int status;
        try {
            status = main.run(args);
        } catch (Exception | Error startFailed) {
            // a start-up failure leaves broker threads behind: end the process with the failure, not a hang
            var log = org.slf4j.LoggerFactory.getLogger(GatewayMain.class);
            ConfigurationProblems problems = configurationProblems(startFailed);
            if (problems != null) {
                log.error(problems.getMessage()); // one line per problem, no stack trace
            } else {
                log.error("The gateway could not start", startFailed);
            }
            status = 1;
        }
        System.exit(status);
    }

    /**
     * SIGTERM (systemd stop, container stop) is a normal stop: the gateway stops as on any completed run and exits 0.
     * Without this the JVM's default handler runs Camel's shutdown hook instead, and the exit status is 143 (killed
     * by a signal), which service managers report as a failure. Camel's hook still serves SIGINT (Ctrl-C) and
     * SIGHUP. {@code sun.misc.Signal} is the JDK's supported (jdk.unsupported) way to take a signal.
     */
    static void stopOnSigterm(Main main) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> main.completed());
        } catch (IllegalArgumentException unsupported) {
            // no SIGTERM on this platform (Windows): the JVM's shutdown hook stops the gateway
        }
    }

    public static ConfigurationProblems configurationProblems(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationProblems problems) {
                return problems;
            }
        }
        return null;
    }

    /** A gateway as {@code main} builds it; tests add override properties (ports, data folders) before starting it. */
    public static Main create() {
        return create(java.time.Clock.systemUTC());
    }

    /** A gateway that asks {@code clock} for the time (tests give it one of their own). */
    public static Main create(java.time.Clock clock) {
        // H2's shared cache of values costs a hash and a soft-referenced array lookup for every value it reads or
        // writes (a visible share of the CPU under load); the gateway's values are short-lived, so it only adds work
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
        refuseExternalXml();
        Main main = new Main();
        main.setPropertyPlaceholderLocations(locations(java.nio.file.Path.of("conf/application.properties")));
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void beforeInitialize(org.apache.camel.main.BaseMainSupport m) {
                readSecretFiles(m.getCamelContext().getPropertiesComponent());
            }
        });
        main.configure().addConfiguration(new GatewayConfiguration(clock));
        return main;
    }

    /**
     * No XML parser in this JVM (the JDK's DOM, SAX, StAX and XSLT, whoever creates them) fetches a DTD, an external
     * entity, a schema or a stylesheet: the JAXP properties below, read by every parser the JDK makes. HL7 v2's XML
     * encoding is refused before any parser sees it ({@code InboundFrame}); this is the net under that, for whatever
     * library reads XML next. A site that really needs a protocol sets the property itself.
     */
    static void refuseExternalXml() {
        for (String key : EXTERNAL_XML_ACCESS) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, "");
            }
        }
    }

    static final java.util.List<String> EXTERNAL_XML_ACCESS = java.util.List.of("javax.xml.accessExternalDTD",
            "javax.xml.accessExternalSchema", "javax.xml.accessExternalStylesheet");

    /**
     * The settings files: the release's {@code application.properties}, then the site's own {@code site.properties}
     * beside it when there is one (its keys win). The release never ships a site.properties, so unpacking a new
     * release over an old one, or beside it, never loses a site's settings.
     */
    public static String locations(java.nio.file.Path properties) {
        String file = properties.toAbsolutePath().normalize().toString();
        String site = properties.toAbsolutePath().normalize().resolveSibling(SITE_PROPERTIES).toString();
        return "file:" + site + ";optional=true,file:" + file; // Camel takes a key from the first file that has it
    }

    static final String SITE_PROPERTIES = "site.properties";

    /**
     * Settings from files in the secrets folder ({@link SecretFiles}), for Camel's own settings (camel.ssl.*) and the
     * gateway's alike; ahead of conf/application.properties, behind JVM properties and environment variables.
     */
    public static void readSecretFiles(org.apache.camel.spi.PropertiesComponent properties) {
        SecretFiles secrets = SecretFiles.configured();
        if (secrets != null) {
            properties.addPropertiesSource(new SecretSource(secrets));
        }
    }

    private record SecretSource(SecretFiles files) implements org.apache.camel.spi.PropertiesSource,
            org.apache.camel.Ordered {
        @Override
        public String getName() {
            return "secret files in " + files.dir();
        }

        @Override
        public String getProperty(String name) {
            return files.value(name);
        }

        @Override
        public int getOrder() {
            return org.apache.camel.Ordered.HIGHEST;
        }
    }
}
