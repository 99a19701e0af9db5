package com.emogg.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who a worker is in its reports, logs and metrics.
 *
 * <ul>
 * <li>{@code id}: {@code EMOGG_WORKER_ID} when set; otherwise {@code <host>-<pid>-<run>}, so two
 * worker processes on one host (two systemd units, two processes on a laptop) never share an id,
 * and a restarted one gets a new one. The host name is the pod's name on Kubernetes.</li>
 * <li>{@code run}: random, new at every start of a worker, also under an explicit id. The api
 * compares {@code seq} only between reports of the same id and run (see
 * {@code WorkerStateService}): a counter of one process orders that process's reports, and nothing
 * else, so no two processes' clocks ever need to agree.</li>
 * </ul>
 */
public record WorkerIdentity(String id, String run) {

    /** An identity for a worker starting now: {@code configured} (EMOGG_WORKER_ID) or the default. */
    public static WorkerIdentity of(Optional<String> configured) {
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String id = configured.filter(name -> !name.isBlank())
                .orElseGet(() -> hostName() + "-" + ProcessHandle.current().pid() + "-" + run);
        return new WorkerIdentity(id, run);
    }

    private static String hostName() {
        String pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }

    @Override
    public String toString() {
        return id.endsWith(run) ? id : id + " (run " + run + ")";
    }
}
