package org.cpisgateway.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/** An exception as logback writes it, with {@link PatientDataMask} applied to its message and its causes'. */
public final class MaskedThrowable implements IThrowableProxy {

    private final IThrowableProxy proxy;

    private MaskedThrowable(IThrowableProxy proxy) {
        this.proxy = proxy;
    }

    public static IThrowableProxy of(IThrowableProxy proxy) {
        return proxy == null || proxy instanceof MaskedThrowable ? proxy : new MaskedThrowable(proxy);
    }

    @Override
    public String getMessage() {
        return PatientDataMask.mask(proxy.getMessage());
    }

    @Override
    public String getOverridingMessage() {
        return PatientDataMask.mask(proxy.getOverridingMessage());
    }

    @Override
    public String getClassName() {
        return proxy.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
        return proxy.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
        return proxy.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
        return of(proxy.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
        IThrowableProxy[] suppressed = proxy.getSuppressed();
        if (suppressed == null) {
            return null;
        }
        IThrowableProxy[] masked = new IThrowableProxy[suppressed.length];
        for (int i = 0; i < suppressed.length; i++) {
            masked[i] = of(suppressed[i]);
        }
        return masked;
    }

    @Override
    public boolean isCyclic() {
        return proxy.isCyclic();
    }
}
