package org.cpisgateway.core;

/**
 * The flag store could not be read or written. The answer to the sender is then AE with "check CP-IS another way":
 * the gateway could not do its part, the message itself was fine.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String what, Throwable cause) {
        super(what, cause);
    }
}
