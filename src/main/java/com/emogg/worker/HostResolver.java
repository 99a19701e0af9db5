package com.emogg.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Name resolution with a timeout. The JDK's lookup blocks for as long as the system resolver takes
 * (tens of seconds for a dead name server); a probe must not hold one of the few probe threads that
 * long, so the lookup runs aside and the probe gives up after its timeout.
 */
final class HostResolver {

    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "emogg-dns");
        thread.setDaemon(true);
        return thread;
    });

    private HostResolver() {
    }

    static InetSocketAddress resolve(String host, int port, Duration timeout) throws IOException {
        Future<InetAddress> lookup = LOOKUPS.submit(() -> InetAddress.getByName(host));
        try {
            return new InetSocketAddress(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS), port);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new IOException("no address for " + host + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UnknownHostException ? new IOException("unknown host " + host)
                    : new IOException("no address for " + host + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while resolving " + host);
        }
    }
}
