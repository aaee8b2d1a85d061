package org.cpisgateway.ops;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.cpisgateway.supervision.Workers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an Error thrown by a route's step (an OutOfMemoryError, a StackOverflowError) into a failure of that one
 * exchange, noted as a death of the route's worker ({@code route:<id>}). Without it the Error unwinds out of Camel's
 * consumer: a timer's thread ends, silently, and the route never runs again (the relay's retry rounds, retention;
 * {@code CamelConsumersSurviveErrorsTest} pins it). With it the route's own error handling answers the exchange (an MLLP
 * frame gets AE), the consumer goes on, the death is logged at ERROR with its stack trace, counted
 * ({@code cpis_worker_deaths_total}) and shown by readiness until the route next completes a step.
 */
public final class RouteErrorSupervision implements InterceptStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(RouteErrorSupervision.class);

    private final Workers workers;

    public RouteErrorSupervision(Workers workers) {
        this.workers = workers;
    }

    /** The failure an Error becomes, for the route's error handler. */
    public static final class StepError extends RuntimeException {
        StepError(Error cause) {
            super("a route step failed with " + cause.getClass().getName(), cause);
        }
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                try {
                    if (!workers.anyDown()) {
                        return super.process(exchange, callback); // the usual case: nothing to note on the way back
                    }
                    return super.process(exchange, done -> {
                        if (exchange.getException() == null) {
                            recovered(exchange);
                        }
                        callback.done(done);
                    });
                } catch (Error fatal) {
                    String route = exchange.getFromRouteId();
                    workers.worker("route:" + route).died(fatal);
                    LOG.error("Route {} failed with an Error; the exchange is failed and the route goes on", route,
                            fatal);
                    exchange.setException(new StepError(fatal));
                    callback.done(true);
                    return true;
                }
            }
        };
    }

    private void recovered(Exchange exchange) {
        if (workers.anyDown() && exchange.getFromRouteId() != null) {
            Workers.Worker worker = workers.find("route:" + exchange.getFromRouteId());
            if (worker != null) {
                worker.running();
            }
        }
    }
}
