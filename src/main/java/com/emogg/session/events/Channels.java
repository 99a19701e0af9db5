package com.emogg.session.events;

/** Reactive Messaging channel names, shared with the tests. Topics are configured per channel. */
public final class Channels {

    /** Outgoing: start and stop commands for workers ({@code emogg.topics.session-commands}). */
    public static final String SESSION_COMMANDS = "session-commands";

    private Channels() {
    }
}
