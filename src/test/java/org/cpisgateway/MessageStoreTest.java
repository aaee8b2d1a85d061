package org.cpisgateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MessageStoreCases} on the default embedded H2 store. */
class MessageStoreTest extends MessageStoreCases {

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }
}
