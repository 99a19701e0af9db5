package com.emogg.platform.net;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Where a worker may connect for a user's stream: public addresses ({@link AddressRange#PUBLIC}), and
 * the networks the operators allow ({@code EMOGG_WORKER_ALLOWED_NETWORKS}), for cameras on private
 * networks. Stream URIs are chosen by users, so everything else (the worker itself, the cluster, the
 * cloud's metadata service) is refused. The api and the workers judge by this one rule: the api
 * refuses an address literal at create, the worker every address a name resolves to.
 */
public final class StreamAddresses {

    private final List<IpNetwork> allowed;

    public StreamAddresses(List<IpNetwork> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** From the setting, which is absent by default: public addresses only. */
    public static StreamAddresses allowing(Optional<List<IpNetwork>> allowed) {
        return new StreamAddresses(allowed.orElse(List.of()));
    }

    public boolean permits(InetAddress address) {
        return AddressRange.of(address) == AddressRange.PUBLIC || allowed.stream().anyMatch(network -> network.contains(address));
    }

    /**
     * Whether {@code host} (a URI's host) is an address literal, in any spelling a resolver may read,
     * that this rule refuses. Names are not judged here: they may resolve otherwise where a worker runs.
     */
    public boolean refusesLiteral(String host) {
        return IpLiterals.readings(host).stream().anyMatch(address -> !permits(address));
    }

    public List<IpNetwork> allowed() {
        return allowed;
    }
}
