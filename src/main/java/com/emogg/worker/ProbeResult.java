package com.emogg.worker;

/** The outcome of one probe of a stream; {@code description} is what the server said about it (an SDP), if anything. */
record ProbeResult(boolean reachable, String reason, String description) {

    static ProbeResult ok(String description) {
        return new ProbeResult(true, null, description);
    }

    static ProbeResult failed(String reason) {
        return new ProbeResult(false, reason, null);
    }
}
