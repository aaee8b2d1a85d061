package org.cpisgateway.reload;

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
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an edited route file while the gateway runs, touching only the routes of that file.
 *
 * <p>Camel's own route reload stops and removes every route by default; here one file is reloaded at a time: the new
 * text is parsed first (a YAML error is refused before anything stops), then that file's routes are stopped
 * gracefully (in-flight exchanges finish; callers of a {@code direct:} endpoint wait for it to come back) and the new
 * ones are added and started. If they do not start (unknown bean, bad endpoint), they are removed and the last good
 * text of the file is put back, so the previous version keeps running. The MLLP listeners are not in {@code routes/}
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
            for (Path file : files.filter(RouteFileReloader::isRouteFile).toList()) {
                lastGood.put(file.toAbsolutePath().normalize(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }

    public static boolean isRouteFile(Path file) {
        return file.getFileName().toString().endsWith(".camel.yaml");
    }

    /** Applies the file's current text; on any failure the last good text keeps (or goes back to) running. */
    public synchronized boolean reload(Path file) {
        if (!isRouteFile(file)) {
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
            parsed = parse(key, text);
        } catch (Exception e) {
            lastRefused.put(key, text);
            return refuse(name, describe(e));
        }
        String problem = idTakenElsewhere(key, parsed);
        if (problem == null) {
            problem = unresolved(parsed);
        }
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
                    apply(key, parse(key, previous), onMllpPath);
                }
            } catch (Exception restoreFailed) {
                LOG.error("Route file {}: restoring the last good version failed too: {}", name, describe(restoreFailed));
            }
            return refuse(name, reason);
        }
    }

    private boolean refuse(String name, String reason) {
        reloadLog.refused(name, reason);
        LOG.error("Route file {} refused, the last good version keeps running: {}", name, reason);
        return false;
    }

    private RouteBuilder parse(Path file, String text) throws Exception {
        Resource resource = ResourceHelper.fromString("file:" + file, text);
        List<RouteBuilder> builders = new ArrayList<>();
        for (RoutesBuilder b : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            builders.add((RouteBuilder) b);
        }
        if (builders.size() != 1) {
            throw new IllegalStateException("expected one set of routes, got " + builders.size());
        }
        RouteBuilder builder = builders.get(0);
        builder.configureRoutes(context); // parses the YAML into definitions; nothing is added yet
        return builder;
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
                for (Path other : files.filter(RouteFileReloader::isRouteFile)
                        .map(p -> p.toAbsolutePath().normalize()).filter(p -> !p.equals(file)).toList()) {
                    String text = lastGood.get(other);
                    if (text != null) {
                        apply(other, parse(other, text));
                    }
                }
            }
        }
    }

    /**
     * Checks, before any running route is touched, what most often breaks an edit: a bean name the registry does not
     * have, an endpoint that cannot be created. Returns the first problem with its line, or null.
     */
    private String unresolved(RouteBuilder parsed) {
        ModelCamelContext model = (ModelCamelContext) context;
        for (RouteDefinition route : parsed.getRouteCollection().getRoutes()) {
            if (route.getRouteConfigurationId() != null) {
                for (String id : route.getRouteConfigurationId().split(",")) {
                    boolean known = model.getRouteConfigurationDefinitions().stream()
                            .anyMatch(c -> id.trim().equals(c.getId()));
                    if (!known) {
                        // Camel itself starts the route without it, silently: no error handling at all
                        return "route " + route.getRouteId() + " names routeConfigurationId '" + id.trim()
                                + "', which does not exist" + at(route.getLineNumber());
                    }
                }
            }
            if (route.getInput() != null) {
                String problem = endpointProblem(route.getInput().getEndpointUri(), route.getInput().getLineNumber());
                if (problem != null) {
                    return problem;
                }
            }
            String problem = unresolved(route.getOutputs());
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** A route id of the edited file that a route of another file already has (Camel would replace that route). */
    private String idTakenElsewhere(Path file, RouteBuilder parsed) {
        for (RouteDefinition route : parsed.getRouteCollection().getRoutes()) {
            Route running = route.getRouteId() == null ? null : context.getRoute(route.getRouteId());
            if (running != null && !isFrom(running.getSourceResource(), file)) {
                return "route id '" + route.getRouteId() + "'" + at(route.getLineNumber()) + " is already used by "
                        + (running.getSourceLocationShort() == null ? "another route" : running.getSourceLocationShort());
            }
        }
        return null;
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

    private String unresolved(List<ProcessorDefinition<?>> steps) {
        for (ProcessorDefinition<?> step : steps) {
            String problem = null;
            if (step instanceof org.apache.camel.model.BeanDefinition bean && bean.getRef() != null
                    && context.getRegistry().lookupByName(context.resolvePropertyPlaceholders(bean.getRef())) == null) {
                problem = "no bean named '" + bean.getRef() + "'" + at(step.getLineNumber());
            } else if (step instanceof org.apache.camel.model.ProcessDefinition process && process.getRef() != null
                    && context.getRegistry().lookupByName(context.resolvePropertyPlaceholders(process.getRef())) == null) {
                problem = "no processor named '" + process.getRef() + "'" + at(step.getLineNumber());
            } else if (step instanceof org.apache.camel.model.SendDefinition<?> send) {
                problem = endpointProblem(send.getEndpointUri(), step.getLineNumber());
            }
            if (problem == null) {
                problem = unresolved(step.getOutputs());
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String endpointProblem(String uri, int line) {
        if (uri == null) {
            return null;
        }
        try {
            context.getEndpoint(uri);
            return null;
        } catch (RuntimeException e) {
            return "endpoint '" + uri + "' cannot be created" + at(line) + ": " + describe(e);
        }
    }

    private static String at(int line) {
        return line > 0 ? " (line " + line + ")" : "";
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
        return context.getRoutes().stream().filter(r -> isFrom(r.getSourceResource(), file)).map(Route::getRouteId)
                .sorted().toList();
    }

    private static boolean isFrom(Resource resource, Path file) {
        if (resource == null || resource.getLocation() == null) {
            return false;
        }
        String location = resource.getLocation().replaceFirst("^file:", "");
        try {
            return Path.of(location).toAbsolutePath().normalize().equals(file);
        } catch (RuntimeException notAPath) {
            return false;
        }
    }

    /** The first line of each cause: YAML errors carry the file, line and column; route errors the route and step. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 1500; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            if (text.indexOf(message) < 0) {
                if (!text.isEmpty()) {
                    text.append(" | caused by: ");
                }
                text.append(message.replaceAll("\\s*\\n\\s*", " "));
            }
        }
        return text.toString();
    }
}
