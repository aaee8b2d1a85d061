package org.apache.camel.component.mllp.internal;

import java.util.Arrays;

/**
 * One connection's received bytes, from an MLLP start block on: grows by doubling (so a large frame is read in linear
 * time, where camel-mllp's buffer grows a little at a time and copies the whole frame each time), takes what it grows
 * beyond its first {@value #BASE} bytes from the listeners' shared {@link FrameMemory}, and gives it back as soon as
 * a frame has been handled.
 */
final class FrameBuffer {

    static final int BASE = 8192;

    private final FrameMemory memory;
    private byte[] bytes = new byte[BASE];
    private int length;
    /** Where the search for the end block goes on from: bytes before it have been looked at. */
    private int scanned = 1;

    FrameBuffer(FrameMemory memory) {
        this.memory = memory;
    }

    int length() {
        return length;
    }

    byte[] array() {
        return bytes;
    }

    /**
     * Room for at least one more byte, up to {@code maxLength} in all; false when the buffer is at that length or the
     * shared budget has no room for it to grow.
     */
    boolean makeRoom(int maxLength) {
        if (length < bytes.length) {
            return true;
        }
        if (bytes.length >= maxLength) {
            return false;
        }
        int grown = (int) Math.min((long) bytes.length * 2, maxLength);
        if (!memory.reserve(grown - bytes.length)) {
            return false;
        }
        bytes = Arrays.copyOf(bytes, grown);
        return true;
    }

    /** Notes {@code n} bytes read into {@link #array()} at {@link #length()}. */
    void added(int n) {
        length += n;
    }

    /**
     * Drops everything before the first start block; returns how many of the dropped bytes were not line ends (which
     * a PAS may send between frames).
     */
    int dropBeforeStartBlock(char startBlock) {
        int start = 0;
        int stray = 0;
        while (start < length && bytes[start] != startBlock) {
            if (bytes[start] != '\r' && bytes[start] != '\n') {
                stray++;
            }
            start++;
        }
        consume(start);
        return stray;
    }

    /** Index of the end block after the start block at 0, or -1; each byte is looked at once. */
    int endBlock(char endBlock) {
        for (; scanned < length; scanned++) {
            if (bytes[scanned] == endBlock) {
                return scanned;
            }
        }
        return -1;
    }

    /** Removes the first {@code n} bytes; what follows (a pipelined next frame) moves to the front. */
    void consume(int n) {
        System.arraycopy(bytes, n, bytes, 0, length - n);
        length -= n;
        scanned = 1;
    }

    /** After a frame: back to the first size when what is left fits, the grown part returned to the budget. */
    void shrink() {
        if (bytes.length > BASE && length <= BASE) {
            memory.release(bytes.length - BASE);
            bytes = Arrays.copyOf(bytes, BASE);
        }
    }

    /** Gives back everything (the connection is closing). */
    void release() {
        if (bytes.length > BASE) {
            memory.release(bytes.length - BASE);
        }
        bytes = new byte[0];
        length = 0;
    }
}
