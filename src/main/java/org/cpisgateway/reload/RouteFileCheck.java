package org.cpisgateway.reload;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The one check of route files, made before anything runs them. A {@code routes/*.camel.yaml} is parsed by Camel's
 * own YAML DSL (a syntax error names the file, line and column), then each of its routes is checked for what most
 * often breaks an edit: a route id another file's route has, a {@code routeConfigurationId} that is not defined
 * (Camel would start that route without any error handling, silently), an endpoint that cannot be made, a bean or
 * processor named that there is not. Each problem names its line.
 *
 * <p>The same checks serve two callers, each against what it has:
 * <ul>
 *   <li>{@code check-config} ({@link #problems(CamelContext, Path)}): the whole folder in a context that only parses,
 *   against the other files (route ids, configurations) and the components in the release; every problem, each
 *   naming its file;</li>
 *   <li>live reload ({@link #problem}): one edited file against the running gateway (its routes, configurations,
 *   registry and endpoints); the first problem, found before any running route is touched.</li>
 * </ul>
 */
public final class RouteFileCheck {

    private RouteFileCheck() {
    }

    /** What a file's routes are checked against; each check returns the problem in words, or null. */
    private interface Against {
        String routeId(RouteDefinition route);

        String configuration(RouteDefinition route, String configurationId);

        String endpoint(String uri, int line);

        /** A bean or processor ({@code kind}) a step names. */
        String reference(String kind, String name, int line);
    }

    public static boolean isRouteFile(Path file) {
        return file.getFileName().toString().endsWith(".camel.yaml");
    }

    /**
     * Every problem of the route files in {@code routesDir}, for {@code check-config}: nothing is started.
     *
     * @param context a Camel context with source locations enabled, used only to parse
     */
    public static List<String> problems(CamelContext context, Path routesDir) {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(routesDir)) {
            problems.add("the routes folder " + routesDir.toAbsolutePath().normalize() + " is missing");
            return problems;
        }
        List<Path> files;
        try (var list = Files.list(routesDir)) {
            files = list.filter(RouteFileCheck::isRouteFile).sorted().toList();
        } catch (java.io.IOException e) {
            problems.add("the routes folder " + routesDir + " cannot be read: " + e.getMessage());
            return problems;
        }
        Map<Path, RouteBuilder> parsed = new LinkedHashMap<>();
        Set<String> configurationIds = new HashSet<>();
        for (Path file : files) {
            try {
                RouteBuilder builder = parse(context, file, Files.readString(file, StandardCharsets.UTF_8));
                parsed.put(file, builder);
                if (builder instanceof RouteConfigurationBuilder c) {
                    c.addRouteConfigurationsToCamelContext(context); // the throwaway parsing context only
                    c.getRouteConfigurationCollection().getRouteConfigurations()
                            .forEach(rc -> configurationIds.add(rc.getId()));
                }
            } catch (Exception e) {
                problems.add(file + ": " + describe(e));
            }
        }
        Map<String, String> routeIds = new HashMap<>();
        for (var entry : parsed.entrySet()) {
            check(entry.getValue(), new TheFolder(context, entry.getKey().toString(), routeIds, configurationIds),
                    problems, Integer.MAX_VALUE);
        }
        return problems;
    }

    /**
     * The first problem of an edited file's routes against the running gateway, or null: checked before any running
     * route is touched.
     */
    static String problem(CamelContext running, Path file, RouteBuilder parsed) {
        List<String> problems = new ArrayList<>(1);
        check(parsed, new TheRunningGateway(running, file), problems, 1);
        return problems.isEmpty() ? null : problems.get(0);
    }

    /** The file's text parsed into route definitions; nothing is added to the context or started. */
    static RouteBuilder parse(CamelContext context, Path file, String text) throws Exception {
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

    /** Whether the route, template or configuration was read from {@code file} (absolute, normalised). */
    static boolean isFrom(Resource resource, Path file) {
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

    /**
     * Checks the parsed file's routes, stopping once {@code limit} problems are found: first every route's id, then
     * each route's configurations, its input and its steps in order.
     */
    private static void check(RouteBuilder parsed, Against against, List<String> problems, int limit) {
        List<RouteDefinition> routes = parsed.getRouteCollection().getRoutes();
        for (RouteDefinition route : routes) {
            if (!found(problems, against.routeId(route), limit)) {
                return;
            }
        }
        for (RouteDefinition route : routes) {
            if (route.getRouteConfigurationId() != null) {
                for (String id : route.getRouteConfigurationId().split(",")) {
                    if (!found(problems, against.configuration(route, id.trim()), limit)) {
                        return;
                    }
                }
            }
            if (route.getInput() != null && !found(problems,
                    against.endpoint(route.getInput().getEndpointUri(), route.getInput().getLineNumber()), limit)) {
                return;
            }
            if (!steps(route.getOutputs(), against, problems, limit)) {
                return;
            }
        }
    }

    private static boolean steps(List<ProcessorDefinition<?>> steps, Against against, List<String> problems,
                                 int limit) {
        for (ProcessorDefinition<?> step : steps) {
            String problem = null;
            if (step instanceof BeanDefinition bean && bean.getRef() != null) {
                problem = against.reference("bean", bean.getRef(), step.getLineNumber());
            } else if (step instanceof ProcessDefinition process && process.getRef() != null) {
                problem = against.reference("processor", process.getRef(), step.getLineNumber());
            } else if (step instanceof SendDefinition<?> send) {
                problem = against.endpoint(send.getEndpointUri(), step.getLineNumber());
            }
            if (!found(problems, problem, limit) || !steps(step.getOutputs(), against, problems, limit)) {
                return false;
            }
        }
        return true;
    }

    /** Adds the problem, if any; false once there are as many as wanted. */
    private static boolean found(List<String> problems, String problem, int limit) {
        if (problem != null) {
            problems.add(problem);
        }
        return problems.size() < limit;
    }

    private static String at(int line) {
        return line > 0 ? " (line " + line + ")" : "";
    }

    /** One file of the folder, against the files before it (route ids) and all of them (configurations). */
    private record TheFolder(CamelContext context, String file, Map<String, String> routeIds,
                             Set<String> configurationIds) implements Against {

        private String where(int line) {
            return file + (line > 0 ? " line " + line : "");
        }

        @Override
        public String routeId(RouteDefinition route) {
            String id = route.getRouteId();
            String where = where(route.getLineNumber());
            return id != null && routeIds.putIfAbsent(id, where) != null
                    ? where + ": route id '" + id + "' is already used at " + routeIds.get(id) : null;
        }

        @Override
        public String configuration(RouteDefinition route, String configurationId) {
            return configurationIds.contains(configurationId) ? null : where(route.getLineNumber()) + ": route "
                    + route.getRouteId() + " names routeConfigurationId '" + configurationId
                    + "', which no route file defines (the route would run without error handling)";
        }

        /** Only whether the endpoint's component is in the release: nothing is made. */
        @Override
        public String endpoint(String uri, int line) {
            if (uri == null || !uri.contains(":") || uri.startsWith("{{")) {
                return null;
            }
            String scheme = uri.substring(0, uri.indexOf(':'));
            if (scheme.equals("rest")) {
                return null; // the REST DSL's own routes
            }
            boolean known;
            try {
                known = context.getComponent(scheme, true, false) != null;
            } catch (RuntimeException cannot) {
                known = false;
            }
            return known ? null : where(line) + ": endpoint '" + uri + "': no component '" + scheme
                    + "' in this release";
        }

        /** The parsing context has no beans: not checked. */
        @Override
        public String reference(String kind, String name, int line) {
            return null;
        }
    }

    /** An edited file against the gateway as it runs. */
    private record TheRunningGateway(CamelContext context, Path file) implements Against {

        /** A route id that a route of another file already has (Camel would replace that route). */
        @Override
        public String routeId(RouteDefinition route) {
            Route running = route.getRouteId() == null ? null : context.getRoute(route.getRouteId());
            if (running == null || isFrom(running.getSourceResource(), file)) {
                return null;
            }
            return "route id '" + route.getRouteId() + "'" + at(route.getLineNumber()) + " is already used by "
                    + (running.getSourceLocationShort() == null ? "another route" : running.getSourceLocationShort());
        }

        @Override
        public String configuration(RouteDefinition route, String configurationId) {
            boolean known = ((ModelCamelContext) context).getRouteConfigurationDefinitions().stream()
                    .anyMatch(c -> configurationId.equals(c.getId()));
            return known ? null : "route " + route.getRouteId() + " names routeConfigurationId '" + configurationId
                    + "', which does not exist" + at(route.getLineNumber());
        }

        @Override
        public String endpoint(String uri, int line) {
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

        @Override
        public String reference(String kind, String name, int line) {
            return context.getRegistry().lookupByName(context.resolvePropertyPlaceholders(name)) != null ? null
                    : "no " + kind + " named '" + name + "'" + at(line);
        }
    }
}
