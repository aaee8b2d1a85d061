package org.cpisgateway.delivery;

import jakarta.jms.ConnectionFactory;

import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * One broker transaction around the queue sends a relay round makes on this thread: every {@code jms:} send of the
 * routes (through the {@code jms} component's connection factory) joins it, and the broker makes them durable with one
 * journal sync at {@link #commit()} instead of one for each notification. Closing it without a commit rolls back.
 *
 * <p>The sends stay those of routes/notifications.camel.yaml: Spring's {@link JmsTransactionManager} binds the
 * transacted session to the thread, and the component's template uses the bound session without committing it.
 */
final class QueueTransaction implements AutoCloseable {

    private final JmsTransactionManager manager;
    private final TransactionStatus status;

    private QueueTransaction(JmsTransactionManager manager) {
        this.manager = manager;
        this.status = manager.getTransaction(new DefaultTransactionDefinition());
    }

    /** A factory of transactions on {@code connectionFactory}, the one the {@code jms} component sends with. */
    static JmsTransactionManager managerFor(ConnectionFactory connectionFactory) {
        JmsTransactionManager manager = new JmsTransactionManager(connectionFactory);
        manager.afterPropertiesSet();
        return manager;
    }

    static QueueTransaction begin(JmsTransactionManager manager) {
        return new QueueTransaction(manager);
    }

    /** Makes the sends durable on the broker; throws when the broker refused or could not be asked. */
    void commit() {
        manager.commit(status);
    }

    @Override
    public void close() {
        if (!status.isCompleted()) {
            manager.rollback(status);
        }
    }
}
