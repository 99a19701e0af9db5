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

import org.jboss.logging.Logger;

import com.emogg.platform.net.AddressRange;
import com.emogg.platform.net.StreamAddresses;

/**
 * Name resolution with a timeout, and the one place a probe learns where to connect. The JDK's
 * lookup blocks for as long as the system resolver takes (tens of seconds for a dead name server);
 * a probe must not hold one of the few probe threads that long, so the lookup runs aside and the
 * probe gives up after its timeout.
 *
 * <p>Every address the name resolves to must be one {@link StreamAddresses} permits, or the stream is
 * refused: a name that points into the cluster at all is not a camera. The answer is a resolved
 * {@link InetSocketAddress}, so the socket connects to the very address checked and the name is never
 * looked up again (a second lookup could answer otherwise: DNS rebinding).
 */
final class HostResolver {

    private static final Logger LOG = Logger.getLogger(HostResolver.class);
    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "emogg-dns");
        thread.setDaemon(true);
        return thread;
    });

    private HostResolver() {
    }

    static InetSocketAddress resolve(String host, int port, Duration timeout, StreamAddresses permitted) throws IOException {
        if (host == null || host.isEmpty()) {
            throw new IOException("no host"); // the JDK would answer the loopback address
        }
        Future<InetAddress[]> lookup = LOOKUPS.submit(() -> InetAddress.getAllByName(host));
        InetAddress[] addresses;
        try {
            addresses = lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
        return new InetSocketAddress(checked(addresses, permitted), port);
    }

    /** The address to connect to: the first, once all of them are permitted. */
    static InetAddress checked(InetAddress[] addresses, StreamAddresses permitted) throws RefusedAddress {
        for (InetAddress address : addresses) {
            if (!permitted.permits(address)) {
                // the range tells the operators which exception EMOGG_WORKER_ALLOWED_NETWORKS would take; the host stays out of the logs
                LOG.debugf("refused a stream address in the %s range", AddressRange.of(address));
                throw new RefusedAddress();
            }
        }
        return addresses[0];
    }

    /**
     * A stream on an address workers may not connect to. Its reason is one text whatever the address,
     * whatever listens there: no connection is attempted, so nothing about the target can show.
     */
    static final class RefusedAddress extends IOException {

        static final String REASON = "stream refused: workers may not connect to its address";

        RefusedAddress() {
            super(REASON);
        }
    }
}
