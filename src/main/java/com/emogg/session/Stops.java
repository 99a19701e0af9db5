package com.emogg.session;

/** The one definition of what stopping a session does to its row, shared by every kind of stop. */
final class Stops {

    /**
     * {@code active} -> {@code finished} with the duration frozen at {@code :now}. Nothing had picked
     * a {@code pending} session up, so it is {@code stopped} at once; a running worker gets
     * {@code stopping} until it confirms. {@code stop_requested_at} starts the reconciler's deadline.
     */
    static final String FINISH = "state = 'finished', finished_at = :now, "
            + "worker_state = case when worker_state = 'pending' then 'stopped' "
            + "when worker_state in ('starting', 'working') then 'stopping' else worker_state end, "
            + "stop_requested_at = :now, stop_attempts = 1";

    private Stops() {
    }
}
