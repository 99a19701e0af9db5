package com.emogg.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The test hosts of one schedule, so that the network between them can be cut, not just their
 * processes killed. Each host that a fault partitions (an api replica, a worker, a Kafka broker) runs
 * in a network namespace of its own ({@code ip netns exec}), linked by a veth pair to a router
 * namespace; the root namespace (the test itself and PostgreSQL) has a link of its own to the same
 * router. A partition is a policy-routing rule in the router ({@code ip rule ... blackhole}): the
 * router drops the packets silently, as a broken switch or a firewall would, so both sides see their
 * connections hang until their own timeouts, not a quick "connection refused". Rules can name one
 * TCP port (a replica cut from PostgreSQL but not from the test's clients, which share the root's
 * address). Everything is iproute2; nothing but the namespaces this run made is touched.
 *
 * <p>Needs root (CI runs as root) and iproute2. Elsewhere, or with {@code -Dcrash.network=loopback},
 * every host is 127.0.0.1 in the root namespace, as before, and the faults that need partitions are
 * skipped (the report says so and why).
 *
 * <p>Addresses: a /24 per run, {@code 10.213.N.0/24}, N taken by creating the router namespace
 * {@code emgN} (atomic: two runs on one machine never share one), a /30 per link. A run that was
 * SIGKILLed leaves its namespaces behind; the next run removes those whose owner process is gone.
 */
final class Network implements AutoCloseable {

