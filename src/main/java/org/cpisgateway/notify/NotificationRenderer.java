package org.cpisgateway.notify;

import java.util.Map;

/**
 * Another form of a notification for authorities that ask for it (the FHIR R4 API's message Bundle), written from
 * the content of a version 2 notification: the same map that is written as JSON (keys as in
 * cpis-notification-v2.schema.json and cpis-pattern-v2.schema.json).
 */
public interface NotificationRenderer {

    String render(Map<String, Object> notification);
}
