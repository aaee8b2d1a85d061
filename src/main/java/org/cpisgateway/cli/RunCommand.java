package org.cpisgateway.cli;

import org.cpisgateway.app.GatewayMain;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Start the gateway with conf/, routes/ and mappings/ of CPIS_HOME.")
public final class RunCommand implements Callable<Integer> {
    public static final int RUNNING = -1;

    @Option(names = "--demo", description = "Add the synthetic demo plans and the demo authority users of "
            + "the README's tour. Without it none of them exist.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
        System.setProperty("cpis.demo.enabled", String.valueOf(demo));
        GatewayMain.main(new String[0]); // runs until stopped, then exits the JVM with the gateway's status
        return RUNNING;
    }
}
