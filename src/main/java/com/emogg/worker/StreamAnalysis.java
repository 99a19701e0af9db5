package com.emogg.worker;

import java.net.URI;
import java.nio.file.Path;

/**
 * The plug-in point for what a worker does with a session's stream. The shipped implementation,
 * {@link StreamProbe}, only checks that the stream is there; an emotion-analysis model would be
 * another implementation of this interface, chosen as a CDI bean.
 */
public interface StreamAnalysis {

    /** Starts the work for one session; called on the worker's consumer thread, must not block. */
    Task start(Request request, Listener listener);

    /** What the work is about. {@code mediaFolder} is the session's own folder, deleted on stop when asked. */
    record Request(String sessionId, URI streamUri, Path mediaFolder) {

        @Override
        public String toString() {
            return "Request[" + sessionId + "]"; // the URI may carry credentials
        }
    }

    /** How the work tells its progress; may be called from any thread. */
    interface Listener {

        /** The stream is there and being worked on. */
        void working();

        /** The work cannot go on; the reason is shown to operators (never with credentials). */
        void failed(String reason);
    }

    /** A running piece of work. */
    interface Task {

        /** Stops the work and returns once nothing of it runs any more. */
        void stop();
    }
}
