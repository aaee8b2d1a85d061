package org.cpisgateway.mapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.cpisgateway.core.PatternRules;

/**
 * {@code mappings/pattern-rules.csv}: the thresholds of the two pattern rules, {@code settings} (different settings)
 * and {@code repeats} (attendances at one setting), each {@code at_least} attendances {@code within_days} days. A rule
 * without a row, or with {@code at_least} 0, is off. Without the file the defaults apply (3 settings or 4 repeats in
 * 30 days), so an install from before the table existed keeps its behaviour. A live edit swaps the rules whole.
 */
public class PatternRuleTable implements Supplier<PatternRules> {

    public static final PatternRules DEFAULTS = new PatternRules(3, 30, 4, 30);

    private volatile PatternRules rules;

    private PatternRuleTable(PatternRules rules) {
        this.rules = rules;
    }

    public static PatternRuleTable of(PatternRules rules) {
        return new PatternRuleTable(rules);
    }

    public static PatternRuleTable load(Path file) {
        if (!Files.exists(file)) {
            return new PatternRuleTable(DEFAULTS);
        }
        Map<String, int[]> byRule = new HashMap<>();
        for (var row : CsvTable.read(file, "rule", "at_least", "within_days")) {
            String rule = CsvTable.cell(row, "rule");
            if (!"settings".equals(rule) && !"repeats".equals(rule)) {
                throw new IllegalStateException(file + " line " + row.line() + ": rule must be settings or repeats, not '"
                        + rule + "'");
            }
            if (byRule.containsKey(rule)) {
                throw new IllegalStateException(file + " line " + row.line() + ": rule " + rule + " appears twice");
            }
            int atLeast = number(file, row, "at_least", 0, 1000);
            int days = number(file, row, "within_days", 1, 3660);
            if (atLeast == 1) {
                throw new IllegalStateException(file + " line " + row.line()
                        + ": at_least 1 would alert on every attendance; use 2 or more, or 0 to turn the rule off");
            }
            byRule.put(rule, new int[] {atLeast, days});
        }
        int[] settings = byRule.getOrDefault("settings", new int[] {0, 1});
        int[] repeats = byRule.getOrDefault("repeats", new int[] {0, 1});
        return new PatternRuleTable(new PatternRules(settings[0], settings[1], repeats[0], repeats[1]));
    }

    private static int number(Path file, CsvTable.Row row, String column, int min, int max) {
        String text = CsvTable.cell(row, column);
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(file + " line " + row.line() + ": " + column + " must be a whole number from "
                + min + " to " + max + ", not '" + text + "'");
    }

    @Override
    public PatternRules get() {
        return rules;
    }

    public void replaceWith(PatternRuleTable loaded) {
        this.rules = loaded.rules;
    }
}
