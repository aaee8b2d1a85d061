package org.cpisgateway.hl7;

/**
 * Field access on one segment by HL7 position: field from 1, repetition from 0, component and subcomponent from 1.
 * Values are unescaped and trimmed; empty is null. Implemented over HAPI's model and over the message text.
 */
public interface SegmentFields {

    int repetitions(int field);

    String get(int field, int rep, int component, int subcomponent);
}
