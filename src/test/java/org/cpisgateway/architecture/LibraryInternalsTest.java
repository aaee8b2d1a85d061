package org.cpisgateway.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.apache.camel.component.mllp.FramePreservingMllpConsumer;
import org.apache.camel.component.mllp.internal.FramePreservingConsumerRunnable;
import org.cpisgateway.store.H2Leftovers;
import org.cpisgateway.store.WriteAheadLog;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library internals the gateway's code relies on, each named with what relies on it and why. A library upgrade
 * that removes or changes one of them fails here, with the reason, rather than as a compile error deep in a subclass
 * or, worse, as a workaround that compiles and silently stops working (a hook no longer called, a constructor
 * argument that now means something else). docs/library-issues.md ("Library internals relied on") lists the same,
 * with what would let each go.
 *
 * <p>Signatures and modifiers are checked by reflection; where it is cheap, what the library does with them is
 * checked too: its bytecode (through ArchUnit's importer) for the calls our overrides depend on, or the library run.
 */
class LibraryInternalsTest {

    private static final String DOC = "docs/library-issues.md";

    /** How a member must stay reachable for the code that uses it. */
    private enum Access {
        /** callable or readable from the same package: not private */
        PACKAGE,
        /** as PACKAGE, and overridable: not private, static or final */
        OVERRIDABLE,
        /** as PACKAGE, and assignable: not private, static or final */
        WRITABLE,
        PUBLIC;

        String check(int modifiers) {
            if (Modifier.isPrivate(modifiers)) {
                return "is now private";
            }
            if (this == PUBLIC && !Modifier.isPublic(modifiers)) {
                return "is no longer public";
            }
            if ((this == OVERRIDABLE || this == WRITABLE) && Modifier.isFinal(modifiers)) {
                return "is now final";
            }
            if ((this == OVERRIDABLE || this == WRITABLE) && Modifier.isStatic(modifiers)) {
                return "is now static";
            }
            return null;
        }
    }

    /** One user of a library's internals: the message every failure about it carries. */
    private record Reliance(String library, String user, String why) {

        AssertionError broken(String what) {
            return new AssertionError(library + " " + what + "; " + user + " relies on it to " + why + ": see " + DOC);
        }

        Class<?> type(String name) {
            try {
                return Class.forName(name, false, LibraryInternalsTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw broken("no longer has class " + name);
            }
        }

        Class<?> subclassable(String name) {
            Class<?> type = type(name);
            if (Modifier.isFinal(type.getModifiers()) || !Modifier.isPublic(type.getModifiers())) {
                throw broken("made " + name + " final or not public");
            }
            return type;
        }

        Field field(Class<?> owner, String name, Class<?> type, Access access) {
            Field field;
            try {
                field = owner.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                throw broken("no longer has field " + owner.getSimpleName() + "." + name);
            }
            if (!field.getType().equals(type)) {
                throw broken("changed field " + owner.getSimpleName() + "." + name + " from " + type.getName()
                        + " to " + field.getType().getName());
            }
            return checked(field, owner.getSimpleName() + "." + name, access);
        }

        Method method(Class<?> owner, Access access, Class<?> returns, String name, Class<?>... parameters) {
            String signature = owner.getSimpleName() + "." + name + params(parameters);
            Method method;
            try {
                method = owner.getDeclaredMethod(name, parameters);
            } catch (NoSuchMethodException e) {
                throw broken("no longer has method " + signature);
            }
            if (!method.getReturnType().equals(returns)) {
                throw broken("changed what " + signature + " returns, from " + returns.getName() + " to "
                        + method.getReturnType().getName());
            }
            return checked(method, signature, access);
        }

        /** A method the class has, declared by it or inherited (a default method of an interface, say). */
        Method inherited(Class<?> owner, Class<?> returns, String name, Class<?>... parameters) {
            String signature = owner.getSimpleName() + "." + name + params(parameters);
            Method method;
            try {
                method = owner.getMethod(name, parameters);
            } catch (NoSuchMethodException e) {
                throw broken("no longer has public method " + signature);
            }
            if (!returns.isAssignableFrom(method.getReturnType())) {
                throw broken("changed what " + signature + " returns to " + method.getReturnType().getName());
            }
            return method;
        }

        Constructor<?> constructor(Class<?> owner, Access access, Class<?>... parameters) {
            String signature = owner.getSimpleName() + params(parameters);
            try {
                return checked(owner.getDeclaredConstructor(parameters), "constructor " + signature, access);
            } catch (NoSuchMethodException e) {
                throw broken("no longer has constructor " + signature);
            }
        }

        private <M extends Member> M checked(M member, String what, Access access) {
            String wrong = access.check(member.getModifiers());
            if (wrong != null) {
                throw broken(what + " " + wrong);
            }
            return member;
        }

        private static String params(Class<?>... parameters) {
            return Arrays.stream(parameters).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
        }
    }

    /** The jar a library class was loaded from, e.g. {@code camel-mllp-4.17.0}: which version broke the pin. */
    private static String jarOf(String className) {
        try {
            Class<?> type = Class.forName(className, false, LibraryInternalsTest.class.getClassLoader());
            String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
            return new File(location).getName().replaceFirst("\\.jar$", "");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return className.substring(0, className.indexOf('.', className.indexOf('.') + 1)) + " (version unknown)";
        }
    }

    /** The calls (or field accesses) a library method makes, read from its bytecode. */
    private static List<String> accessesFrom(Class<?> owner, String methodName, boolean fieldWrites) {
        JavaClass imported = new ClassFileImporter().importClass(owner);
        var accesses = fieldWrites
                ? imported.getFieldAccessesFromSelf().stream()
                        .filter(a -> a.getAccessType() == JavaFieldAccess.AccessType.SET).map(a -> (JavaAccess<?>) a)
                : imported.getMethodCallsFromSelf().stream().map(a -> (JavaAccess<?>) a);
        return accesses.filter(a -> a.getOrigin().getName().equals(methodName))
                .map(a -> a.getTargetOwner().getSimpleName() + "." + a.getName()).distinct().toList();
    }

    /**
     * camel-mllp: the MLLP listener's workarounds live in camel-mllp's own packages, subclassing its consumer and its
     * per-connection runnable and using their package-private state.
     */
    @Nested
    class CamelMllp {

        private static final String MLLP = "org.apache.camel.component.mllp.";
        private final String jar = jarOf(MLLP + "MllpTcpServerConsumer");

        private final Reliance consumer = new Reliance(jar, "FramePreservingMllpConsumer",
                "start its own read loop for every connection, skip the stock validation thread, give the ACK code "
                        + "four bytes and limit connections per address");
        private final Reliance runnable = new Reliance(jar, "FramePreservingConsumerRunnable",
                "replace the stock read loop (pipelined frames kept, frame size, time and memory limits) while "
                        + "camel-mllp keeps processing each frame and writing its ACK");
        private final Reliance component = new Reliance(jar, "FramePreservingMllpComponent",
                "register the listener as the mllp component and give every endpoint the frame-preserving consumer");

        @Test
        void theListenerConsumerKeepsWhatFramePreservingMllpConsumerUses() {
            Class<?> stock = consumer.subclassable(MLLP + "MllpTcpServerConsumer");
            Class<?> endpoint = consumer.type(MLLP + "MllpEndpoint");
            Class<?> runnableType = consumer.type(MLLP + "internal.TcpSocketConsumerRunnable");
            Class<?> buffer = consumer.type(MLLP + "internal.MllpSocketBuffer");
            Class<?> acceptThread = consumer.type(MLLP + "internal.TcpServerAcceptThread");
            Class<?> hl7Util = consumer.type(MLLP + "internal.Hl7Util");
            Class<?> exchange = consumer.type("org.apache.camel.Exchange");

            consumer.constructor(stock, Access.PUBLIC, endpoint, consumer.type("org.apache.camel.Processor"));
            consumer.field(stock, "consumerRunnables", Map.class, Access.PACKAGE);
            consumer.field(stock, "consumerExecutor", ExecutorService.class, Access.PACKAGE);
            consumer.field(stock, "acceptThread", acceptThread, Access.PACKAGE);
            consumer.field(stock, "hl7Util", hl7Util, Access.PACKAGE);
            consumer.field(stock, "logPhi", boolean.class, Access.PACKAGE);
            if (!Thread.class.isAssignableFrom(acceptThread)) {
                throw consumer.broken("TcpServerAcceptThread is no longer a Thread (isListening asks isAlive)");
            }
            consumer.method(stock, Access.OVERRIDABLE, void.class, "validateConsumer", Socket.class);
            consumer.method(stock, Access.OVERRIDABLE, void.class, "startConsumer", Socket.class, buffer);
            consumer.method(stock, Access.OVERRIDABLE, void.class, "sendAcknowledgement", byte[].class, exchange,
                    runnableType);
            consumer.method(stock, Access.PUBLIC, Map.class, "getConsumerRunnables");
            consumer.method(stock, Access.PUBLIC, void.class, "processMessage", byte[].class, runnableType);
            consumer.constructor(buffer, Access.PUBLIC, endpoint);
            consumer.method(buffer, Access.PUBLIC, void.class, "reset");
            consumer.method(buffer, Access.PUBLIC, void.class, "resetSocket", Socket.class);
            consumer.method(endpoint, Access.PUBLIC, void.class, "updateLastConnectionEstablishedTicks");
        }

        @Test
        void thePerConnectionRunnableKeepsWhatFramePreservingConsumerRunnableUses() {
            Class<?> stock = runnable.subclassable(MLLP + "internal.TcpSocketConsumerRunnable");
            Class<?> consumerType = runnable.type(MLLP + "MllpTcpServerConsumer");
            Class<?> buffer = runnable.type(MLLP + "internal.MllpSocketBuffer");
            Class<?> hl7Util = runnable.type(MLLP + "internal.Hl7Util");

            runnable.constructor(stock, Access.PUBLIC, consumerType, Socket.class, buffer, hl7Util, boolean.class);
            runnable.field(stock, "clientSocket", Socket.class, Access.PACKAGE);
            runnable.field(stock, "mllpBuffer", buffer, Access.PACKAGE);
            runnable.field(stock, "consumer", consumerType, Access.PACKAGE);
            runnable.field(stock, "running", boolean.class, Access.WRITABLE);
            runnable.method(stock, Access.OVERRIDABLE, void.class, "run");
            runnable.method(stock, Access.PACKAGE, String.class, "createThreadName");
            runnable.method(stock, Access.PUBLIC, Socket.class, "getSocket");
            runnable.method(stock, Access.OVERRIDABLE, void.class, "closeSocket");
            Class<?> configuration = runnable.type(MLLP + "MllpConfiguration");
            runnable.method(consumerType, Access.PUBLIC, configuration, "getConfiguration");
            runnable.method(configuration, Access.PUBLIC, int.class, "getReceiveTimeout");
            runnable.method(configuration, Access.PUBLIC, Integer.class, "getIdleTimeout");
            runnable.method(configuration, Access.PUBLIC, int.class, "getMaxConcurrentConsumers");

            Class<?> constants = runnable.type(MLLP + "MllpProtocolConstants");
            Field start = runnable.field(constants, "START_OF_BLOCK", char.class, Access.PUBLIC);
            Field end = runnable.field(constants, "END_OF_BLOCK", char.class, Access.PUBLIC);
            try {
                assertThat(start.getChar(null)).as(jar + " START_OF_BLOCK").isEqualTo((char) 0x0b);
                assertThat(end.getChar(null)).as(jar + " END_OF_BLOCK").isEqualTo((char) 0x1c);
            } catch (IllegalAccessException e) {
                throw runnable.broken("made the MLLP block constants unreadable");
            }
        }

        @Test
        void theComponentAndEndpointKeepWhatFramePreservingMllpComponentUses() {
            Class<?> stock = component.subclassable(MLLP + "MllpComponent");
            Class<?> endpoint = component.subclassable(MLLP + "MllpEndpoint");
            Class<?> configuration = component.type(MLLP + "MllpConfiguration");
            component.method(stock, Access.OVERRIDABLE, component.type("org.apache.camel.Endpoint"), "createEndpoint",
                    String.class, String.class, Map.class);
            component.constructor(endpoint, Access.PUBLIC, String.class, stock, configuration);
            component.method(endpoint, Access.OVERRIDABLE, component.type("org.apache.camel.Consumer"),
                    "createConsumer", component.type("org.apache.camel.Processor"));
            component.method(endpoint, Access.PUBLIC, configuration, "getConfiguration");
            component.method(endpoint, Access.PUBLIC, stock, "getComponent");
            component.method(configuration, Access.PUBLIC, void.class, "setMaxBufferSize", int.class);
        }

        /**
         * Package-private members are reachable from our classes only while they share the runtime package: the same
         * class loader, a package that is not sealed, and camel-mllp not loaded as a named module.
         */
        @Test
        void ourClassesShareCamelMllpsRuntimePackages() {
            Class<?> stockConsumer = consumer.type(MLLP + "MllpTcpServerConsumer");
            Class<?> stockRunnable = runnable.type(MLLP + "internal.TcpSocketConsumerRunnable");
            if (stockConsumer.getClassLoader() != FramePreservingMllpConsumer.class.getClassLoader()
                    || stockRunnable.getClassLoader() != FramePreservingConsumerRunnable.class.getClassLoader()) {
                throw consumer.broken("is loaded by another class loader than the gateway's classes in its package");
            }
            if (stockConsumer.getPackage().isSealed() || stockRunnable.getPackage().isSealed()) {
                throw consumer.broken("seals its packages, so classes of another jar cannot join them");
            }
            if (stockConsumer.getModule().isNamed()) {
                throw consumer.broken("is loaded as the named module " + stockConsumer.getModule().getName()
                        + ", whose packages no other jar may join");
            }
        }

        /**
         * The overrides take effect only while camel-mllp calls them: the accept thread hands each connection to
         * {@code validateConsumer} (overridden to skip the validation thread), the consumer sends its ACK through
         * {@code sendAcknowledgement} (overridden to give it four bytes), and {@code stop()} clears {@code running}
         * (the read loop's only stop signal besides the socket).
         */
        @Test
        void camelMllpStillCallsTheHooksOurOverridesReplace() {
            List<String> accepted = accessesFrom(consumer.type(MLLP + "internal.TcpServerAcceptThread"), "run", false);
            if (!accepted.contains("MllpTcpServerConsumer.validateConsumer")) {
                throw consumer.broken("no longer hands an accepted connection to MllpTcpServerConsumer"
                        + ".validateConsumer(Socket) (TcpServerAcceptThread.run calls " + accepted + "); the "
                        + "override that skips the stock validation thread would not run");
            }
            List<String> processing = accessesFrom(consumer.type(MLLP + "MllpTcpServerConsumer"), "processMessage",
                    false);
            if (!processing.contains("MllpTcpServerConsumer.sendAcknowledgement")) {
                throw consumer.broken("no longer sends the ACK through MllpTcpServerConsumer.sendAcknowledgement "
                        + "from processMessage; the override that makes short frames safe would not run");
            }
            List<String> stopping = accessesFrom(runnable.type(MLLP + "internal.TcpSocketConsumerRunnable"), "stop",
                    true);
            if (!stopping.contains("TcpSocketConsumerRunnable.running")) {
                throw runnable.broken("no longer clears TcpSocketConsumerRunnable.running in stop(); the read loop "
                        + "would not end when the route stops");
            }
        }
    }

    /** Artemis: the embedded store's write-ahead log is Artemis's journal, used directly. */
    @Nested
    class ArtemisJournal {

        private static final String JOURNAL = "org.apache.activemq.artemis.core.journal.";
        private final Reliance wal = new Reliance(jarOf(JOURNAL + "impl.JournalImpl"), "WriteAheadLog",
                "append and sync each batch of answered attendances before its ACKs leave, on the caller's thread, "
                        + "and read back what the store has not yet written");

        @TempDir
        Path dir;

        @Test
        void theJournalKeepsWhatWriteAheadLogUses() {
            Class<?> journal = wal.type(JOURNAL + "impl.JournalImpl");
            Class<?> executorFactory = wal.type("org.apache.activemq.artemis.utils.ExecutorFactory");
            Class<?> fileFactory = wal.type("org.apache.activemq.artemis.core.io.SequentialFileFactory");
            wal.constructor(journal, Access.PUBLIC, executorFactory, int.class, int.class, int.class, int.class,
                    int.class, fileFactory, String.class, String.class, int.class, int.class);
            wal.method(journal, Access.PUBLIC, void.class, "start");
            wal.method(journal, Access.PUBLIC, void.class, "stop");
            wal.inherited(journal, wal.type(JOURNAL + "JournalLoadInformation"), "load", List.class, List.class,
                    wal.type(JOURNAL + "TransactionFailureCallback"));
            wal.method(journal, Access.PUBLIC, void.class, "appendAddRecord", long.class, byte.class, byte[].class,
                    boolean.class);
            wal.method(journal, Access.PUBLIC, void.class, "appendDeleteRecord", long.class, boolean.class);
            Class<?> files = wal.type(JOURNAL + "impl.JournalFilesRepository");
            wal.method(journal, Access.PUBLIC, files, "getFilesRepository");
            wal.method(files, Access.PUBLIC, void.class, "setExecutor", Executor.class);

            Class<?> nio = wal.type("org.apache.activemq.artemis.core.io.nio.NIOSequentialFileFactory");
            wal.constructor(nio, Access.PUBLIC, File.class, boolean.class, int.class, int.class, int.class,
                    boolean.class);
            Class<?> ordered = wal.type("org.apache.activemq.artemis.utils.actors.OrderedExecutorFactory");
            wal.constructor(ordered, Access.PUBLIC, Executor.class);
            if (!executorFactory.isAssignableFrom(ordered)) {
                throw wal.broken("no longer makes OrderedExecutorFactory an ExecutorFactory");
            }

            Class<?> record = wal.type(JOURNAL + "RecordInfo");
            wal.field(record, "id", long.class, Access.PUBLIC);
            wal.field(record, "data", byte[].class, Access.PUBLIC);
            wal.field(record, "isUpdate", boolean.class, Access.PUBLIC);
            wal.method(record, Access.PUBLIC, byte.class, "getUserRecordType");
        }

        /**
         * The journal's constructor takes eleven bare numbers and names: read back, they must still mean what the
         * log passes them for (a file per 32 MB or twice the largest frame, two files made ahead, four kept for
         * reuse, compaction off, the file names of logs already on disk).
         */
        @Test
        void theJournalsConstructorArgumentsStillMeanWhatTheLogPassesThemFor() throws Exception {
            int largestFrame = 16 * 1024 * 1024;
            try (WriteAheadLog log = WriteAheadLog.open(dir, largestFrame)) {
                Field held = WriteAheadLog.class.getDeclaredField("journal");
                held.setAccessible(true);
                Object journal = held.get(log);
                Class<?> type = journal.getClass();
                int fileSize = (int) type.getMethod("getFileSize").invoke(journal);
                Object files = type.getMethod("getFilesRepository").invoke(journal);
                assertThat(fileSize).as(wal.broken("no longer takes the file size as the constructor's first number")
                        .getMessage()).isEqualTo(2 * largestFrame + 1024 * 1024);
                assertThat(type.getMethod("getMinFiles").invoke(journal)).as(wal.broken(
                        "no longer takes the files made ahead as the second number").getMessage()).isEqualTo(2);
                assertThat(files.getClass().getMethod("getPoolSize").invoke(files)).as(wal.broken(
                        "no longer takes the files kept for reuse as the third number").getMessage()).isEqualTo(4);
                assertThat(type.getMethod("getCompactMinFiles").invoke(journal)).as(wal.broken(
                        "no longer takes compactMinFiles as the fourth number (0: compaction off, which must stay "
                                + "off: it takes the write lock inside an append holding the read lock)")
                        .getMessage()).isEqualTo(0);
                assertThat(type.getMethod("getFilePrefix").invoke(journal) + "." + type.getMethod("getFileExtension")
                        .invoke(journal)).as(wal.broken("no longer names its files from the prefix and extension "
                        + "given (logs on disk would not be found)").getMessage()).isEqualTo("cpis-wal.wal");
                long maxRecord = (long) type.getMethod("getMaxRecordSize").invoke(journal);
                assertThat(maxRecord).as(wal.broken("no longer allows a record as large as twice the largest frame "
                        + "in a file of that size").getMessage()).isGreaterThanOrEqualTo(2L * largestFrame);
            }
        }
    }

    /** H2: the clean-up after an unclean stop reads the MVStore under the SQL engine. */
    @Nested
    class H2Store {

        private final Reliance leftovers = new Reliance(jarOf("org.h2.mvstore.MVStore"), "H2Leftovers",
                "find and undo, after an unclean stop, table and index entries of transactions that no longer exist");

        @Test
        void theEngineAndMvStoreKeepWhatH2LeftoversUses() {
            Class<?> connection = leftovers.type("org.h2.jdbc.JdbcConnection");
            Class<?> session = leftovers.type("org.h2.engine.Session");
            Class<?> local = leftovers.type("org.h2.engine.SessionLocal");
            Class<?> database = leftovers.type("org.h2.engine.Database");
            Class<?> storeType = leftovers.type("org.h2.mvstore.db.Store");
            Class<?> mvStore = leftovers.type("org.h2.mvstore.MVStore");
            Class<?> mvMap = leftovers.type("org.h2.mvstore.MVMap");
            Class<?> cursor = leftovers.type("org.h2.mvstore.Cursor");
            Class<?> counter = leftovers.type("org.h2.mvstore.MVStore$TxCounter");
            Class<?> versioned = leftovers.type("org.h2.value.VersionedValue");

            leftovers.method(connection, Access.PUBLIC, session, "getSession");
            if (!session.isAssignableFrom(local)) {
                throw leftovers.broken("no longer makes SessionLocal a Session");
            }
            leftovers.method(local, Access.PUBLIC, database, "getDatabase");
            leftovers.method(database, Access.PUBLIC, storeType, "getStore");
            leftovers.method(storeType, Access.PUBLIC, mvStore, "getMvStore");
            leftovers.method(mvStore, Access.PUBLIC, counter, "registerVersionUsage");
            leftovers.method(mvStore, Access.PUBLIC, void.class, "deregisterVersionUsage", counter);
            leftovers.method(mvStore, Access.PUBLIC, java.util.Set.class, "getMapNames");
            leftovers.method(mvStore, Access.PUBLIC, mvMap, "getMetaMap");
            leftovers.method(mvStore, Access.PUBLIC, mvMap, "getMap", int.class);
            leftovers.method(mvStore, Access.PUBLIC, long.class, "commit");
            leftovers.method(mvMap, Access.PUBLIC, cursor, "cursor", Object.class);
            leftovers.method(mvMap, Access.PUBLIC, Object.class, "put", Object.class, Object.class);
            leftovers.method(mvMap, Access.PUBLIC, Object.class, "remove", Object.class);
            leftovers.method(cursor, Access.PUBLIC, Object.class, "getValue");
            leftovers.method(versioned, Access.PUBLIC, long.class, "getOperationId");
            leftovers.method(versioned, Access.PUBLIC, Object.class, "getCommittedValue");
        }

        /**
         * What the scan takes for granted, on a store held in memory: a JDBC connection's session is the engine's
         * own, tables' and indexes' maps are named {@code table.*} / {@code index.*} with their ids (hex) in the meta
         * map under {@code name.<map>}, and an entry of an open transaction is a {@code VersionedValue} with a
         * non-zero operation id (0 once committed).
         */
        @Test
        void anOpenTransactionsEntryIsAVersionedValueInANamedTableMap() throws Exception {
            String url = "jdbc:h2:mem:library-internals;DB_CLOSE_DELAY=-1";
            try (Connection c = DriverManager.getConnection(url, "sa", "");
                 Connection open = DriverManager.getConnection(url, "sa", "")) {
                c.createStatement().execute("create table pinned (id int primary key, code varchar(10))");
                c.createStatement().execute("create unique index pinned_code on pinned (code)");
                c.createStatement().execute("insert into pinned values (1, 'committed')");
                open.setAutoCommit(false);
                open.createStatement().execute("insert into pinned values (2, 'open')");

                var store = H2LeftoversAccess.mvStore(c);
                long uncommitted = 0;
                long committed = 0;
                boolean sawIndex = false;
                for (String name : store.getMapNames()) {
                    if (!name.startsWith("table.") && !name.startsWith("index.")) {
                        continue;
                    }
                    String id = store.getMetaMap().get("name." + name);
                    if (id == null) {
                        throw leftovers.broken("no longer records map " + name + "'s id under name." + name
                                + " in the meta map");
                    }
                    sawIndex |= name.startsWith("index.");
                    var map = store.getMap(Integer.parseInt(id, 16));
                    for (var entries = map.cursor(null); entries.hasNext(); ) {
                        entries.next();
                        if (entries.getValue() instanceof org.h2.value.VersionedValue<?> value) {
                            if (value.getOperationId() != 0) {
                                uncommitted++;
                            } else {
                                committed++;
                            }
                        }
                    }
                }
                assertThat(sawIndex).as(leftovers.broken("no longer names an index's map index.<id>").getMessage())
                        .isTrue();
                assertThat(uncommitted).as(leftovers.broken("no longer marks an open transaction's table and index "
                        + "entries as VersionedValues with an operation id").getMessage()).isGreaterThanOrEqualTo(2);
                assertThat(committed).as(leftovers.broken("no longer gives committed entries operation id 0")
                        .getMessage()).isGreaterThanOrEqualTo(1);
                open.rollback();
                c.createStatement().execute("shutdown");
            }
        }
    }

    /** H2Leftovers' way to the MVStore under a JDBC connection, which the scan above takes too. */
    private static final class H2LeftoversAccess {

        static org.h2.mvstore.MVStore mvStore(Connection c) throws Exception {
            Method mvStore = H2Leftovers.class.getDeclaredMethod("mvStore", Connection.class);
            mvStore.setAccessible(true);
            return (org.h2.mvstore.MVStore) mvStore.invoke(null, c);
        }
    }
}
