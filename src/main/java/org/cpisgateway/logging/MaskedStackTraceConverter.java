package org.cpisgateway.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/** {@code %maskedEx} in a text log pattern: the stack trace, with patient data masked in every message of it. */
public class MaskedStackTraceConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return super.throwableProxyToString(MaskedThrowable.of(proxy));
    }
}
