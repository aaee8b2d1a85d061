package org.cpisgateway.app;

import java.time.Clock;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.CamelContext;
import org.cpisgateway.config.GatewaySettings;
import org.cpisgateway.fhir.FhirApi;
import org.cpisgateway.fhir.FhirClients;
import org.cpisgateway.fhir.FhirResources;
import org.cpisgateway.store.AuthorityRecords;

/**
 * The FHIR R4 API of routes/fhir.camel.yaml: care settings' systems (operations users with a care-setting role)
 * search flags, or CareTeams in the national CP-IS FHIR API's shape, and read a child's access history; authorities'
 * systems (broker users) search the accesses to their children. The answer's {@code Date} header goes out through
 * the HTTP server's header filter ({@code AnswerHeaders}).
 */
final class FhirWiring {

    private FhirWiring() {
    }

    static void wire(CamelContext context, GatewaySettings s, Mappings mappings, StoreWiring store,
                     InboundWiring.Checking checking, HttpAccessWiring.Users users, Clock clock) {
        FhirContext fhir = FhirContext.forR4Cached();
        FhirClients clients = new FhirClients(users.fhirLogins(), mappings.settings(), mappings.authorities()::knows);
        context.getRegistry().bind("fhirApi", new FhirApi(fhir, clients,
                new FhirResources(mappings.authorities(), s.check().zone()), checking.rules(), checking.notifications(),
                store.journal(), new AuthorityRecords(store.dataSource(), s.check().zone()), clock, BuildInfo.version(),
                s.http().publicBaseUrl(), s.http().pageSize(), s.http().maxPageSize()));
    }
}
