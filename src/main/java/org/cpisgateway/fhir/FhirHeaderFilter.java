package org.cpisgateway.fhir;

import java.util.HashSet;
import java.util.Set;

import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The HTTP header filter of the FHIR routes ({@code headerFilterStrategy} of their platform-http endpoints): Camel's
 * own for HTTP, except that the {@code Date} header the API sets goes out, as the national CP-IS FHIR API's consumers
 * expect one on every answer (Camel's filter keeps it back, leaving it to servers that add their own; Vert.x adds
 * none).
 */
public class FhirHeaderFilter extends HttpHeaderFilterStrategy {

    public FhirHeaderFilter() {
        Set<String> out = new HashSet<>(getOutFilter());
        out.removeIf(h -> h.equalsIgnoreCase("date"));
        setOutFilter(out);
    }
}
