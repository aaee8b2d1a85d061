package org.cpisgateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;

/**
 * An ERROR line carries its stack trace, with what could be patient data masked in the exceptions' messages: the row
 * a database quotes in a constraint error, the segment a parser quotes. Shown on the text and the JSON layouts the
 * gateway ships (conf/logback-text.xml, conf/logback-json.xml).
 */
class MaskedLogTest {

    static final Exception LEAKY = new IllegalStateException("store write failed",
            new SQLException("Unique index violation: VALUES ('9990000018', 'TESTCHILD', 20150302) in "
                    + "PID|1||9990000018^^^NHS^NH||TESTCHILD^ROBIN||20150302|2"));

    private static ILoggingEvent event() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        Logger logger = context.getLogger("test");
        return new ch.qos.logback.classic.spi.LoggingEvent(Logger.class.getName(), logger,
                ch.qos.logback.classic.Level.ERROR, "The journal writer failed", LEAKY, null);
    }

    @Test
    void theTextLogKeepsTheStackTraceAndMasksTheData() {
        MaskedStackTraceConverter converter = new MaskedStackTraceConverter();
        converter.setContext(new LoggerContext());
        converter.start();
        String text = converter.convert(event());
        assertThat(text).contains("java.lang.IllegalStateException: store write failed",
                "Caused by: java.sql.SQLException", "at org.cpisgateway.logging.MaskedLogTest");
        assertThat(text).doesNotContain("9990000018").doesNotContain("TESTCHILD").doesNotContain("20150302");
    }

    @Test
    void theJsonLogKeepsTheStackTraceAndMasksTheData() {
        MaskedJsonEncoder encoder = new MaskedJsonEncoder();
        encoder.setContext(new LoggerContext());
        encoder.start();
        String json = new String(encoder.encode(event()), StandardCharsets.UTF_8);
        assertThat(json).contains("store write failed", "java.sql.SQLException", "MaskedLogTest");
        assertThat(json).doesNotContain("9990000018").doesNotContain("TESTCHILD").doesNotContain("20150302");
    }

    @Test
    void theMaskLeavesOrdinaryTextAlone() {
        assertThat(PatientDataMask.mask("Connection refused: localhost/127.0.0.1:61616 after 3 attempts"))
                .isEqualTo("Connection refused: localhost/127.0.0.1:61616 after 3 attempts");
        assertThat(PatientDataMask.mask("nhs 999 000 0018, born 2015-03-02"))
                .isEqualTo("nhs [number masked], born [date masked]");
    }
}
