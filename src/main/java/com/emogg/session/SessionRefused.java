package com.emogg.session;

/**
 * What the service refuses to do to a session, in the domain's words; the HTTP edge and the
 * WebSocket API give each its status of the contract. No stack trace: it is an answer, not a fault.
 */
public abstract sealed class SessionRefused extends RuntimeException
        permits SessionRefused.NotFound, SessionRefused.NotActive, SessionRefused.NotSettled {

    SessionRefused(String message) {
        super(message, null, false, false);
    }

    /** No such session, or another user's: the caller cannot tell which. */
    public static final class NotFound extends SessionRefused {
        NotFound() {
            super("Session not found");
        }
    }

    /** A stop of a session that is already finished. */
    public static final class NotActive extends SessionRefused {
        NotActive() {
            super("The session is not active");
        }
    }

    /** A delete of a session that is active, or finished while its worker is still at it. */
    public static final class NotSettled extends SessionRefused {
        NotSettled() {
            super("The session is active or processing");
        }
    }
}
