package org.cpisgateway.inbound;

import java.sql.SQLException;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.cpisgateway.ack.AckWriter;
import org.cpisgateway.store.MessageLog;

/**
 * Runs a stored message through {@code adt-inbound} again, as if it had just arrived, and returns the ACK it gets
 * now (one segment a line). A message that was answered AA gets that same answer back (re-send rule); one that got
 * AE or AR is processed afresh.
 */
public class MessageReplay {

    private final MessageLog messages;
    private final ProducerTemplate producer;
    private final AckWriter ackWriter;

    public MessageReplay(MessageLog messages, ProducerTemplate producer, AckWriter ackWriter) {
        this.messages = messages;
        this.producer = producer;
        this.ackWriter = ackWriter;
    }

    public String replay(long messageId) throws SQLException {
        byte[] raw = messages.raw(messageId);
        Exchange done = producer.request("direct:adt-inbound", e -> e.getMessage().setBody(raw));
        if (!(done.getMessage().getBody() instanceof InboundMessage m) || m.ack() == null) {
            throw new IllegalStateException("no ACK came out of adt-inbound");
        }
        return ackWriter.readable(m.ackBytes(), m.charset());
    }
}
