package org.cpisgateway.store;

import java.nio.charset.Charset;
import java.sql.SQLException;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.cpisgateway.ack.AckWriter;

/**
 * Runs a stored message through {@code adt-inbound} again, as if it had just arrived, and returns the ACK it gets
 * now (one segment a line). A message that was answered AA gets that same answer back (re-send rule); one that got
 * AE or AR is processed afresh.
 */
public class MessageReplay {

    private final MessageJournal journal;
    private final ProducerTemplate producer;
    private final AckWriter ackWriter;

    public MessageReplay(MessageJournal journal, ProducerTemplate producer, AckWriter ackWriter) {
        this.journal = journal;
        this.producer = producer;
        this.ackWriter = ackWriter;
    }

    public String replay(long messageId) throws SQLException {
        byte[] raw = journal.raw(messageId);
        Exchange done = producer.request("direct:adt-inbound", e -> e.getMessage().setBody(raw));
        byte[] ack = done.getProperty("CamelMllpAcknowledgement", byte[].class);
        if (ack == null) {
            throw new IllegalStateException("no ACK came out of adt-inbound");
        }
        return ackWriter.readable(ack, done.getProperty("cpisCharset", Charset.class));
    }
}
