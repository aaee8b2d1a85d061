package org.cpisgateway;

import java.nio.file.Files;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MessageStoreCases} with the store on a real PostgreSQL server instead of the embedded H2. */
class MessageStoreOnPostgresTest extends MessageStoreCases {

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(TestFolders.temporary("cpis-pg"))
                .setCleanDataDirectory(true).start();
        gateway = RunningGateway.start("cpis.store.url", postgres.getJdbcUrl("postgres", "postgres"),
                "cpis.store.user", "postgres", "cpis.store.password", "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
