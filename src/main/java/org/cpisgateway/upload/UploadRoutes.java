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

    /**
     * Adds the routes of every authority that has none yet and removes those of authorities no longer in the table
     * (retired: their queue and folder stop being read at once, not at the next restart); returns how many
     * authorities got routes.
     */
    public synchronized int ensureAll(CamelContext context) throws Exception {
        ModelCamelContext model = (ModelCamelContext) context;
        if (model.getRouteTemplateDefinition(TEMPLATES.get(0)) == null) {
            return 0; // route tests load only some route files
        }
        removeRetired(context);
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

    private void removeRetired(CamelContext context) throws Exception {
        for (var route : List.copyOf(context.getRoutes())) {
            String id = route.getRouteId();
            for (String template : TEMPLATES) {
                if (id.startsWith(template + "-") && !authorities.knows(id.substring(template.length() + 1))) {
                    remove(context, id);
                    LOG.info("Upload route {} stopped and removed: its authority is no longer in authorities.csv", id);
                }
            }
        }
    }

    private static void remove(CamelContext context, String id) throws Exception {
        ModelCamelContext model = (ModelCamelContext) context;
        var definition = model.getRouteDefinition(id);
        context.getRouteController().stopRoute(id);
        context.removeRoute(id);
        if (definition != null && model.getRouteDefinition(id) != null) {
            model.removeRouteDefinition(definition);
        }
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
                remove(context, id);
            }
        }
    }
}
