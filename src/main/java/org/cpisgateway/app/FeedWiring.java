package org.cpisgateway.app;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.cpisgateway.config.FeedSettings;
import org.cpisgateway.ops.FeedWatch;
import org.cpisgateway.store.FeedTraffic;
import org.cpisgateway.supervision.Workers;

/** The watch on silent feeds: each care setting's last message and usual traffic, its gauges and page rows. */
final class FeedWiring {

    private FeedWiring() {
    }

    static FeedWatch wire(CamelContext context, FeedSettings s, Mappings mappings, StoreWiring store,
                          OperationsWiring operations, Clock clock, Workers workers) throws Exception {
        FeedWatch watch = new FeedWatch(mappings.settings(), new FeedTraffic(store.dataSource()), clock,
                new FeedWatch.Options(Duration.ofMillis(s.checkIntervalMs()), s.learnWeeks(), s.learnMinWeeks(),
                        Duration.ofHours(s.learnEveryHours()), s.expectedMessages(),
                        s.silentAfterMinutes() > 0 ? Duration.ofMinutes(s.silentAfterMinutes()) : null),
                operations.prometheus(), workers);
        context.getManagementStrategy().addEventNotifier(watch.arrivals());
        operations.view().showFeeds(watch::rows);
        context.addService(watch, true, true);
        context.getRegistry().bind("feedWatch", watch);
        return watch;
    }
}
