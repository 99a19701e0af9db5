package com.emogg.system;

/**
 * One HTTP request a client made and what came back, as the history checker sees it.
 *
 * @param status    the HTTP status, or -1 when no response came (connection refused or reset, timeout):
 *                  then the outcome is unknown, the request may or may not have taken effect
 * @param state     {@code state} of the session in a 2xx body, else null
 * @param workerState {@code meta.workerState} in a 2xx body, else null
 * @param retryAfter the {@code Retry-After} header, when present
 * @param phase     the fault being injected when the request was made ("load" otherwise)
 */
record Exchange(long seq, String client, String op, String replica, String user, String sessionId, long startMs, long endMs,
        int status, String error, String state, String workerState, String retryAfter, String phase) {

    long latencyMs() {
        return endMs - startMs;
    }

    boolean answered() {
        return status > 0;
    }

    /** No response or a 5xx: the client cannot know whether the request took effect. */
    boolean outcomeUnknown() {
        return status < 0 || status >= 500;
    }

    String statusText() {
        return status < 0 ? "no response" : Integer.toString(status);
    }
}
