package org.cpisgateway.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

import org.apache.activemq.artemis.core.io.nio.NIOSequentialFileFactory;
import org.apache.activemq.artemis.core.journal.RecordInfo;
import org.apache.activemq.artemis.core.journal.impl.JournalImpl;

/**
 * The embedded store's write-ahead log: each batch of answered attendances is appended here, and synced, before its
 * ACKs leave. The embedded H2 then needs to write its own file only now and then (its write delay, and a checkpoint
 * every second): one sequential append per batch instead of an H2 chunk (every changed B-tree page of every table
 * and index touched) per batch.
 *
 * <p>It is Artemis's own journal (the one the embedded broker keeps its messages in), used for one record type:
 * a batch, identified by its sequence number. A batch is forgotten (a delete record) once H2 has synced a checkpoint
 * that holds it; on start, the batches H2 does not have are written into it again ({@link AttendanceJournal}).
 */
public final class WriteAheadLog implements AutoCloseable {

    private static final byte BATCH = 1;
    private static final int FILE_SIZE = 10 * 1024 * 1024;

    /** One batch as it was appended. */
    public record Batch(long sequence, byte[] data) {
    }

    private final JournalImpl journal;
    private final List<Batch> loaded;
    private final NavigableSet<Long> live = new ConcurrentSkipListSet<>();

    private WriteAheadLog(JournalImpl journal, List<Batch> loaded) {
        this.journal = journal;
        this.loaded = loaded;
        loaded.forEach(b -> live.add(b.sequence()));
    }

    /** Opens (or creates) the log in {@code dir} and reads the batches it still holds. */
    public static WriteAheadLog open(Path dir) throws IOException {
        Files.createDirectories(dir);
        JournalImpl journal = new JournalImpl(FILE_SIZE, 2, 2, 10, 30,
                new NIOSequentialFileFactory(dir.toFile(), false, 1), "cpis-wal", "wal", 1);
        try {
            journal.start();
            List<RecordInfo> records = new ArrayList<>();
            journal.load(records, new ArrayList<>(), null);
            List<Batch> batches = new ArrayList<>(records.size());
            for (RecordInfo r : records) {
                if (r.getUserRecordType() == BATCH && !r.isUpdate) {
                    batches.add(new Batch(r.id, r.data));
                }
            }
            batches.sort(Comparator.comparingLong(Batch::sequence));
            return new WriteAheadLog(journal, List.copyOf(batches));
        } catch (Exception e) {
            throw new IOException("the write-ahead log in " + dir + " could not be opened", e);
        }
    }

    /** The batches found when the log was opened, oldest first. */
    public List<Batch> loaded() {
        return loaded;
    }

    /** The highest sequence number the log holds or held at open (0 when empty). */
    public long lastLoadedSequence() {
        return loaded.isEmpty() ? 0 : loaded.get(loaded.size() - 1).sequence();
    }

    /** Appends a batch; with {@code sync}, returns only once it is on the disk device. */
    public void append(long sequence, byte[] data, boolean sync) throws IOException {
        try {
            journal.appendAddRecord(sequence, BATCH, data, sync);
            live.add(sequence);
        } catch (Exception e) {
            throw new IOException("write-ahead log append failed", e);
        }
    }

    /** Forgets every batch up to and including {@code sequence} (the store has synced them itself). */
    public void forgetUpTo(long sequence) throws IOException {
        try {
            for (Long s = live.isEmpty() ? null : live.first(); s != null && s <= sequence;
                 s = live.isEmpty() ? null : live.first()) {
                journal.appendDeleteRecord(s, false);
                live.remove(s);
            }
        } catch (Exception e) {
            throw new IOException("write-ahead log delete failed", e);
        }
    }

    /** How many batches are held and not yet forgotten. */
    public int held() {
        return live.size();
    }

    @Override
    public void close() throws Exception {
        journal.stop();
    }
}
