package org.cpisgateway.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "hash-password", description = "Print the hash of a password for conf/broker/users.properties "
        + "(asked for on the console when not given).")
public final class HashPasswordCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1")
    String password;

    @Override
    public Integer call() throws Exception {
        String clear = password;
        Console console = System.console();
        if (clear == null && console != null) {
            clear = new String(console.readPassword("password: "));
        } else if (clear == null) {
            clear = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        // Artemis's own one-way PBKDF2 hash, the same as `artemis mask --hash`; already ENC(...)
        System.out.println(PasswordMaskingUtil.getHashProcessor().hash(clear));
        return 0;
    }
}
