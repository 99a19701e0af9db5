package com.emogg.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order of the faults of one schedule: every fault once, shuffled by the schedule's seed (the
 * parameters of each, when and what to kill, are drawn from the same seeded random as it runs). The
 * same seed gives the same order and the same choices; the timing of a real machine still varies.
 */
final class Schedule {

    private Schedule() {
    }

    static List<Fault> all() {
        return List.of(new ApiCrashDuringStops(), new BrokerOutage(), new PostgresRestart(), new WorkerCrash(), new RelayFailover(),
                new PoisonAndDuplicates(), new ConcurrentStops(), new LongApiOutage(), new PartitionLeaderKill(), new BrokerIsolated(),
                new RelayCutFromKafka(), new ApiCutFromPostgres(), new WorkerCutFromKafka(), new RelayFenced());
    }

    /** The selected faults in the seed's order; those that cut the network only when {@code partitions}. */
    static List<Fault> shuffled(Random random, List<String> selected, boolean partitions) {
        List<Fault> faults = new ArrayList<>(all());
        faults.removeIf(fault -> !selected.contains(fault.id()));
        Collections.shuffle(faults, random);
        faults.removeIf(fault -> fault.needsPartitions() && !partitions);
        return faults;
    }
}
