package org.cpisgateway.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.ParserConfiguration;
import ca.uhn.hl7v2.parser.UnexpectedSegmentBehaviourEnum;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * One lenient HAPI set-up for every inbound version (2.1 to 2.8): messages are read into the v2.5 model, without
 * validation, keeping Z-segments and unknown segments where they occur.
 */
public final class HapiSetup {

    private HapiSetup() {
    }

    public static HapiContext lenientContext() {
        ParserConfiguration config = new ParserConfiguration();
        config.setUnexpectedSegmentBehaviour(UnexpectedSegmentBehaviourEnum.ADD_INLINE);
        config.setDefaultObx2Type("ST");
        config.setInvalidObx2Type("ST");
        config.setAllowUnknownVersions(true);
        config.setValidating(false);
        config.setIdGenerator(() -> java.util.UUID.randomUUID().toString()); // HAPI's default writes an id file
        HapiContext context = new DefaultHapiContext(config, ValidationContextFactory.noValidation(),
                new ZSegmentsAreGeneric());
        return context;
    }

    /**
     * The v2.5 model, except that Z-segments (site-defined: ZU1, ZCS, ...) become generic segments at once. HAPI
     * otherwise searches the class path for a class for every Z-segment of every message, finds none and does not
     * remember it: a visible share of the gateway's CPU in a profile under load.
     */
    static final class ZSegmentsAreGeneric extends CanonicalModelClassFactory {
        ZSegmentsAreGeneric() {
            super("2.5");
        }

        @Override
        public Class<? extends ca.uhn.hl7v2.model.Segment> getSegmentClass(String name, String version)
                throws ca.uhn.hl7v2.HL7Exception {
            return name != null && name.startsWith("Z") ? null : super.getSegmentClass(name, version);
        }
    }
}
