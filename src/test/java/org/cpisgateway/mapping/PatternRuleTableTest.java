package org.cpisgateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;

import org.cpisgateway.core.AccessRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped pattern table, a table without a rule, the defaults without a file, and rows that are refused. */
class PatternRuleTableTest {

    static final OffsetDateTime NOW = OffsetDateTime.now();

    @TempDir
    Path dir;

    static AccessRecord at(String setting, int daysAgo) {
        return new AccessRecord(NOW.minusDays(daysAgo), setting, setting, "ED", false);
    }

    Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("pattern-rules.csv"), text);
    }

    @Test
    void theShippedTableIsThreeSettingsOrFourRepeatsInThirtyDays() {
        PatternRuleTable table = PatternRuleTable.load(Path.of("mappings/pattern-rules.csv"));
        assertThat(table.get().find(List.of(at("B", 10), at("A", 29)), at("C", 0))).isNotNull();
        assertThat(table.get().find(List.of(at("B", 10), at("A", 31)), at("C", 0))).isNull();
        assertThat(table.get().find(List.of(at("A", 3), at("A", 10), at("A", 20)), at("A", 0)).count()).isEqualTo(4);
        assertThat(PatternRuleTable.load(dir.resolve("absent.csv")).get())
                .usingRecursiveComparison().isEqualTo(PatternRuleTable.DEFAULTS);
    }

    @Test
    void aRuleWithoutARowIsOff() throws Exception {
        PatternRuleTable table = PatternRuleTable.load(write("rule,at_least,within_days\nrepeats,2,7\n"));
        assertThat(table.get().find(List.of(at("B", 1), at("A", 2)), at("C", 0))).as("settings off").isNull();
        assertThat(table.get().find(List.of(at("A", 3)), at("A", 0)).count()).isEqualTo(2);
    }

    @Test
    void badRowsAreNamedWithTheirLine() throws Exception {
        assertThatThrownBy(() -> PatternRuleTable.load(write("rule,at_least,within_days\nsettings,3,30\nsetting,3,30\n")))
                .hasMessageContaining("line 3: rule must be settings or repeats, not 'setting'");
        assertThatThrownBy(() -> PatternRuleTable.load(write("rule,at_least,within_days\nsettings,three,30\n")))
                .hasMessageContaining("line 2: at_least must be a whole number from 0 to 1000, not 'three'");
        assertThatThrownBy(() -> PatternRuleTable.load(write("rule,at_least,within_days\nsettings,3,0\n")))
                .hasMessageContaining("line 2: within_days must be a whole number from 1 to 3660");
        assertThatThrownBy(() -> PatternRuleTable.load(write("rule,at_least,within_days\nrepeats,3,30\nrepeats,4,30\n")))
                .hasMessageContaining("line 3: rule repeats appears twice");
        assertThatThrownBy(() -> PatternRuleTable.load(write("rule,within_days\nrepeats,30\n")))
                .hasMessageContaining("missing column 'at_least'");
    }
}
