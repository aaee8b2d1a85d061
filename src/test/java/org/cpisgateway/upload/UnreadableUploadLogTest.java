package org.cpisgateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.BufferedReader;
import java.io.StringReader;

import org.junit.jupiter.api.Test;

/**
 * A parser's message can quote the upload it failed on: the authority's report may carry it (it is the authority's
 * own data), the application log only the gateway's words and a position.
 */
class UnreadableUploadLogTest {

    @Test
    void jacksonsQuoteOfTheUploadStaysOutOfTheLogLine() throws Exception {
        BufferedReader json = new BufferedReader(new StringReader("[{\"nhs_number\": 9990000018TESTCHILD}]"));
        UnreadableUpload e = catchThrowableOfType(UnreadableUpload.class,
                () -> PlanRowReader.read(json, 100));
        assertThat(e.getMessage()).startsWith("not readable as JSON");
        assertThat(e.forLog()).startsWith("not readable as JSON at line 1, column")
                .doesNotContain("9990000018").doesNotContain("TESTCHILD");
    }
}
