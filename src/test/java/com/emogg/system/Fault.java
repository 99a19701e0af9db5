package com.emogg.system;

/**
 * One fault of the matrix. {@link #inject} runs it against the live cluster while the background
 * clients keep going, draws its parameters (when to kill, what, how long) from the run's seeded
 * random, notes what it did in the record, reports what it checks on the spot (latencies, takeovers)
 * as violations, and leaves every process running again when it returns.
 */
interface Fault {

    String id();

    String title();

    void inject(Run run, FaultRecord record) throws Exception;

    /**
     * True for a fault that needs sessions to reach {@code working} on time: it starts only once the
     * api's consumer has applied the reports the previous fault left queued (see {@link Run#settle}).
     */
    default boolean needsSettledReports() {
        return false;
    }

    /** True for a fault that cuts the network ({@link Network}): skipped, and said so, where partitions cannot be made. */
    default boolean needsPartitions() {
        return false;
    }
}
