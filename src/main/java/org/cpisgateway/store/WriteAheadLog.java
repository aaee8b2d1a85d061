package org.cpisgateway.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.core.io.nio.NIOSequentialFileFactory;
import org.apache.activemq.artemis.core.journal.RecordInfo;
import org.apache.activemq.artemis.core.journal.impl.JournalImpl;
import org.apache.activemq.artemis.utils.actors.OrderedExecutorFactory;

/**
 * The embedded store's write-ahead log: each batch of answered attendances is appended here, and synced, before its
 * ACKs leave. The embedded H2 then needs to write its own file only now and then (its write delay, and a checkpoint
 * every second): one sequential append per batch instead of an H2 chunk (every changed B-tree page of every table
 * and index touched) per batch.
 *
 * <p>It is Artemis's own journal (the one the embedded broker keeps its messages in), used for one record type:
 * the rows of a batch of answered messages, identified by a sequence number. A record is forgotten (a delete record)
 * once H2 has synced a checkpoint that holds it; on start, the records H2 does not have are written into it again
 * ({@link AttendanceJournal}). A record must fit in one journal file, so the files are sized for twice the largest
 * frame the MLLP listener accepts, and a record holds at most {@link #rawBytesPerRecord()} of raw messages (a larger
 * batch takes several records).
 */
public final class WriteAheadLog implements AutoCloseable {

    private static final byte ROWS = 1;
    private static final int MIN_FILE_SIZE = 32 * 1024 * 1024;

    /** One record as it was appended. */
    public record Logged(long sequence, byte[] data) {
    }

    private final JournalImpl journal;
    private final ExecutorService fileMaker;
    private final List<Logged> loaded;
    private final int rawBytesPerRecord;
    private final NavigableSet<Long> live = new ConcurrentSkipListSet<>();

    private WriteAheadLog(JournalImpl journal, ExecutorService fileMaker, List<Logged> loaded, int rawBytesPerRecord) {
        this.journal = journal;
        this.fileMaker = fileMaker;
        this.loaded = loaded;
        this.rawBytesPerRecord = rawBytesPerRecord;
        loaded.forEach(b -> live.add(b.sequence()));
    }

    /**
     * Opens (or creates) the log in {@code dir} and reads the records it still holds.
     *
     * @param largestFrameBytes the largest message the gateway accepts (a record holds it, its ACK and its rows)
     */
    public static WriteAheadLog open(Path dir, int largestFrameBytes) throws IOException {
        ExecutorService fileMaker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cpis-wal-files");
            t.setDaemon(true);
            return t;
        });
        try {
            return open(dir, largestFrameBytes, fileMaker);
        } catch (IOException | RuntimeException e) {
            fileMaker.shutdownNow();
            throw e;
        }
    }

    /**
     * As {@link #open(Path, int)}, with the executor that makes the log's next file ready (shut down by
     * {@link #close()}).
     */
    static WriteAheadLog open(Path dir, int largestFrameBytes, ExecutorService fileMaker) throws IOException {
        Files.createDirectories(dir);
        int fileSize = (int) Math.min(Integer.MAX_VALUE - 1024 * 1024,
                Math.max(MIN_FILE_SIZE, 2L * largestFrameBytes + 1024 * 1024));
        // unbuffered (each batch is synced once by the writer); the buffer size is also the largest record allowed.
        // The journal's work runs on the calling thread (an ordered executor over a direct one): the writer appends
        // and syncs its batch itself instead of handing it to a thread of the journal's and waiting to be woken (two
        // thread switches per batch). Compaction is off (0 files): it would take the journal's write lock inside an
        // append that holds its read lock; it is not needed either, as every record is forgotten within a checkpoint
        // or two, so whole files become free and are reused: up to 4 files are kept for reuse (a pool of 2 deleted
        // nearly every freed file, so each next file was made anew, a whole file of zeros written and synced).
        // The next file is made ready on a thread of its own (fileMaker), as the journal does by default: when the
        // writer did it, the ACKs of every connection waited behind it each time the log moved to a new file.
        JournalImpl journal = new JournalImpl(new OrderedExecutorFactory(Runnable::run), fileSize, 2, 4, 0, 30,
                new NIOSequentialFileFactory(dir.toFile(), false, fileSize, 0, 1, false), "cpis-wal", "wal", 1, 0);
        try {
            journal.start();
            journal.getFilesRepository().setExecutor(task -> {
                try {
                    fileMaker.execute(task);
                } catch (RejectedExecutionException closing) {
                    task.run();
                }
            });
            List<RecordInfo> records = new ArrayList<>();
            journal.load(records, new ArrayList<>(), null);
            List<Logged> logged = new ArrayList<>(records.size());
            for (RecordInfo r : records) {
                if (r.getUserRecordType() == ROWS && !r.isUpdate) {
                    logged.add(new Logged(r.id, r.data));
                }
            }
            logged.sort(Comparator.comparingLong(Logged::sequence));
            return new WriteAheadLog(journal, fileMaker, List.copyOf(logged), Math.max(1, largestFrameBytes));
        } catch (Exception e) {
            throw new IOException("the write-ahead log in " + dir + " could not be opened", e);
        }
    }

    /**
     * How many bytes of raw messages one record may hold (the largest frame accepted): a batch holding more is
     * appended as several records, so that each fits in a journal file with its base64 and its other rows.
     */
    public int rawBytesPerRecord() {
        return rawBytesPerRecord;
    }

    /** The records found when the log was opened, oldest first. */
    public List<Logged> loaded() {
        return loaded;
    }

    /** The highest sequence number the log holds or held at open (0 when empty). */
    public long lastLoadedSequence() {
        return loaded.isEmpty() ? 0 : loaded.get(loaded.size() - 1).sequence();
    }

    /**
     * Appends a record; with {@code sync}, returns only once it and every record before it is on the disk device.
     * The write (and sync) is done on the calling thread, unless another thread is writing to the log at that moment
     * (a checkpoint's forgetting), which then writes it too, in order. Not to be interrupted: an interrupt during the
     * sync closes the log's file.
     */
    public void append(long sequence, byte[] data, boolean sync) throws IOException {
        try {
            journal.appendAddRecord(sequence, ROWS, data, sync);
            live.add(sequence);
        } catch (Exception e) {
            throw new IOException("write-ahead log append failed", e);
        }
    }

    /** Forgets every record up to and including {@code sequence} (the store has synced them itself). */
    public void forgetUpTo(long sequence) throws IOException {
        try {
            for (var held = live.headSet(sequence, true).iterator(); held.hasNext(); ) {
                journal.appendDeleteRecord(held.next(), false);
                held.remove();
            }
        } catch (Exception e) {
            throw new IOException("write-ahead log delete failed", e);
        }
    }

    /** How many records are held and not yet forgotten. */
    public int held() {
        return live.size();
    }

    @Override
    public void close() throws Exception {
        // a next file being made is finished before the journal closes its files (a later one is made here)
        fileMaker.shutdown();
        fileMaker.awaitTermination(30, TimeUnit.SECONDS);
        journal.stop();
    }
}
