package org.cpisgateway.core;

/** Which care setting a sending facility and point of care are (mappings/care-settings.csv). */
public interface CareSettings {

    /** The setting, or {@link CareSetting#unmapped} when nothing describes it. */
    CareSetting find(String sendingFacility, String location);
}
