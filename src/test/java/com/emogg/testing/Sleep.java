package com.emogg.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Sleeping and bounded waiting, without checked exceptions in every scenario. */
public final class Sleep {

    private Sleep() {
    }

    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Polls {@code value} until it is not null; fails after {@code timeout}. */
    public static <T> T untilValue(Duration timeout, java.util.function.Supplier<T> value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T current = value.get();
            if (current != null) {
                return current;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no value within " + timeout);
            }
            millis(200);
        }
    }

    /** Polls {@code condition} every {@code every} until it holds (true) or {@code timeout} passed (false). */
    public static boolean until(Duration timeout, Duration every, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            millis(every.toMillis());
        }
    }
}
