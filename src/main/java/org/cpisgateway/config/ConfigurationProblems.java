package org.cpisgateway.config;

import java.util.List;

/** Every configuration problem found, one line each; the gateway prints the message, without a stack trace. */
public final class ConfigurationProblems extends RuntimeException {

    private final List<String> problems;

    public ConfigurationProblems(List<String> problems) {
        super("The gateway cannot start, its configuration has " + problems.size() + " problem(s):\n  - "
                + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
