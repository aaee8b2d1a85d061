package org.cpisgateway.tools;

import java.io.Console;

import org.apache.activemq.artemis.utils.PasswordMaskingUtil;

/**
 * Prints the {@code ENC(...)} hash of a password for {@code conf/broker/users.properties} (Artemis's own one-way
 * PBKDF2 hash, the same as {@code artemis mask --hash}). Reads the password from the console, or from the first
 * argument.
 * <p>
 * {@code mvn -q exec:java -Dexec.mainClass=org.cpisgateway.tools.HashPassword}
 */
public final class HashPassword {

    private HashPassword() {
    }

    public static void main(String[] args) throws Exception {
        String password;
        Console console = System.console();
        if (args.length > 0) {
            password = args[0];
        } else if (console != null) {
            password = new String(console.readPassword("password: "));
        } else {
            password = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        }
        System.out.println(PasswordMaskingUtil.getHashProcessor().hash(password)); // already ENC(...)
    }
}
