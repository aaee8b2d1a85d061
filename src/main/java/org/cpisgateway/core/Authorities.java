package org.cpisgateway.core;

/** The local authorities the gateway knows (mappings/authorities.csv). */
public interface Authorities {

    /** The authority, or {@link Authority#unknown} when the code is not known. */
    Authority find(String code);

    boolean knows(String code);

    /** The codes of every authority the gateway knows. */
    default java.util.Collection<String> codes() {
        return java.util.List.of();
    }

    /** How the authority receives its notifications: its queue unless its row names other channels. */
    default java.util.List<DeliveryChannel> channels(String code) {
        return java.util.List.of(DeliveryChannel.QUEUE);
    }
}
