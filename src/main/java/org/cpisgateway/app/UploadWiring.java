package org.cpisgateway.app;

import java.time.Clock;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.upload.FolderUploads;
import org.cpisgateway.upload.PlanUpload;
import org.cpisgateway.upload.UploadRoutes;

/**
 * Authorities' plan uploads: the upload itself (planUpload, folderUpload) and one queue route and one folder route per
 * authority, made from the templates in routes/uploads.camel.yaml once everything has started.
 */
final class UploadWiring {

    private UploadWiring() {
    }

    /** @return the upload routes, which live edits of authorities.csv and routes/ keep in step */
    static UploadRoutes wire(CamelContext context, GatewaySettings s, Mappings mappings, StoreWiring store,
                             BrokerWiring broker, Clock clock) throws Exception {
        PlanUpload planUpload = new PlanUpload(store.plans(), broker.security(), clock,
                s.upload().snapshotMaxEndPercent(), s.upload().maxBytes(), s.upload().maxRows());
        context.getRegistry().bind("planUpload", planUpload);
        context.getRegistry().bind("folderUpload", new FolderUploads(planUpload, s.upload().dir(), clock));
        UploadRoutes uploadRoutes = new UploadRoutes(mappings.authorities());
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // templates are not all loaded yet
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                uploadRoutes.ensureAll(ctx);
            }
        });
        return uploadRoutes;
    }
}
