package org.cpisgateway.upload;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.cpisgateway.core.Authority;
import org.cpisgateway.mapping.AuthorityDirectory;
import org.cpisgateway.reload.RouteFileReloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue route and one folder route per authority, made from the templates in {@code routes/uploads.camel.yaml}:
 * at start-up, when an authority is added to {@code mappings/authorities.csv}, and when the templates are edited.
 */
public class UploadRoutes implements RouteFileReloader.TemplateUser {

    private static final Logger LOG = LoggerFactory.getLogger(UploadRoutes.class);
    private static final List<String> TEMPLATES = List.of("upload-queue", "upload-folder");

    private final AuthorityDirectory authorities;

    public UploadRoutes(AuthorityDirectory authorities) {
        this.authorities = authorities;
    }

    /** Adds the routes of every authority that has none yet; returns how many authorities got routes. */
    public synchronized int ensureAll(CamelContext context) throws Exception {
        ModelCamelContext model = (ModelCamelContext) context;
        if (model.getRouteTemplateDefinition(TEMPLATES.get(0)) == null) {
            return 0; // route tests load only some route files
        }
        int added = 0;
        for (Authority authority : authorities.all()) {
            boolean any = false;
            for (String template : TEMPLATES) {
                String id = template + "-" + authority.code();
                if (context.getRoute(id) == null) {
                    TemplatedRouteBuilder.builder(context, template).routeId(id)
                            .parameter("authority", authority.code()).add();
                    any = true;
                }
            }
            if (any) {
                added++;
            }
        }
        if (added > 0) {
            LOG.info("Upload routes started for {} authorities", added);
        }
        return added;
    }

    @Override
    public void templatesChanged(CamelContext context) throws Exception {
        ensureAll(context);
    }

    @Override
    public synchronized void removeTemplatedRoutes(CamelContext context) throws Exception {
        for (var route : List.copyOf(context.getRoutes())) {
            String id = route.getRouteId();
            if (TEMPLATES.stream().anyMatch(t -> id.startsWith(t + "-"))) {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
                ((ModelCamelContext) context).removeRouteDefinition(((ModelCamelContext) context).getRouteDefinition(id));
            }
        }
    }
}
