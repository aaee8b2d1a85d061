package org.cpisgateway.reload;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The route files as {@code check-config} reads them, without starting anything: each {@code routes/*.camel.yaml}
 * is parsed by Camel's own YAML DSL (a syntax error names the file, line and column), then across the files: a route
 * id used twice, a {@code routeConfigurationId} no file defines (Camel would start that route without any error
 * handling, silently), and an endpoint whose component is not in the release. Each problem names the file and line.
 */
public final class RouteFileCheck {

    private RouteFileCheck() {
    }

    /** @param context a Camel context with source locations enabled, used only to parse */
    public static List<String> problems(CamelContext context, Path routesDir) {
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(routesDir)) {
            problems.add("the routes folder " + routesDir.toAbsolutePath().normalize() + " is missing");
            return problems;
        }
        List<Path> files;
        try (var list = Files.list(routesDir)) {
            files = list.filter(RouteFileReloader::isRouteFile).sorted().toList();
        } catch (java.io.IOException e) {
            problems.add("the routes folder " + routesDir + " cannot be read: " + e.getMessage());
            return problems;
        }
        Map<String, String> routeIds = new HashMap<>();
        Set<String> configurationIds = new HashSet<>();
        Map<Path, RouteBuilder> parsed = new java.util.LinkedHashMap<>();
        for (Path file : files) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                for (RoutesBuilder b : PluginHelper.getRoutesLoader(context)
                        .findRoutesBuilders(ResourceHelper.fromString("file:" + file, text))) {
                    RouteBuilder builder = (RouteBuilder) b;
                    builder.configureRoutes(context); // parses into definitions; nothing is added or started
                    parsed.put(file, builder);
                    if (builder instanceof RouteConfigurationBuilder c) {
                        c.addRouteConfigurationsToCamelContext(context); // the throwaway parsing context only
                        c.getRouteConfigurationCollection().getRouteConfigurations()
                                .forEach(rc -> configurationIds.add(rc.getId()));
                    }
                }
            } catch (Exception e) {
                problems.add(file + ": " + RouteFileReloader.describe(e));
            }
        }
        for (var entry : parsed.entrySet()) {
            String file = entry.getKey().toString();
            for (RouteDefinition route : entry.getValue().getRouteCollection().getRoutes()) {
                String where = file + (route.getLineNumber() > 0 ? " line " + route.getLineNumber() : "");
                String id = route.getRouteId();
                if (id != null && routeIds.putIfAbsent(id, where) != null) {
                    problems.add(where + ": route id '" + id + "' is already used at " + routeIds.get(id));
                }
                if (route.getRouteConfigurationId() != null) {
                    for (String ref : route.getRouteConfigurationId().split(",")) {
                        if (!configurationIds.contains(ref.trim())) {
                            problems.add(where + ": route " + id + " names routeConfigurationId '" + ref.trim()
                                    + "', which no route file defines (the route would run without error handling)");
                        }
                    }
                }
                if (route.getInput() != null) {
                    component(context, route.getInput().getEndpointUri(), file, route.getInput().getLineNumber(),
                            problems);
                }
                steps(context, route.getOutputs(), file, problems);
            }
        }
        return problems;
    }

    private static void steps(CamelContext context, List<ProcessorDefinition<?>> steps, String file,
                              List<String> problems) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof SendDefinition<?> send) {
                component(context, send.getEndpointUri(), file, step.getLineNumber(), problems);
            }
            steps(context, step.getOutputs(), file, problems);
        }
    }

    private static void component(CamelContext context, String uri, String file, int line, List<String> problems) {
        if (uri == null || !uri.contains(":") || uri.startsWith("{{")) {
            return;
        }
        String scheme = uri.substring(0, uri.indexOf(':'));
        if (scheme.equals("rest")) {
            return; // the REST DSL's own routes
        }
        boolean known;
        try {
            known = context.getComponent(scheme, true, false) != null;
        } catch (RuntimeException cannot) {
            known = false;
        }
        if (!known) {
            problems.add(file + (line > 0 ? " line " + line : "") + ": endpoint '" + uri + "': no component '"
                    + scheme + "' in this release");
        }
    }
}
