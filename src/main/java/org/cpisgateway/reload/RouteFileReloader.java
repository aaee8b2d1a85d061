package org.cpisgateway.reload;

import static org.cpisgateway.reload.RouteFileCheck.describe;
import static org.cpisgateway.reload.RouteFileCheck.isFrom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an edited route file while the gateway runs, touching only the routes of that file.
 *
 * <p>Camel's own route reload stops and removes every route by default; here one file is reloaded at a time: the new
 * text is parsed first (a YAML error is refused before anything stops), then that file's routes are stopped
 * gracefully (in-flight exchanges finish; callers of a {@code direct:} endpoint wait for it to come back) and the new
 * ones are added and started. Before anything stops, the edited file must pass {@link RouteFileCheck} (the check
 * {@code check-config} makes, here against the running gateway). If the new routes do not start, they are removed
 * and the last good text of the file is put back, so the previous version keeps running. The MLLP listeners are not in {@code routes/}
 * (see {@code MllpListeners}), so no route reload ever closes a PAS connection.
 */
public class RouteFileReloader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileReloader.class);

    /** Called after a file with route templates was applied, to make the routes the templates stand for. */
    public interface TemplateUser {
        void templatesChanged(CamelContext context) throws Exception;

        void removeTemplatedRoutes(CamelContext context) throws Exception;
    }

    private final CamelContext context;
    private final Path directory;
    private final TemplateUser templates;
    private final ReloadLog reloadLog;
    private final Map<Path, String> lastGood = new ConcurrentHashMap<>();
    private final Map<Path, String> lastRefused = new ConcurrentHashMap<>();

    private final ReloadGate gate;

    public RouteFileReloader(CamelContext context, Path directory, TemplateUser templates, ReloadLog reloadLog,
                             ReloadGate gate) {
        this.gate = gate;
        this.context = context;
        this.directory = directory.toAbsolutePath().normalize();
        this.templates = templates;
        this.reloadLog = reloadLog;
    }

    /** Remembers the text each route file had when the gateway started: the first "last good" version. */
    public void rememberStartingVersions() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.filter(RouteFileCheck::isRouteFile).toList()) {
                lastGood.put(file.toAbsolutePath().normalize(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }

    /** Applies the file's current text; on any failure the last good text keeps (or goes back to) running. */
    public synchronized boolean reload(Path file) {
        if (!RouteFileCheck.isRouteFile(file)) {
            return false; // an editor's temporary file, a backup: not a route file
        }
        Path key = file.toAbsolutePath().normalize();
        String name = directory.getParent() == null ? key.toString() : directory.getParent().relativize(key).toString();
        String text;
        try {
            text = SettledFile.read(key);
        } catch (IOException e) {
            return refuse(name, "cannot be read: " + e.getMessage());
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (text != null && text.equals(lastGood.get(key))) {
            lastRefused.remove(key);
            return true; // touched, not changed
        }
        if (text != null && text.equals(lastRefused.get(key))) {
            return false; // the same edit seen again (watchers report one save several times)
        }
        if (text == null) {
            return refuse(name, "was deleted; its routes keep running until the gateway restarts");
        }
        RouteBuilder parsed;
        try {
            parsed = RouteFileCheck.parse(context, key, text);
        } catch (Exception e) {
            lastRefused.put(key, text);
            return refuse(name, describe(e));
        }
        String problem = RouteFileCheck.problem(context, key, parsed);
        if (problem != null) {
            lastRefused.put(key, text);
            return refuse(name, problem);
        }
        String previous = lastGood.get(key);
        boolean onMllpPath = onMllpPath(key, parsed);
        try {
            apply(key, parsed, onMllpPath);
            lastGood.put(key, text);
            lastRefused.remove(key);
            reloadLog.applied(name, "routes " + routeIdsOf(key));
            LOG.info("Route file {} applied: routes {} restarted, no other route touched", name, routeIdsOf(key));
            return true;
        } catch (Exception e) {
            String reason = describe(e) + lineOf(parsed, e);
            lastRefused.put(key, text);
            try {
                if (previous != null) {
                    apply(key, RouteFileCheck.parse(context, key, previous), onMllpPath);
                }
            } catch (Exception restoreFailed) {
                LOG.error("Route file {}: restoring the last good version failed too: {}", name,
                        describe(restoreFailed));
            }
            return refuse(name, reason);
        }
    }

    private boolean refuse(String name, String reason) {
        reloadLog.refused(name, reason);
        LOG.error("Route file {} refused, the last good version keeps running: {}", name, reason);
        return false;
    }

    /** Applies behind the reload gate when the routes are on the MLLP path. */
    private void apply(Path file, RouteBuilder builder, boolean onMllpPath) throws Exception {
        if (onMllpPath) {
            gate.exclusive(() -> {
                apply(file, builder);
                return null;
            });
        } else {
            apply(file, builder);
        }
    }

    private void apply(Path file, RouteBuilder builder) throws Exception {
        ModelCamelContext model = (ModelCamelContext) context;
        boolean hasTemplates = !builder.getRouteTemplateCollection().getRouteTemplates().isEmpty();
        boolean hasConfigurations = false;
        // stop and remove this file's routes (graceful: in-flight exchanges complete first)
        for (Route route : new ArrayList<>(context.getRoutes())) {
            if (isFrom(route.getSourceResource(), file)) {
                context.getRouteController().stopRoute(route.getRouteId());
                context.removeRoute(route.getRouteId());
            }
        }
        if (hasTemplates) {
            templates.removeTemplatedRoutes(context);
            for (RouteTemplateDefinition t : new ArrayList<>(model.getRouteTemplateDefinitions())) {
                if (isFrom(t.getResource(), file)) {
                    model.removeRouteTemplateDefinition(t);
                }
            }
        }
        if (builder instanceof RouteConfigurationBuilder configurations) {
            for (RouteConfigurationDefinition c : new ArrayList<>(model.getRouteConfigurationDefinitions())) {
                if (isFrom(c.getResource(), file)) {
                    model.removeRouteConfiguration(c);
                }
            }
            configurations.addRouteConfigurationsToCamelContext(context);
            hasConfigurations = !configurations.getRouteConfigurationCollection().getRouteConfigurations().isEmpty();
        }
        for (RouteDefinition old : new ArrayList<>(model.getRouteDefinitions())) {
            if (isFrom(old.getResource(), file)) {
                model.removeRouteDefinition(old);
            }
        }
        try {
            builder.addRoutesToCamelContext(context);
        } catch (Exception failed) {
            for (Route route : new ArrayList<>(context.getRoutes())) {
                if (isFrom(route.getSourceResource(), file)) {
                    context.getRouteController().stopRoute(route.getRouteId());
                    context.removeRoute(route.getRouteId());
                }
            }
            for (RouteDefinition added : new ArrayList<>(model.getRouteDefinitions())) {
                if (isFrom(added.getResource(), file)) {
                    model.removeRouteDefinition(added);
                }
            }
            throw failed;
        }
        if (hasTemplates) {
            templates.templatesChanged(context);
        }
        if (hasConfigurations) {
            // routes elsewhere that use a configuration of this file pick it up when they are re-created
            try (var files = Files.list(directory)) {
                for (Path other : files.filter(RouteFileCheck::isRouteFile)
                        .map(p -> p.toAbsolutePath().normalize()).filter(p -> !p.equals(file)).toList()) {
                    String text = lastGood.get(other);
                    if (text != null) {
                        apply(other, RouteFileCheck.parse(context, other, text));
                    }
                }
            }
        }
    }

    /** Whether the file's routes (as running, or as edited) are on the path of an MLLP frame, or configure routes. */
    private boolean onMllpPath(Path file, RouteBuilder parsed) {
        if (parsed instanceof RouteConfigurationBuilder) {
            return true; // conservatively: configurations may be used by the MLLP path
        }
        java.util.function.Predicate<String> mllpPath = uri -> uri != null
                && (uri.startsWith("direct:adt-inbound") || uri.startsWith("direct:send-ack"));
        return context.getRoutes().stream().filter(r -> isFrom(r.getSourceResource(), file))
                .anyMatch(r -> mllpPath.test(r.getEndpoint().getEndpointUri()))
                || parsed.getRouteCollection().getRoutes().stream()
                .anyMatch(r -> r.getInput() != null && mllpPath.test(r.getInput().getEndpointUri()));
    }

    /**
     * Camel names the failing step ("at: >>> Bean[ref:x method:y] <<<") but not its line; the parsed definitions carry
     * the line each step came from, so find the step by that label.
     */
    private static String lineOf(RouteBuilder parsed, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            int start = message.indexOf(">>> ");
            int end = message.indexOf(" <<<", start + 4);
            if (start >= 0 && end > start) {
                String step = message.substring(start + 4, end);
                for (RouteDefinition route : parsed.getRouteCollection().getRoutes()) {
                    Integer line = find(route.getOutputs(), step);
                    if (line != null) {
                        return " (line " + line + ")";
                    }
                }
            }
        }
        return "";
    }

    private static Integer find(List<ProcessorDefinition<?>> steps, String label) {
        for (ProcessorDefinition<?> step : steps) {
            if (label.equals(step.toString()) && step.getLineNumber() > 0) {
                return step.getLineNumber();
            }
            Integer inner = find(step.getOutputs(), label);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    private List<String> routeIdsOf(Path file) {
        return context.getRoutes().stream().filter(r -> isFrom(r.getSourceResource(), file))
                .map(Route::getRouteId).sorted().toList();
    }
}
