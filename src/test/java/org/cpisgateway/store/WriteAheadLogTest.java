package org.cpisgateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.cpisgateway.hl7.MshHeader;
import org.cpisgateway.notify.Notification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's write-ahead log against a real H2 file and Artemis journal: what was answered but not yet in
 * H2's file when the process stopped is written into H2 at the next start, once.
 */
class WriteAheadLogTest {

    private final Clock clock = Clock.fixed(java.time.Instant.parse("2030-01-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** H2 that writes its file only when told to (a write delay far beyond the test), as after a power cut. */
    private HikariDataSource store() {
        return Database.open("jdbc:h2:file:" + dir.resolve("cpis") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=3600000", "sa", "", 4);
    }

    @Test
    void messagesAnsweredButNotInTheStoreFileAreWrittenAgainAtStart() throws Exception {
        List<String> acks = new ArrayList<>();
        try (HikariDataSource ds = store()) {
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            AttendanceJournal journal = new AttendanceJournal(ds, new MessageLog(ds), clock, log, true,
                    Duration.ofHours(1));
            for (int i = 0; i < 20; i++) {
                String ack = "MSH|^~\\&|CPIS|GW|PAS|RIV|20300101||ACK|A" + i + "|P|2.4\rMSA|AE|C" + i + "\r";
                journal.recordFailure(("MSH|^~\\&|PAS|RIV|||||ADT^A04|C" + i + "|P|2.4\r")
                        .getBytes(StandardCharsets.ISO_8859_1), msh("C" + i), OffsetDateTime.now(clock), ack, "AE",
                        null, "test reason " + i);
                acks.add(ack);
            }
            assertEquals(20, count(ds), "visible in the store before it wrote its file");
            log.close(); // as if the process died: the log's records are synced, H2's are not written
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN IMMEDIATELY");
            } catch (SQLException closedUnderUs) {
                // H2 closes the connection it was given the command on
            }
        }
        try (HikariDataSource ds = store()) {
            assertEquals(0, count(ds), "H2 lost what it had not written (the case the log is for)");
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            assertEquals(20, log.loaded().size(), "one record per batch (each message came alone here)");
            AttendanceJournal journal = new AttendanceJournal(ds, new MessageLog(ds), clock, log, true,
                    Duration.ofHours(1));
            assertEquals(20, count(ds));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select ack, reason from inbound_message order by id")) {
                for (int i = 0; rs.next(); i++) {
                    assertEquals(acks.get(i), rs.getString(1), "the ACK that was sent, byte for byte");
                    assertEquals("test reason " + i, rs.getString(2));
                }
            }
            journal.close(); // a clean stop: checkpoint, the log forgets
        }
        try (HikariDataSource ds = store()) {
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            assertEquals(0, log.loaded().size(), "after a synced checkpoint the log holds nothing");
            new AttendanceJournal(ds, new MessageLog(ds), clock, log, true, Duration.ofHours(1)).close();
            assertEquals(20, count(ds), "written once, not again");
        }
    }

    @Test
    void concurrentMessagesAndTheirReSendsAreAnsweredOnceEachAndAllInTheLog() throws Exception {
        int pairs = 8;
        int perThread = 40;
        java.util.Map<String, String> answered = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> disagreements = java.util.Collections.synchronizedList(new ArrayList<>());
        try (HikariDataSource ds = store()) {
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            AttendanceJournal journal = new AttendanceJournal(ds, new MessageLog(ds), clock, log, true,
                    Duration.ofHours(1));
            // two senders per set of control IDs, each with an ACK of its own: whichever is recorded first, both are
            // answered with its ACK, whether the two land in the same batch or in different ones
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2 * pairs);
            List<java.util.concurrent.Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < 2 * pairs; t++) {
                int pair = t % pairs;
                String sender = "S" + t;
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        String id = "P" + pair + "-" + i;
                        String ack = "MSH|^~\\&|CPIS|GW|PAS|RIV|20300101||ACK|" + sender + id + "|P|2.4\rMSA|AA|" + id
                                + "\r";
                        byte[] raw = ("MSH|^~\\&|PAS|RIV|||20300101||ADT^A04|" + id + "|P|2.4\r")
                                .getBytes(StandardCharsets.ISO_8859_1);
                        String got = journal.record(new AttendanceJournal.Entry(raw, OffsetDateTime.now(clock),
                                msh(id), null, org.cpisgateway.core.CheckResult.notChecked("TEST", "test", null),
                                List.of(), ack)).ack();
                        String first = answered.putIfAbsent(id, got);
                        if (first != null && !first.equals(got)) {
                            disagreements.add(id);
                        }
                    }
                    return null;
                }));
            }
            for (var f : senders) {
                f.get();
            }
            pool.shutdown();
            assertEquals(List.of(), disagreements, "both senders of a message got the same answer");
            assertEquals(pairs * perThread, count(ds), "each message recorded once");
            log.close(); // as if the process died now: every answer given must be in the log
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN IMMEDIATELY");
            } catch (SQLException closedUnderUs) {
                // H2 closes the connection it was given the command on
            }
        }
        try (HikariDataSource ds = store()) {
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            new AttendanceJournal(ds, new MessageLog(ds), clock, log, true, Duration.ofHours(1)).close();
            assertEquals(pairs * perThread, count(ds), "every answered message written again from the log, once");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select control_id, ack from inbound_message")) {
                while (rs.next()) {
                    assertEquals(answered.get(rs.getString(1)), rs.getString(2), "the ACK both senders were given");
                }
            }
        }
    }

    @Test
    void theLogIsWrittenAndSyncedOnTheCallersThreadNotOnAThreadOfArtemis() throws Exception {
        // the journal writer relies on it (no hand-over to a thread of Artemis's journal): if an Artemis upgrade
        // gives the journal threads of its own again, this fails; the writer still works then, only slower
        java.util.function.Supplier<List<String>> journalThreads = () -> Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName).filter(n -> n.toLowerCase(java.util.Locale.ROOT).contains("activemq")).toList();
        List<String> before = journalThreads.get();
        try (WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024)) {
            for (int i = 1; i <= 3; i++) {
                log.append(i, new byte[] {(byte) i}, true);
            }
            log.forgetUpTo(2);
            List<String> started = new ArrayList<>(journalThreads.get());
            started.removeAll(before); // a broker of another test class may still be stopping
            assertEquals(List.of(), started);
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024)) {
            assertEquals(List.of(3L), log.loaded().stream().map(WriteAheadLog.Logged::sequence).toList(),
                    "written, synced and forgotten in order");
        }
    }

    @Test
    void theNextFileIsMadeReadyOnTheLogsOwnThreadNotTheAppendingOne() throws Exception {
        // Artemis makes the next journal file ready through the executor given to its file repository; made on the
        // appending thread (the journal's default with a direct executor), a new file (zeros written and synced)
        // held up every ACK waiting on the writer
        java.util.Set<String> makers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        var fileMaker = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> new Thread(r, "test-wal-files")) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                makers.add(t.getName());
            }
        };
        byte[] record = new byte[1024 * 1024];
        int records = 80; // 80 MB: the log rolls over to a third 32 MB file
        try (WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024, fileMaker)) {
            for (int i = 1; i <= records; i++) {
                record[0] = (byte) i;
                log.append(i, record, i == records);
                if (i % 10 == 0 && i <= 60) {
                    log.forgetUpTo(i); // as checkpoints do, so that whole files become free
                }
            }
        }
        assertEquals(java.util.Set.of("test-wal-files"), makers, "files were made ready by the log's own thread");
        assertTrue(fileMaker.isTerminated(), "closing the log stops its thread");
        try (WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024)) {
            assertEquals(java.util.stream.LongStream.rangeClosed(61, records).boxed().toList(),
                    log.loaded().stream().map(WriteAheadLog.Logged::sequence).toList(), "across the files, in order");
            assertEquals((byte) records, log.loaded().get(records - 61).data()[0]);
        }
    }

    @Test
    void rowsSurviveTheirEncodingExactly() {
        OffsetDateTime at = OffsetDateTime.now(clock);
        JournalRows rows = new JournalRows(new JournalRows.Message("RIV|C1", "PAS", "RIV^1.2^ISO", "C1", "ADT", "A04",
                new byte[] {0x0b, 'M', (byte) 0xe9, 0x1c}, at, at.plusSeconds(1), "MSH|ack é", "AA", "FLAGGED", null),
                new JournalRows.Access("9990000018", at.minusMinutes(5).truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                        .withOffsetSameInstant(ZoneOffset.ofHours(1)), // a whole minute, as HL7 times often are
                        "RIV-ED", "Riverside ED", "ED", false, "RIV", "C1"),
                new JournalRows.Visit("RIV|visit|V1", "9990000018"),
                new PasAlertTable.Alert("k", "RIV", "localhost:2576", "MSH|alert"),
                List.of(new Notification("n1", "LA901", "cpis.notify.LA901", "{\"a\":1}", false),
                        new Notification("n2", "LA901", "cpis.notify.LA901", "{\"p\":1}", true)));
        for (byte[] encoded : List.of(rows.encode(), JournalRows.encodeAll(List.of(rows)))) { // JSON, then Smile
            JournalRows r = JournalRows.decodeAll(encoded).get(0);
            assertArrayEquals(rows.message().raw(), r.message().raw());
            assertEquals(rows.message().ack(), r.message().ack());
            assertEquals(rows.message().receivedAt(), r.message().receivedAt());
            assertEquals(rows.message().completedAt(), r.message().completedAt());
            assertEquals(rows.message().reason(), r.message().reason());
            assertEquals(rows.access(), r.access(), "the attendance time keeps its own offset");
            assertEquals(rows.visit(), r.visit());
            assertEquals(rows.pasAlert(), r.pasAlert());
            assertEquals(rows.outbox(), r.outbox());
        }
    }

    @Test
    void aRecordHoldingABatchIsWrittenAgainWholeAndRecordsOfOlderVersionsStillRead() throws Exception {
        OffsetDateTime at = OffsetDateTime.now(clock);
        List<JournalRows> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(failure("B" + i, at));
        }
        try (HikariDataSource ds = store()) {
            new AttendanceJournal(ds, new MessageLog(ds), clock, null, false).close(); // schema only
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024)) {
            log.append(1, failure("S1", at).encode(), true); // a record as an older version wrote it: one message
            // a batch as an older version wrote it: a JSON array
            byte[] jsonBatch = ("[" + new String(failure("J0", at).encode(), java.nio.charset.StandardCharsets.UTF_8)
                    + "," + new String(failure("J1", at).encode(), java.nio.charset.StandardCharsets.UTF_8) + "]")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            log.append(3, jsonBatch, true);
            log.append(8, JournalRows.encodeAll(batch), true); // messages 4 to 8, one batch as written now
        }
        try (HikariDataSource ds = store()) {
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            assertEquals(3, log.loaded().size());
            AttendanceJournal journal = new AttendanceJournal(ds, new MessageLog(ds), clock, log, true,
                    Duration.ofHours(1));
            assertEquals(8, count(ds), "the single record, the two of the JSON batch and the five of the batch");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select control_id from inbound_message order by id")) {
                List<String> order = new ArrayList<>();
                while (rs.next()) {
                    order.add(rs.getString(1));
                }
                assertEquals(List.of("S1", "J0", "J1", "B0", "B1", "B2", "B3", "B4"), order,
                        "in the order they were answered");
            }
            journal.close();
        }
    }

    @Test
    void aBatchLargerThanARecordHoldsIsAppendedAsSeveralRecords() throws Exception {
        try (HikariDataSource ds = store()) {
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            AttendanceJournal journal = new AttendanceJournal(ds, new MessageLog(ds), clock, log, true,
                    Duration.ofHours(1));
            // 16 messages of 300 KB sent at once: whatever batches they form, no record holds more than 1 MB of them
            byte[] big = ("MSH|^~\\&|PAS|RIV|||||ADT^A04|C|P|2.4\r" + "NTE|" + "x".repeat(300 * 1024) + "\r")
                    .getBytes(StandardCharsets.ISO_8859_1);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String id = "L" + i;
                sent.add(pool.submit(() -> {
                    journal.recordFailure(big, msh(id), OffsetDateTime.now(clock), "MSH|ack", "AE", null, "big");
                    return null;
                }));
            }
            for (var f : sent) {
                f.get();
            }
            pool.shutdown();
            log.close();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN IMMEDIATELY");
            } catch (SQLException closedUnderUs) {
                // H2 closes the connection it was given the command on
            }
        }
        try (HikariDataSource ds = store()) {
            WriteAheadLog log = WriteAheadLog.open(dir.resolve("cpis.wal"), 1024 * 1024);
            int messages = 0;
            for (WriteAheadLog.Logged record : log.loaded()) {
                List<JournalRows> rows = JournalRows.decodeAll(record.data());
                assertTrue(rows.size() <= 3, "at most three 300 KB messages in a record of 1 MB");
                messages += rows.size();
            }
            assertEquals(16, messages);
            new AttendanceJournal(ds, new MessageLog(ds), clock, log, true, Duration.ofHours(1)).close();
            assertEquals(16, count(ds));
        }
    }

    @Test
    void aBatchIsCutIntoRecordsThatHoldAtMostTheLargestFrame() {
        OffsetDateTime at = OffsetDateTime.now(clock);
        List<JournalRows> batch = List.of(sized("A", 400, at), sized("B", 400, at), sized("C", 300, at),
                sized("D", 1500, at), sized("E", 10, at));
        List<List<String>> ids = JournalRows.records(batch, 1000).stream()
                .map(r -> r.stream().map(m -> m.message().controlId()).toList()).toList();
        assertEquals(List.of(List.of("A", "B"), List.of("C"), List.of("D"), List.of("E")), ids,
                "a message larger than a record holds goes alone");
        assertEquals(List.of(batch), JournalRows.records(batch, 100_000), "a batch that fits is one record");
        assertEquals(List.of(), JournalRows.records(List.of(), 1000));
    }

    private static JournalRows sized(String controlId, int rawBytes, OffsetDateTime at) {
        return new JournalRows(new JournalRows.Message(null, "PAS", "RIV", controlId, "ADT", "A04",
                new byte[rawBytes], at, at, "MSH|ack", "AE", null, "test"), null, null, null, List.of());
    }

    private static JournalRows failure(String controlId, OffsetDateTime at) {
        return new JournalRows(new JournalRows.Message(null, "PAS", "RIV", controlId, "ADT", "A04",
                ("MSH|" + controlId).getBytes(StandardCharsets.ISO_8859_1), at, at, "MSH|ack " + controlId, "AE",
                null, "test"), null, null, null, List.of());
    }

    private static MshHeader msh(String controlId) {
        return MshHeader.read("MSH|^~\\&|PAS|RIV|||20300101||ADT^A04|" + controlId + "|P|2.4\r");
    }

    private static int count(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from inbound_message")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
