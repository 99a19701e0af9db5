package com.emogg.local;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.profile.IfBuildProfile;

/**
 * The local run's demo stream on loopback, so a session created by the Quick start reaches
 * {@code working} without a camera. Only in the dev profile.
 */
@IfBuildProfile("dev")
@Singleton
public class LocalDemoStream {

    private final LoopbackStream stream;

    public LocalDemoStream(@ConfigProperty(name = "emogg.local.stream-port", defaultValue = "18554") int rtspPort) {
        LoopbackStream started;
        try {
            started = LoopbackStream.start(rtspPort, rtspPort + 1);
        } catch (RuntimeException e) {
            started = LoopbackStream.start(0, 0); // another local run has the fixed ports
        }
        this.stream = started;
    }

    public String uri() {
        return stream.rtspUri();
    }

    @PreDestroy
    void close() {
        stream.close();
    }
}
