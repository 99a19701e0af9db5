package com.emogg.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import com.emogg.contract.WorkerState;

/**
 * The sessions one worker runs: a {@link StreamAnalysis} task each, its media folder, and the
 * reports of its states and heartbeats. Its worker decides what to start and stop (from the
 * commands of the partitions it owns); this is how.
 *
 * <p>Called from the worker's thread only; the tasks' listeners, called from probe threads, only
 * touch a session's volatile state and send reports.
 */
final class RunningSessions {

    private static final Logger LOG = Logger.getLogger(RunningSessions.class);

    /** A session this worker runs. */
    private static final class RunningSession {
        final String sessionId;
        final TopicPartition partition;
        volatile WorkerState state = WorkerState.STARTING;
        /** Nothing to stop until the analysis started. */
        StreamAnalysis.Task task = () -> { };

        RunningSession(String sessionId, TopicPartition partition) {
            this.sessionId = sessionId;
            this.partition = partition;
        }
    }

    private final WorkerIdentity worker;
    private final StreamAnalysis analysis;
    private final WorkerReports reports;
    private final MediaFolders media;
    private final Duration heartbeatInterval;
    /**
     * Grows with every report of this run: the api orders by it only the reports of one run of one
     * worker ({@link WorkerIdentity}). It starts from the clock for an api older than the run
     * field, which ordered the reports of one worker id across restarts by it (a rolling upgrade).
     */
    private final AtomicLong seq;
    private final Map<String, RunningSession> running = new HashMap<>();
    private volatile List<String> view = List.of();
    private Instant nextHeartbeat = Instant.EPOCH;

    RunningSessions(WorkerIdentity worker, StreamAnalysis analysis, WorkerReports reports, MediaFolders media, Duration heartbeatInterval,
            long startMillis) {
        this.worker = worker;
        this.analysis = analysis;
        this.reports = reports;
        this.media = media;
        this.heartbeatInterval = heartbeatInterval;
        this.seq = new AtomicLong(startMillis * 1000);
    }

    boolean contains(String sessionId) {
        return running.containsKey(sessionId);
    }

    void begin(SessionCommand command, TopicPartition partition) {
        RunningSession session = new RunningSession(command.sessionId(), partition);
        running.put(session.sessionId, session);
        report(session.sessionId, WorkerState.STARTING, null);
        try {
            session.task = analysis.start(new StreamAnalysis.Request(command.sessionId(), command.streamUri(),
                    media.create(command.sessionId())), new StreamAnalysis.Listener() {
                        @Override
                        public void working() {
                            if (session.state == WorkerState.STARTING) {
                                session.state = WorkerState.WORKING;
                                report(session.sessionId, WorkerState.WORKING, null);
                            }
                        }

                        @Override
                        public void failed(String reason) {
                            if (!session.state.isTerminal() && session.state != WorkerState.STOPPING) {
                                session.state = WorkerState.FAILED;
                                report(session.sessionId, WorkerState.FAILED, reason);
                            }
                        }
                    });
        } catch (RuntimeException e) {
            session.state = WorkerState.FAILED;
            session.task = () -> { };
            report(session.sessionId, WorkerState.FAILED, "the analysis did not start: " + e.getMessage());
        }
        publishView();
    }

    /** The stop: end the task, honour removeMedia, confirm. A stop of a session not running here is confirmed too. */
    void finish(String sessionId, boolean removeMedia) {
        RunningSession session = running.remove(sessionId);
        if (session != null) {
            if (!session.state.isTerminal()) {
                session.state = WorkerState.STOPPING;
                report(sessionId, WorkerState.STOPPING, null);
            }
            session.task.stop();
        }
        if (removeMedia) {
            try {
                media.delete(sessionId);
            } catch (RuntimeException e) {
                LOG.warnf("session %s: media not removed: %s", sessionId, e.getMessage());
            }
        }
        report(sessionId, WorkerState.STOPPED, null);
        publishView();
    }

    /**
     * Ends the task of a settled session without a report: the api settled it already, and its
     * stop, with its removeMedia, came before (or was compacted away under a worker that lagged
     * behind more than the topic's min.compaction.lag.ms). False when it did not run here.
     */
    boolean forget(String sessionId) {
        RunningSession session = running.remove(sessionId);
        if (session == null) {
            return false;
        }
        session.task.stop();
        publishView();
        return true;
    }

    /** Forgets the failed sessions and, when due, sends a heartbeat for every session starting or working. */
    void tick(Instant now) {
        running.values().removeIf(session -> session.state == WorkerState.FAILED);
        if (!now.isBefore(nextHeartbeat)) {
            nextHeartbeat = now.plus(heartbeatInterval);
            for (RunningSession session : running.values()) {
                if (session.state == WorkerState.STARTING || session.state == WorkerState.WORKING) {
                    reports.heartbeat(session.sessionId, worker, session.state, seq.incrementAndGet());
                }
            }
        }
        publishView();
    }

    /** Ends the tasks of these partitions' sessions without a report: their next owner resumes them. */
    void release(Collection<TopicPartition> partitions) {
        running.values().removeIf(session -> {
            if (partitions.contains(session.partition)) {
                session.task.stop();
                return true;
            }
            return false;
        });
        publishView();
    }

    /** Ends every task without a report (the worker stops; the next owner resumes them). */
    void stopAll() {
        for (RunningSession session : running.values()) {
            session.task.stop();
        }
        running.clear();
        publishView();
    }

    /** The sessions running now, readable from any thread. */
    List<String> view() {
        return view;
    }

    private void report(String sessionId, WorkerState state, String reason) {
        reports.stateChanged(sessionId, worker, state, seq.incrementAndGet(), reason);
    }

    private void publishView() {
        view = List.copyOf(running.keySet());
    }
}
