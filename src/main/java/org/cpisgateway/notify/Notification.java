package org.cpisgateway.notify;

/** A notification ready for an authority's queue: its id (also the broker's duplicate-detection id) and JSON body. */
public record Notification(String notificationId, String authorityCode, String queueName, String json,
                           boolean patternAlert) {

    /** An attendance notification. */
    public Notification(String notificationId, String authorityCode, String queueName, String json) {
        this(notificationId, authorityCode, queueName, json, false);
    }


    /** With the queue a notification can be delivered to: the authority's, or the unrouted one. */
    public Notification routedTo(String queue) {
        return new Notification(notificationId, authorityCode, queue, json);
    }
}
