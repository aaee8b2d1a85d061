package org.cpisgateway.cli;

import java.util.concurrent.Callable;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "read-queue", description = "Read (and so consume) an authority's notifications, as its "
        + "social care system would.")
public final class ReadQueueCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the authority code, e.g. LA901")
    String authority;
    @Option(names = "--url", defaultValue = "tcp://localhost:61616", description = "the broker")
    String url;
    @Option(names = "--user")
    String user;
    @Option(names = "--password", interactive = true, arity = "0..1")
    String password;

    @Override
    public Integer call() throws Exception {
        String queue = "cpis.notify." + authority;
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
             JMSContext jms = user != null ? factory.createContext(user, password == null ? "" : password)
                     : factory.createContext();
             JMSConsumer consumer = jms.createConsumer(jms.createQueue(queue))) {
            int count = 0;
            for (Message m; (m = consumer.receive(2000)) != null; count++) { // stops after 2 s of an empty queue
                System.out.println(m instanceof TextMessage text ? text.getText() : m.toString());
            }
            System.err.println(count + " notification(s) read from " + queue);
        }
        return 0;
    }
}
