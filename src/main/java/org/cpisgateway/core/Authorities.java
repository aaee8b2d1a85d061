package org.cpisgateway.core;

/** The local authorities the gateway knows (mappings/authorities.csv). */
public interface Authorities {

    /** The authority, or {@link Authority#unknown} when the code is not known. */
    Authority find(String code);

    boolean knows(String code);
}