    private static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "emogg-netns");
    private static final String LOOPBACK = "127.0.0.1";

    /** A test host: a process started with {@link #command} runs in its namespace and is reached at its address. */
    record Host(String name, String namespace, String address) {

        List<String> command(List<String> command) {
            if (namespace == null) {
                return command;
            }
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            wrapped.addAll(command);
            return wrapped;
        }
    }

    /** One cut of the network, undone by {@link #heal()}. */
    final class Cut {
        private final List<List<String>> rules;
        private boolean healed;

        private Cut(List<List<String>> rules) {
            this.rules = rules;
        }

        synchronized void heal() {
            if (!healed) {
                healed = true;
                for (List<String> rule : rules) {
                    List<String> delete = new ArrayList<>(List.of("ip", "-n", router, "rule", "del"));
                    delete.addAll(rule);
                    run(delete);
                }
                synchronized (Network.this) {
                    cuts.remove(this);
                }
            }
        }
    }

    private final int index;
    private final String router;
    private final String whyNot;
    private final Host root;
    private final List<Host> hosts = new ArrayList<>();
    private final List<Cut> cuts = new ArrayList<>();
    private int nextRulePriority = 1000;

    private Network(int index, String whyNot) {
        this.index = index;
        this.router = index < 0 ? null : "emg" + index;
        this.whyNot = whyNot;
        this.root = new Host("root", null, index < 0 ? LOOPBACK : subnet() + ".2");
    }

    /** Every host on the loopback, for tests that cut nothing. */
    static Network loopback() {
        return new Network(-1, "not asked for");
    }

    /** Namespaces when this machine allows them, loopback otherwise (and then {@link #whyNoPartitions()} says why). */
    static Network start() {
        String mode = System.getProperty("crash.network", "");
        if (mode.equals("loopback")) {
            return new Network(-1, "-Dcrash.network=loopback");
        }
        if (!isRoot()) {
            return new Network(-1, "not root: network namespaces need root (CI runs as root)");
        }
        Optional<String> noIp = probe();
        if (noIp.isPresent()) {
            return new Network(-1, noIp.get());
        }
        reapAbandoned();
        for (int n = 1; n <= 250; n++) {
            if (exec(List.of("ip", "netns", "add", "emg" + n)) != 0) {
                continue;
            }
            Network network = new Network(n, null);
            try {
                network.own();
                network.link(0, null);
                return network;
            } catch (RuntimeException e) {
                network.close();
                return new Network(-1, "the namespaces could not be set up: " + e.getMessage());
            }
        }
        return new Network(-1, "no free subnet among 10.213.1-250.0/24");
    }

    boolean partitions() {
        return whyNot == null;
    }

    /** Why partitions cannot be made on this machine, or null when they can. */
    String whyNoPartitions() {
        return whyNot;
    }

    /** The root namespace: the test, its clients and PostgreSQL. */
    Host root() {
        return root;
    }

    /** A new host: its own namespace and address, or the loopback when partitions cannot be made. */
    synchronized Host host(String name) {
        if (!partitions()) {
            return new Host(name, null, LOOPBACK);
        }
        int link = hosts.size() + 1;
        if (link > 62) {
            throw new IllegalStateException("no more than 62 hosts in a /24 of /30 links");
        }
        String namespace = router + "-" + name;
        run(List.of("ip", "netns", "add", namespace));
        run(List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
        Host host = new Host(name, namespace, link(link, namespace));
        hosts.add(host);
        return host;
    }

    /** Drops every packet between the two hosts, both ways. */
    Cut cut(Host a, Host b) {
        return add(List.of(List.of("from", a.address(), "to", b.address()), List.of("from", b.address(), "to", a.address())));
    }

    /** Drops every packet between {@code a} and TCP port {@code port} of {@code b}, both ways; the rest of their traffic flows. */
    Cut cut(Host a, Host b, int port) {
        return add(List.of(List.of("from", a.address(), "to", b.address(), "ipproto", "tcp", "dport", Integer.toString(port)),
                List.of("from", b.address(), "to", a.address(), "ipproto", "tcp", "sport", Integer.toString(port))));
    }

    /** Drops every packet from and to the host: nothing reaches it, it reaches nothing. */
    Cut isolate(Host a) {
        return add(List.of(List.of("from", a.address()), List.of("to", a.address())));
    }

    /** Undoes every cut still in place. */
    void healAll() {
        List<Cut> open;
        synchronized (this) {
            open = new ArrayList<>(cuts);
        }
        open.forEach(Cut::heal);
    }

    private synchronized Cut add(List<List<String>> specs) {
        if (!partitions()) {
            throw new IllegalStateException("no partitions on this machine: " + whyNot);
        }
        List<List<String>> rules = new ArrayList<>();
        for (List<String> spec : specs) {
            List<String> rule = new ArrayList<>(spec);
            rule.addAll(List.of("priority", Integer.toString(nextRulePriority++), "blackhole"));
            List<String> add = new ArrayList<>(List.of("ip", "-n", router, "rule", "add"));
            add.addAll(rule);
            run(add);
            rules.add(rule);
        }
        Cut cut = new Cut(rules);
        cuts.add(cut);
        return cut;
    }

    private String subnet() {
        return "10.213." + index;
    }

    /**
     * A veth pair from the router to {@code namespace} (the root namespace when null), a /30 each:
     * the router's side .4i+1, the host's .4i+2. Answers the host's address.
     */
    private String link(int link, String namespace) {
        String routerSide = subnet() + "." + (4 * link + 1);
        String hostSide = subnet() + "." + (4 * link + 2);
        String inRouter = "emg" + index + "r" + link;
        String inHost = "emg" + index + "h" + link;
        run(List.of("ip", "link", "add", inHost, "type", "veth", "peer", "name", inRouter));
        run(List.of("ip", "link", "set", inRouter, "netns", router));
        run(List.of("ip", "-n", router, "addr", "add", routerSide + "/30", "dev", inRouter));
        run(List.of("ip", "-n", router, "link", "set", inRouter, "up"));
        if (namespace == null) {
            run(List.of("ip", "addr", "add", hostSide + "/30", "dev", inHost));
            run(List.of("ip", "link", "set", inHost, "up"));
            // only this run's /24 goes to the router: the root namespace's other routes stay as they are
            run(List.of("ip", "route", "add", subnet() + ".0/24", "via", routerSide));
            run(List.of("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1"));
        } else {
            run(List.of("ip", "link", "set", inHost, "netns", namespace));
            run(List.of("ip", "-n", namespace, "addr", "add", hostSide + "/30", "dev", inHost));
            run(List.of("ip", "-n", namespace, "link", "set", inHost, "up"));
            run(List.of("ip", "-n", namespace, "route", "add", "default", "via", routerSide));
        }
        return hostSide;
    }

    /** Records this JVM as the owner of the run's namespaces, for {@link #reapAbandoned()} after a SIGKILL. */
    private void own() {
        try {
            Files.createDirectories(OWNERS);
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(OWNERS.resolve(Integer.toString(index)),
                    self.pid() + " " + self.info().startInstant().map(Object::toString).orElse("?") + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the namespaces of runs whose JVM is gone (namespaces outlive a SIGKILLed test). */
    private static void reapAbandoned() {
        if (!Files.isDirectory(OWNERS)) {
            return;
        }
        try (var files = Files.list(OWNERS)) {
            for (Path file : files.toList()) {
                String[] owner = Files.readString(file).trim().split(" ");
                boolean alive = ProcessHandle.of(Long.parseLong(owner[0]))
                        .filter(handle -> handle.info().startInstant().map(Object::toString).orElse("?").equals(owner[1])).isPresent();
                if (!alive) {
                    removeNamespaces(Integer.parseInt(file.getFileName().toString()));
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.line("network: could not check for abandoned namespaces: %s", e);
        }
    }

    private static void removeNamespaces(int index) {
        String prefix = "emg" + index;
        for (String line : output(List.of("ip", "netns", "list"))) {
            String name = line.split(" ")[0];
            if (name.equals(prefix) || name.startsWith(prefix + "-")) {
                exec(List.of("ip", "netns", "del", name));
            }
        }
        exec(List.of("ip", "link", "del", prefix + "h0")); // gone with the router already, unless the router was not made
    }

    /** Deletes this run's namespaces (their links go with them); processes still in them should be gone already. */
    @Override
    public synchronized void close() {
        if (index < 0) {
            return;
        }
        cuts.clear();
        removeNamespaces(index);
        try {
            Files.deleteIfExists(OWNERS.resolve(Integer.toString(index)));
        } catch (IOException e) {
            // the next run reaps it
        }
    }

    private static boolean isRoot() {
        List<String> id = output(List.of("id", "-u"));
        return !id.isEmpty() && id.get(0).trim().equals("0");
    }

    /** Empty when {@code ip netns} works here; why not otherwise. */
    private static Optional<String> probe() {
        String name = "emgprobe" + ProcessHandle.current().pid();
        if (exec(List.of("ip", "netns", "add", name)) != 0) {
            return Optional.of("'ip netns add' failed (iproute2 missing, or no permission for network namespaces)");
        }
        exec(List.of("ip", "netns", "del", name));
        return Optional.empty();
    }

    private static void run(List<String> command) {
        List<String> out = new ArrayList<>();
        int status = exec(command, out);
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + status + ": " + String.join(" ", out));
        }
    }

    private static int exec(List<String> command) {
        return exec(command, new ArrayList<>());
    }

    private static List<String> output(List<String> command) {
        List<String> out = new ArrayList<>();
        exec(command, out);
        return out;
    }

    private static int exec(List<String> command, List<String> output) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            Collections.addAll(output, text.split("\n"));
            output.removeIf(String::isBlank);
            return process.exitValue();
        } catch (IOException e) {
            output.add(e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
