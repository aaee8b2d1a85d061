package org.cpisgateway.delivery;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.cpisgateway.core.DeliveryChannel;
import org.cpisgateway.notify.Notification;

/**
 * Writes the short e-mail a duty team gets ({@code mailto:} channels), which camel-mail then sends through the
 * configured SMTP relay (route {@code deliver-mail}). E-mail crosses systems the gateway does not control, so it
 * carries the least that lets the duty team act (docs/delivery.md):
 *
 * <ul>
 *   <li>{@code reference} (the default): that a child known to the authority attended an unscheduled care setting,
 *       the notification id and when. The team looks the child up in its own case system or CP-IS.</li>
 *   <li>{@code summary}: also the plan types, the care setting's name and the attendance time.</li>
 * </ul>
 *
 * Never the child's name, NHS number, date of birth or address, in either form.
 */
public class MailDelivery {

    /** The exchange property holding the smtp endpoint URI the route sends through. */
    public static final String ENDPOINT = "cpisSmtpEndpoint";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The SMTP relay and what an e-mail carries ({@code cpis.delivery.mail.*}). */
    public record Settings(String smtpHost, int smtpPort, String mailFrom, String smtpUser, String smtpPassword,
                           boolean smtpStartTls, String mailContent) {
    }

    private final Settings settings;

    public MailDelivery(Settings settings) {
        this.settings = settings;
    }

    /**
     * Gives the SMTP relay's user and password to Camel's {@code smtp} component as options, so that any character
     * in them is taken as it is (a password in the endpoint URI must be quoted with RAW(...), which one ending in
     * ')' breaks).
     */
    public static void configure(org.apache.camel.CamelContext context, Settings settings) {
        if (settings.smtpUser().isEmpty()) {
            return;
        }
        var smtp = context.getComponent("smtp", org.apache.camel.component.mail.MailComponent.class);
        smtp.getConfiguration().setUsername(settings.smtpUser());
        smtp.getConfiguration().setPassword(settings.smtpPassword());
    }

    /** Replaces the body with the e-mail's text and the headers with the e-mail's. */
    public void compose(Exchange exchange) throws Exception {
        Notification n = exchange.getMessage().getBody(Notification.class);
        DeliveryChannel channel = exchange.getMessage().getHeader(NotificationRelay.CHANNEL, DeliveryChannel.class);
        JsonNode json = JSON.readTree(n.json());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader("To", channel.address());
        exchange.getMessage().setHeader("From", settings.mailFrom());
        exchange.getMessage().setHeader("Subject", "CP-IS: a child known to " + n.authorityCode()
                + " attended unscheduled care (" + n.notificationId() + ")");
        exchange.getMessage().setHeader("X-CPIS-Notification-Id", n.notificationId());
        exchange.getMessage().setHeader("X-CPIS-Authority", n.authorityCode());
        exchange.getMessage().setBody(text(n, json, "summary".equals(settings.mailContent())));
        StringBuilder uri = new StringBuilder("smtp://").append(settings.smtpHost()).append(':')
                .append(settings.smtpPort()).append("?contentType=")
                .append(URLEncoder.encode("text/plain; charset=UTF-8", StandardCharsets.UTF_8))
                .append("&connectionTimeout=10000");
        // the relay's user and password are options of the smtp component (configure), never spliced into the URI
        if (settings.smtpStartTls()) {
            uri.append("&mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true");
        }
        exchange.setProperty(ENDPOINT, uri.toString());
    }

    static String text(Notification n, JsonNode json, boolean summary) {
        StringBuilder text = new StringBuilder();
        String authority = json.path("authority").path("name").asText(n.authorityCode());
        boolean pattern = "pattern".equals(json.path("type").asText());
        text.append(pattern
                ? "CP-IS has seen a pattern of unscheduled care attendances by a child known to " + authority + ".\n"
                : "A child known to " + authority + " through CP-IS attended an unscheduled care setting.\n");
        text.append("\nNotification: ").append(n.notificationId());
        text.append("\nAuthority:    ").append(n.authorityCode());
        text.append("\nCreated:      ").append(json.path("createdAt").asText(""));
        if (summary) {
            StringBuilder plans = new StringBuilder();
            json.path("plans").forEach(p -> plans.append(plans.length() == 0 ? "" : ", ").append(p.path("type").asText()));
            JsonNode attendance = json.path("attendance");
            text.append("\nPlans:        ").append(plans);
            text.append("\nWhere:        ").append(attendance.path("setting").path("name").asText(""));
            text.append("\nWhen:         ").append(attendance.path("time").asText(""));
        }
        text.append("\n\nThe child's details are not sent by e-mail. Find the notification by its id in your case "
                + "system, or ask the care setting; this message was sent by cpis-gateway.\n");
        return text.toString();
    }
}
