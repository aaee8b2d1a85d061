package org.cpisgateway.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.IThrowableProxy;

/** logback's JSON encoder, writing each exception with patient data masked in its messages. */
public class MaskedJsonEncoder extends JsonEncoder {

    @Override
    protected void appendThrowableProxy(StringBuilder sb, String attributeName, IThrowableProxy itp) {
        super.appendThrowableProxy(sb, attributeName, MaskedThrowable.of(itp));
    }

    @Override
    protected void appendThrowableProxy(StringBuilder sb, String attributeName, IThrowableProxy itp,
                                        boolean appendValueSeparator) {
        super.appendThrowableProxy(sb, attributeName, MaskedThrowable.of(itp), appendValueSeparator);
    }
}
