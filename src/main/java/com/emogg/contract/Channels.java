package com.emogg.contract;

/** Reactive Messaging channel names, shared with the tests. Topics are configured per channel. */
public final class Channels {

    /** Outgoing, from workers: their reports ({@code emogg.topics.worker-states}). */
    public static final String WORKER_STATES = "worker-states";

    /** Outgoing, from the api: its watermarks ({@link ReportWatermark}), into the workers' reports topic. */
    public static final String WATERMARKS = "report-watermarks";

    /** Incoming, in the api role: the workers' reports. */
    public static final String WORKER_STATES_IN = "worker-states-in";

    private Channels() {
    }
}
