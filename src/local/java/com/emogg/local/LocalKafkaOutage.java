package com.emogg.local;

/**
 * Stops and restarts the test profile's local broker, for tests of a Kafka outage.
 *
 * <p>The broker was started by the class loader that first read the test configuration (the JVM's
 * application class loader); a {@code @QuarkusTest} runs in another one, with its own copy of these
 * classes. So tests reach this class through {@link ClassLoader#getSystemClassLoader()} by
 * reflection, and it acts on the broker that copy started.
 */
public final class LocalKafkaOutage {

    private LocalKafkaOutage() {
    }

    public static void stopBroker() {
        broker().stop();
    }

    public static void startBroker() {
        broker().start();
    }

    private static LocalKafka broker() {
        LocalKafka broker = LocalKafka.STARTED.get(LocalProfile.TEST);
        if (broker == null) {
            throw new IllegalStateException("no local test broker was started by this class loader");
        }
        return broker;
    }
}
