package org.cpisgateway;

import java.util.concurrent.TimeUnit;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * A PAS as the tests play it: HAPI's own MLLP client on one open connection, waiting for each ACK. Each Pas has its
 * own HAPI context: HAPI's connection hub hands every client of one context the same connection to a host and port,
 * so two Pas objects on one context would be one TCP connection (and closing one would close the other's).
 */
public final class Pas implements AutoCloseable {

    public static final HapiContext HAPI = new DefaultHapiContext(ValidationContextFactory.noValidation());

    private final Connection connection;

    private Pas(Connection connection) {
        this.connection = connection;
    }

    public static Pas connect(int port) throws HL7Exception {
        HapiContext context = new DefaultHapiContext(ValidationContextFactory.noValidation());
        Connection connection = context.newClient("127.0.0.1", port, false);
        connection.getInitiator().setTimeout(40, TimeUnit.SECONDS);
        return new Pas(connection);
    }

    /** Sends the message (parsed by HAPI first, as a PAS built on HAPI would) and returns the ACK. */
    public Message send(String message) throws Exception {
        return connection.getInitiator().sendAndReceive(HAPI.getPipeParser().parse(message));
    }

    /** The ACK as HAPI encodes it. */
    public String sendForText(String message) throws Exception {
        return HAPI.getPipeParser().encode(send(message));
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() throws java.io.IOException {
        connection.close(); // not context.close(): it shuts down HAPI's executor, which all contexts share
    }
}
