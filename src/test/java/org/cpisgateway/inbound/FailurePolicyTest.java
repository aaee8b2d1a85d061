package org.cpisgateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import ca.uhn.hl7v2.HL7Exception;
import org.apache.camel.RuntimeCamelException;
import org.cpisgateway.core.CheckResult;
import org.cpisgateway.core.StoreUnavailableException;
import org.cpisgateway.hl7.MessageRejectedException;
import org.cpisgateway.hl7.MshHeader;
import org.junit.jupiter.api.Test;

/** The failure policy, case by case: which failures get AR, which AE, what the sender and the clerk are told. */
class FailurePolicyTest {

    static final MshHeader ADT = MshHeader.read("MSH|^~\\&|PAS|R9Z01|CPIS|CPIS|20261122||ADT^A04|C1|P|2.4");

    @Test
    void aRejectedMessageGetsArWithItsOwnCodeAndPlace() {
        var answer = FailurePolicy.decide(new MessageRejectedException(200, "MSH", 9, "Unsupported message type 'ORU'"),
                ADT);
        assertThat(answer.ackCode()).isEqualTo("AR");
        assertThat(answer.error().code()).isEqualTo(200);
        assertThat(answer.error().segment()).isEqualTo("MSH");
        assertThat(answer.error().field()).isEqualTo(9);
        assertThat(answer.result()).isNull();
    }

    @Test
    void aMessageHapiCannotParseGetsAr102() {
        var answer = FailurePolicy.decide(new RuntimeCamelException(new HL7Exception("Parse failed")), ADT);
        assertThat(answer.ackCode()).isEqualTo("AR");
        assertThat(answer.error().code()).isEqualTo(102);
        assertThat(answer.error().text()).isEqualTo("Message could not be parsed as HL7 v2: Parse failed");
    }

    @Test
    void hapisQuoteOfTheMessageIsCutFromTheAnswer() {
        var answer = FailurePolicy.decide(new HL7Exception("Can't parse segment: MSH|^~\\&|PAS|...TESTCHILD"), ADT);
        assertThat(answer.error().text()).isEqualTo("Message could not be parsed as HL7 v2: Parse failed")
                .doesNotContain("TESTCHILD");
    }

    @Test
    void theAnswerNeverCarriesTheExceptionsText() {
        // an XML parser made to read a file puts the file's first line in its message
        HL7Exception leaking = new HL7Exception("/nonexistent/root:x:0:0:root:/root:/bin/bash (No such file)");
        assertThat(FailurePolicy.decide(leaking, ADT).error().text())
                .isEqualTo("Message could not be parsed as HL7 v2: Parse failed");
        HL7Exception located = new HL7Exception("Failed to parse PID-7: 2026-13-45 is no date");
        located.setLocation(new ca.uhn.hl7v2.Location().withSegmentName("PID").withField(7));
        assertThat(FailurePolicy.decide(located, ADT).error().text())
                .isEqualTo("Message could not be parsed as HL7 v2: Parse failed at PID-7");
    }

    @Test
    void anUnreadableHeaderIsAnArWhateverFailed() {
        var answer = FailurePolicy.decide(new IllegalStateException("anything"), MshHeader.unreadable());
        assertThat(answer.ackCode()).isEqualTo("AR");
        assertThat(answer.error().text()).endsWith("no MSH segment found");
    }

    @Test
    void aStoreThatCannotBeReachedGetsAeAndTellsTheClerkToCheckAnotherWay() {
        for (Exception storeDown : new Exception[] {new SQLException("down"),
                new StoreUnavailableException("plans could not be read", new SQLException("down")),
                new RuntimeCamelException(new SQLException("down"))}) {
            var answer = FailurePolicy.decide(storeDown, ADT);
            assertThat(answer.ackCode()).isEqualTo("AE");
            assertThat(answer.error().code()).isEqualTo(207);
            assertThat(answer.result().status()).isEqualTo(CheckResult.Status.NOT_CHECKED);
            assertThat(answer.result().reasonCode()).isEqualTo("STORE_UNAVAILABLE");
            assertThat(answer.result().summary()).contains("check CP-IS another way");
        }
    }

    @Test
    void anythingElseIsAnInternalErrorAnsweredAe() {
        var answer = FailurePolicy.decide(new NullPointerException(), ADT);
        assertThat(answer.ackCode()).isEqualTo("AE");
        assertThat(answer.result().reasonCode()).isEqualTo("INTERNAL_ERROR");
        assertThat(FailurePolicy.decide(null, ADT).ackCode()).isEqualTo("AE");
    }
}
