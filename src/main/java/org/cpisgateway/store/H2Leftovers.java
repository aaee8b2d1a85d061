package org.cpisgateway.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.value.VersionedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what the embedded H2 keeps of transactions that were still open when its process was killed.
 *
 * <p>H2 writes its file in the background, map by map, while transactions are open; a version written then can hold
 * a transaction's change to a table or index without the undo-log record that would roll it back. H2 calls such an
 * entry a "leftover": after a restart it belongs to a transaction that no longer exists. H2 hides it from other
 * transactions, but the first later transaction that is given the same transaction id (H2 reuses the lowest free one)
 * sees it as its own, and a commit of that transaction can keep it. For the gateway that means a batch of attendances
 * half written when the process was killed could come back: an attendance's access record twice, a notification
 * queued twice, a re-sent message taken for one already recorded.
 *
 * <p>So when the store was not closed cleanly (its marker file is still there), every table and index entry still
 * marked uncommitted once H2 has opened (and rolled back the transactions it knows of) is put back to its committed
 * value, or removed if it had none, before anything else uses the store. The scan reads every row once; it runs only
 * after an unclean stop.
 */
public final class H2Leftovers {

    private static final Logger LOG = LoggerFactory.getLogger(H2Leftovers.class);

    private H2Leftovers() {
    }

    /** One entry left uncommitted: its map, its key, and its committed value (null: it had none). */
    record Leftover(MVMap<Object, Object> map, Object key, Object committed) {
    }

    /**
     * When {@code marker} exists (the store was in use and not closed cleanly), clears the leftovers; then creates
     * the marker for this run. Call before anything else uses the store.
     *
     * @return what removes the marker: to run once the store has been closed cleanly
     */
    public static Runnable clearAfterUncleanStop(DataSource dataSource, Path marker) throws SQLException, IOException {
        if (Files.exists(marker)) {
            try (Connection c = dataSource.getConnection()) {
                int cleared = clear(c);
                if (cleared > 0) {
                    LOG.warn("The store was not closed cleanly: {} entr{} of unfinished transactions removed", cleared,
                            cleared == 1 ? "y" : "ies");
                } else {
                    LOG.info("The store was not closed cleanly: no entries of unfinished transactions found");
                }
            }
        } else {
            Files.createDirectories(marker.getParent());
            create(marker);
        }
        return () -> {
            try {
                Files.deleteIfExists(marker);
            } catch (IOException e) {
                LOG.warn("The store's in-use marker could not be removed: {}", e.getClass().getName());
            }
        };
    }

    /** Creates the marker and syncs it and its folder, so that a power cut soon after the start does not lose it. */
    private static void create(Path marker) throws IOException {
        try (FileChannel file = FileChannel.open(marker, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            file.force(true);
        }
        try (FileChannel folder = FileChannel.open(marker.getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException notOnThisSystem) {
            // a folder cannot be opened or synced on every system (Windows); the file itself is synced
        }
    }

    /** The entries of the store's tables and indexes still marked uncommitted (none while no transaction is open). */
    static List<Leftover> find(Connection c) throws SQLException {
        MVStore store = mvStore(c);
        List<Leftover> found = new ArrayList<>();
        // as a transaction does: the version read is kept (a raw cursor alone does not stop H2's background writer
        // from freeing a chunk under it: "Chunk ... not found" on a large store with H2's default compaction)
        MVStore.TxCounter reading = store.registerVersionUsage();
        try {
            for (String name : store.getMapNames()) {
                MVMap<Object, Object> map = openMapNamed(store, name);
                if (map == null) {
                    continue;
                }
                for (Cursor<Object, Object> entries = map.cursor(null); entries.hasNext(); ) {
                    Object key = entries.next();
                    if (entries.getValue() instanceof VersionedValue<?> value && value.getOperationId() != 0) {
                        found.add(new Leftover(map, key, value.getCommittedValue()));
                    }
                }
            }
        } finally {
            store.deregisterVersionUsage(reading);
        }
        return found;
    }

    /** Puts every leftover back to its committed value (or removes it) and writes the store; returns how many. */
    static int clear(Connection c) throws SQLException {
        List<Leftover> found = find(c);
        for (Leftover l : found) {
            if (l.committed() == null) {
                l.map().remove(l.key());
            } else {
                l.map().put(l.key(), l.committed());
            }
        }
        if (!found.isEmpty()) {
            mvStore(c).commit();
        }
        return found.size();
    }

    static MVStore mvStore(Connection c) throws SQLException {
        SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }

    /** The open map of a table or an index (H2 opens them all with the database); null for any other map. */
    @SuppressWarnings("unchecked")
    private static MVMap<Object, Object> openMapNamed(MVStore store, String name) {
        if (!name.startsWith("table.") && !name.startsWith("index.")) {
            return null;
        }
        String id = store.getMetaMap().get("name." + name);
        return id == null ? null : (MVMap<Object, Object>) (MVMap<?, ?>) store.getMap(Integer.parseInt(id, 16));
    }
}
