package com.emogg.testing;

/**
 * Stops and restarts the tests' Kafka broker. It runs in this JVM, started by the class loader that
 * first read the test configuration; see {@code com.emogg.local.LocalKafkaOutage}.
 */
public final class LocalBroker {

    private LocalBroker() {
    }

    public static void stop() {
        call("stopBroker");
    }

    public static void start() {
        call("startBroker");
    }

    private static void call(String method) {
        try {
            ClassLoader.getSystemClassLoader().loadClass("com.emogg.local.LocalKafkaOutage").getMethod(method).invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the local test broker", e);
        }
    }
}
