package org.cpisgateway.reload;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an edited mapping table while the gateway runs. The whole file is read and checked first; a bad row refuses
 * the edit (the message names the file and line) and the table in use stays as it was. A good file replaces the table
 * at once: a message being processed sees either the old or the new table, never half of each.
 */
public class MappingReloader {

    private static final Logger LOG = LoggerFactory.getLogger(MappingReloader.class);

    /** What to do with one table: load it (throws on a bad row), then put it in use. */
    public record Table<T>(Function<Path, T> load, Applier<T> apply) {
    }

    public interface Applier<T> {
        void apply(T loaded) throws Exception;
    }

    private final Path directory;
    private final Map<String, Table<?>> tables;
    private final ReloadLog reloadLog;
    private final Map<String, String> lastRefused = new java.util.concurrent.ConcurrentHashMap<>();

    public MappingReloader(Path directory, Map<String, Table<?>> tables, ReloadLog reloadLog) {
        this.directory = directory;
        this.tables = tables;
        this.reloadLog = reloadLog;
    }

    /** Files a table reads besides itself (templates): an edit of one reloads the table {@code tableName}. */
    private final java.util.List<Map.Entry<java.util.function.Predicate<String>, String>> companions =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public void alsoFor(java.util.function.Predicate<String> fileNames, String tableName) {
        companions.add(Map.entry(fileNames, tableName));
    }

    public boolean handles(Path file) {
        return tables.containsKey(tableFor(file.getFileName().toString()));
    }

    private String tableFor(String fileName) {
        if (tables.containsKey(fileName)) {
            return fileName;
        }
        for (var companion : companions) {
            if (companion.getKey().test(fileName)) {
                return companion.getValue();
            }
        }
        return fileName;
    }

    public synchronized boolean reload(Path file) {
        String fileName = tableFor(file.getFileName().toString());
        boolean companion = !fileName.equals(file.getFileName().toString());
        Table<?> table = tables.get(fileName);
        if (table == null) {
            return false;
        }
        String name = directory.resolve(fileName).toString();
        try {
            String text = SettledFile.read(directory.resolve(fileName));
            if (text == null) {
                throw new IllegalStateException("was deleted; the table in use is unchanged");
            }
            if (!companion && text.equals(lastRefused.get(fileName))) {
                return false; // the same edit reported again
            }
            lastRefused.remove(fileName);
            apply(table, directory.resolve(fileName));
            reloadLog.applied(name, "table replaced");
            LOG.info("Mapping table {} applied", name);
            return true;
        } catch (Exception e) {
            rememberRefused(fileName);
            String reason = RouteFileCheck.describe(e);
            reloadLog.refused(name, reason);
            LOG.error("Mapping table {} refused, the table in use is unchanged: {}", name, reason);
            return false;
        }
    }

    private void rememberRefused(String fileName) {
        try {
            String text = SettledFile.read(directory.resolve(fileName));
            if (text != null) {
                lastRefused.put(fileName, text);
            }
        } catch (Exception ignored) {
            // only used to skip repeated reports of the same edit
        }
    }

    private static <T> void apply(Table<T> table, Path file) throws Exception {
        T loaded = table.load().apply(file);
        table.apply().apply(loaded);
    }
}
