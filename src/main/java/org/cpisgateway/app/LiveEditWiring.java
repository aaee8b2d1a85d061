package org.cpisgateway.app;

import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.mapping.CareSettingDirectory;
import org.cpisgateway.mapping.NhsNumberLocations;
import org.cpisgateway.mapping.PatternRuleTable;
import org.cpisgateway.pasalert.PasAlerts;
import org.cpisgateway.reload.MappingReloader;
import org.cpisgateway.reload.ReloadGate;
import org.cpisgateway.reload.ReloadLog;
import org.cpisgateway.reload.RouteFileReloader;
import org.cpisgateway.supervision.Workers;
import org.cpisgateway.upload.UploadRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live edits: once everything has started, saved files in routes/ and mappings/ take effect without a restart (the
 * upload routes, UploadWiring's, follow edits of authorities.csv and of their templates).
 */
final class LiveEditWiring {

    private static final Logger LOG = LoggerFactory.getLogger(LiveEditWiring.class);

    private LiveEditWiring() {
    }

    static void wire(CamelContext context, GatewaySettings s, Mappings mappings, BrokerWiring broker,
                     UploadRoutes uploadRoutes, ReloadLog reloadLog, ReloadGate reloadGate) throws Exception {
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // templates are not all loaded yet
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                // after UploadWiring's listener has made the upload routes (listeners run in the order added)
                if (s.operations().liveEdits()) {
                    watchForEdits(ctx, s, mappings, broker, uploadRoutes, reloadLog, reloadGate);
                }
            }
        });
    }

    private static void watchForEdits(CamelContext ctx, GatewaySettings s, Mappings mappings, BrokerWiring broker,
                                      UploadRoutes uploadRoutes, ReloadLog reloadLog, ReloadGate reloadGate)
            throws Exception {
        Path routesDir = s.operations().routesDir();
        RouteFileReloader routeReloader = new RouteFileReloader(ctx, routesDir, uploadRoutes, reloadLog, reloadGate);
        routeReloader.rememberStartingVersions();
        AuthorityDirectory authorities = mappings.authorities();
        MappingReloader mappingReloader = new MappingReloader(mappings.dir(), Map.of(
                "authorities.csv", new MappingReloader.Table<>(AuthorityDirectory::load, loaded -> {
                    authorities.replaceWith(loaded);
                    if (broker.embedded() != null) {
                        broker.embedded().applyAuthorities(authorities.all(), s.notifications().queuePrefix(),
                                s.upload().queuePrefix(), s.notifications().unroutedQueue());
                    }
                    uploadRoutes.ensureAll(ctx);
                }),
                "care-settings.csv", new MappingReloader.Table<>(CareSettingDirectory::load,
                        mappings.settings()::replaceWith),
                "nhs-number-locations.csv", new MappingReloader.Table<>(NhsNumberLocations::load,
                        mappings.locations()::replaceWith),
                "pattern-rules.csv", new MappingReloader.Table<>(PatternRuleTable::load,
                        mappings.patterns()::replaceWith),
                // the table and its templates: an edit of either re-reads both
                PasAlerts.TABLE, new MappingReloader.Table<>(
                        changed -> Mappings.loadPasAlerts(mappings.dir(), authorities),
                        mappings.pasAlerts()::replaceWith)), reloadLog);
        mappingReloader.alsoFor(name -> name.endsWith(".hl7") && mappings.pasAlerts().uses(name), PasAlerts.TABLE);
        watch(ctx, routesDir, (name, resource) -> routeReloader.reload(pathOf(resource)));
        watch(ctx, mappings.dir(), (name, resource) -> mappingReloader.reload(pathOf(resource)));
        LOG.info("Live edits on: {} and {} are watched (cpis.reload.enabled)", routesDir, mappings.dir());
    }

    /**
     * Watches the folder; each change is handed to {@code onChange} on the watcher's own thread. An Error there would
     * end that thread and every later edit would be ignored, silently: it is caught, logged with its stack trace and
     * counted as a death of the worker {@code reload:<folder>}, and the watcher goes on (the next edit applies).
     */
    private static void watch(CamelContext context, Path directory, ResourceReload onChange) throws Exception {
        FileWatcherResourceReloadStrategy watcher = new FileWatcherResourceReloadStrategy(directory.toString());
        Workers.Worker health = context.getRegistry().lookupByNameAndType("workers", Workers.class)
                .worker("reload:" + directory.getFileName());
        watcher.setResourceReload((name, resource) -> {
            try {
                onChange.onReload(name, resource);
                health.running();
            } catch (Error fatal) {
                health.died(fatal);
                LOG.error("Applying the edit of {} failed with an Error; later edits are still watched", name, fatal);
            }
        });
        context.addService(watcher, true, true);
    }

    private static Path pathOf(Resource resource) {
        return Path.of(resource.getLocation().replaceFirst("^file:", ""));
    }
}
