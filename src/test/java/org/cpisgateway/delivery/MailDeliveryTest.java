package org.cpisgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cpisgateway.notify.Notification;
import org.junit.jupiter.api.Test;

/** What a duty team's e-mail says, in each form: never the child's name, NHS number or date of birth. */
class MailDeliveryTest {

    static final String JSON = "{\"schemaVersion\":\"1\",\"notificationId\":\"n-1\",\"createdAt\":\"2026-11-22T03:06:14.81Z\","
            + "\"authority\":{\"code\":\"LA901\",\"name\":\"Northshire County Council\"},"
            + "\"child\":{\"nhsNumber\":\"9990000018\",\"familyName\":\"SYNTHETIC\",\"givenNames\":\"ALEX JAMIE\","
            + "\"dateOfBirth\":\"2015-03-02\",\"sex\":\"1\"},"
            + "\"plans\":[{\"type\":\"CPP\"},{\"type\":\"UCP\"}],"
            + "\"attendance\":{\"time\":\"2026-11-22T09:29:55Z\",\"setting\":{\"name\":\"Riverside ED\"}}}";

    static String text(boolean summary) throws Exception {
        return MailDelivery.text(new Notification("n-1", "LA901", "cpis.notify.LA901", JSON),
                new ObjectMapper().readTree(JSON), summary);
    }

    @Test
    void aReferenceSaysWhoseAndWhichNotificationOnly() throws Exception {
        String text = text(false);
        assertThat(text).contains("Northshire County Council").contains("n-1").contains("2026-11-22T03:06:14.81Z")
                .doesNotContain("CPP").doesNotContain("Riverside");
        assertThat(text).doesNotContain("9990000018").doesNotContain("SYNTHETIC").doesNotContain("ALEX")
                .doesNotContain("2015-03-02");
    }

    @Test
    void aSummaryAddsThePlansTheSettingAndTheTime() throws Exception {
        String text = text(true);
        assertThat(text).contains("CPP, UCP").contains("Riverside ED").contains("2026-11-22T09:29:55Z");
        assertThat(text).doesNotContain("9990000018").doesNotContain("SYNTHETIC").doesNotContain("ALEX")
                .doesNotContain("2015-03-02");
    }
}
