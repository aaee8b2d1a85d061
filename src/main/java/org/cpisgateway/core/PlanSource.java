package org.cpisgateway.core;

import java.util.List;

/** Where the rules read a person's CP-IS plans from (the flag store). */
public interface PlanSource {

    /** Every plan held for the person, active or not; empty when there is none. */
    List<Plan> plansFor(String nhsNumber);
}
