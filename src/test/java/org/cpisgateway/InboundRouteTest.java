package org.cpisgateway;

import org.cpisgateway.app.GatewayConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Route tests (camel-test-junit5) of the YAML routes integrators edit, wired with the real beans and a real (in-memory)
 * database, the MLLP listener replaced by a direct endpoint and the authority queues by a mock. They prove the route
 * wiring; {@link GatewayEndToEndTest} proves the features over the network.
 */
class InboundRouteTest extends CamelTestSupport {

    private static int databases;

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    public String getRouteFilterExcludePattern() {
        return "notification-relay,send-new-notifications,mllp-listener";
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().setLocation("file:conf/application.properties");
        Properties overrides = new Properties();
        overrides.put("cpis.store.url", "jdbc:h2:mem:route-test-" + (++databases)
                + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        overrides.put("cpis.broker.embedded", "false");
        overrides.put("cpis.broker.url", "vm://no-broker-in-route-tests");
        overrides.put("cpis.broker.password", "unused-no-broker");
        context.getPropertiesComponent().setOverrideProperties(overrides);
        new GatewayConfiguration().configure(context);
        PluginHelper.getRoutesLoader(context).loadRoutes(
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/error-handling.camel.yaml"),
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/adt-inbound.camel.yaml"),
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/notifications.camel.yaml"));
        return context;
    }

    private void adviseAndStart() throws Exception {
        AdviceWith.adviceWith(context, "adt-inbound", a -> {
            a.weaveByToUri("seda:notifications*").replace().to("mock:authority");
        });
        context.start();
    }

    private AckText send(String er7) {
        Exchange out = template.request("direct:adt-inbound", e -> e.getMessage().setBody(er7.getBytes(StandardCharsets.UTF_8)));
        byte[] ack = out.getProperty("CamelMllpAcknowledgement", byte[].class);
        assertThat(ack).as("every exchange leaves an ACK for camel-mllp").isNotNull();
        return AckText.of(new String(ack, StandardCharsets.UTF_8));
    }

    @Test
    void flaggedAttendanceLeavesAnAckAndOneNotificationPerAuthorityInTheOutbox() throws Exception {
        adviseAndStart();
        MockEndpoint sender = getMockEndpoint("mock:authority");
        sender.expectedMessageCount(1); // one wake-up for the notification sender

        String id = Hl7Messages.newControlId();
        AckText ack = send(Hl7Messages.a04(id, "9990000050"));

        assertThat(ack.field("MSA", 1)).isEqualTo("AA");
        assertThat(ack.field("ZCS", 1)).isEqualTo("FLAGGED");
        assertThat(ack.all("ZCP")).hasSize(2);
        sender.assertIsSatisfied();
        HikariDataSource store = context.getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class);
        List<String> queues = new ArrayList<>();
        try (var c = store.getConnection(); var ps = c.prepareStatement(
                "select queue_name from notification_outbox where payload like ? order by queue_name")) {
            ps.setString(1, "%\"" + id + "\"%");
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    queues.add(rs.getString(1));
                }
            }
        }
        assertThat(queues).containsExactly("cpis.notify.LA901", "cpis.notify.LA902");
    }

    @Test
    void unparseableMessageLeavesAnArAck() throws Exception {
        adviseAndStart();
        AckText ack = send("this is not HL7");
        assertThat(ack.field("MSA", 1)).isEqualTo("AR");
        assertThat(ack.field("ERR", 3)).startsWith("102^");
    }

    @Test
    void storeThatCannotBeReadGivesAeAndTellsTheClerkToCheckAnotherWay() throws Exception {
        adviseAndStart();
        context.getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class).close();

        AckText ack = send(Hl7Messages.a04(Hl7Messages.newControlId(), "9990000018"));

        assertThat(ack.field("MSA", 1)).isEqualTo("AE");
        assertThat(ack.field("ZCS", 1)).isEqualTo("NOT_CHECKED");
        assertThat(ack.field("ZCS", 3)).isEqualTo("STORE_UNAVAILABLE");
        assertThat(ack.field("ZCS", 2)).contains("check CP-IS another way");
        assertThat(ack.field("ERR", 3)).startsWith("207^");
    }
}
