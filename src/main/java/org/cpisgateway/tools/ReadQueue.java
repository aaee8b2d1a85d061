package org.cpisgateway.tools;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Reads (and so consumes) the notifications waiting on an authority's queue and prints each JSON body, the way an
 * authority's social care system would receive them. Stops when the queue has been empty for two seconds.
 * <p>
 * {@code mvn -q exec:java -Dexec.mainClass=org.cpisgateway.tools.ReadQueue -Dexec.args="LA901"}
 * <br>optional second argument: broker URL (tcp://localhost:61616); third and fourth: user and password.
 */
public final class ReadQueue {

    private ReadQueue() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ReadQueue AUTHORITY_CODE [BROKER_URL] [USER PASSWORD]");
            System.exit(2);
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "conf/logback.xml");
        }
        String url = args.length > 1 ? args[1] : "tcp://localhost:61616";
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
             JMSContext jms = args.length > 3 ? factory.createContext(args[2], args[3]) : factory.createContext();
             JMSConsumer consumer = jms.createConsumer(jms.createQueue("cpis.notify." + args[0]))) {
            int count = 0;
            for (Message m; (m = consumer.receive(2000)) != null; count++) {
                System.out.println(m instanceof TextMessage text ? text.getText() : m.toString());
            }
            System.err.println(count + " notification(s) read from cpis.notify." + args[0]);
        }
        System.exit(0);
    }
}
