package com.emogg.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

import com.emogg.testing.ChildProcesses;
import com.emogg.testing.Ports;
import com.emogg.testing.PostgresServers;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL 15 from zonky's packaged binaries (the version the application's tests and local run
 * use), as a server process of its own that can be SIGKILLed and restarted on the same data and port,
 * as a crashed database server comes back.
 *
 * <p>Configured like production where it matters for the invariants: {@code synchronous_commit=on}
 * (zonky's default is off, which lets a crash lose transactions already acknowledged to the client,
 * and so would make "every 200 is a committed change" fail for a reason that is not the
 * application's). fsync stays off (zonky's {@code -F}): a killed process does not lose what the
 * kernel already has, and only the process is killed here, never the machine.
 *
 * <p>The data directory is never cleaned by zonky ({@code setCleanDataDirectory(false)}, also on the
 * first start, after deleting the folder ourselves): {@code close()} of a cleaning instance would
 * delete the very data the restarted server needs.
 */
final class PostgresServer implements AutoCloseable {

    /**
     * zonky logs an ERROR with a stack trace when {@code close()} cannot stop a server we killed on
     * purpose; kept as a field so the logger (and its level) is not collected.
     */
    private static final java.util.logging.Logger ZONKY = java.util.logging.Logger.getLogger("io.zonky.test.db.postgres.embedded");

    static {
        ZONKY.setLevel(java.util.logging.Level.OFF);
    }

    private final Path dir;
    private final Path binaries;
    private final ChildProcesses children;
    private final int port;
    private final Network.Host host;
    private EmbeddedPostgres server;

    /** On {@code host}: the root namespace, whose address the application's hosts reach it at. */
    PostgresServer(Path dir, Path binaries, ChildProcesses children, Network.Host host) {
        this.dir = dir;
        this.binaries = binaries;
        this.children = children;
        this.port = Ports.free();
        this.host = host;
    }

    Path data() {
        return dir.resolve("pg");
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** The URLs the application's replicas use: the host's address, through the network a fault can cut. */
    String jdbcUrlForApps() {
        return "jdbc:postgresql://" + host.address() + ":" + port + "/postgres";
    }

    String reactiveUrlForApps() {
        return "postgresql://" + host.address() + ":" + port + "/postgres";
    }

    /** A fresh database on the first call; the same data again after {@link #kill()}. */
    synchronized void start() {
        long started = System.nanoTime();
        try {
            Files.createDirectories(binaries);
            Path log = dir.resolve("postgres.log");
            server = PostgresServers.builder(binaries, data(), port, log)
                    .setCleanDataDirectory(false)
                    .setServerConfig("synchronous_commit", "on")
                    // four application processes of up to 32 connections each, the relays' lock connections, the test
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", host.address().equals("127.0.0.1") ? "127.0.0.1" : "127.0.0.1," + host.address())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start (data in " + data() + ")", e);
        }
        children.register("postgres", ProcessHandle.of(pid()).orElseThrow(), data().toString());
        allowTestHosts();
        Log.line("PostgreSQL up on 127.0.0.1:%d in %d ms (pid %d)", port, (System.nanoTime() - started) / 1_000_000, pid());
    }

    /** initdb trusts the loopback only: the test hosts' /24 too (once; a restart keeps it). */
    private void allowTestHosts() {
        if (host.address().equals("127.0.0.1")) {
            return;
        }
        String subnet = host.address().substring(0, host.address().lastIndexOf('.')) + ".0/24";
        try {
            Path hba = data().resolve("pg_hba.conf");
            String line = "host all all " + subnet + " trust\n";
            if (!Files.readString(hba).contains(line)) {
                Files.writeString(hba, line, java.nio.file.StandardOpenOption.APPEND);
                try (Connection connection = connect(); java.sql.Statement statement = connection.createStatement()) {
                    statement.execute("select pg_reload_conf()");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("pg_hba.conf not reloaded", e);
        }
    }

    boolean alive() {
        long pid = pid();
        return server != null && pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    long pid() {
        try {
            List<String> lines = Files.readAllLines(data().resolve("postmaster.pid"));
            return Long.parseLong(lines.get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * SIGKILL to the postmaster, as a crash does; its backends notice and exit (any still there after
     * that are killed too, so the next postmaster finds no shared memory in use). Then the old zonky
     * object is closed only to release its lock on the data directory.
     */
    synchronized void kill() {
        long pid = pid();
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        ChildProcesses.kill(postmaster);
        closeQuietly();
        Log.line("PostgreSQL (pid %d) killed with SIGKILL", pid);
    }

    /** Restarts on the same data and port after {@link #kill()}: crash recovery, then the same database. */
    void restart() {
        start();
    }

    Connection connect() throws SQLException {
        Properties props = new Properties();
        props.put("user", "postgres");
        props.put("password", "postgres");
        props.put("connectTimeout", "5");
        props.put("socketTimeout", "60");
        return new org.postgresql.Driver().connect(jdbcUrl(), props);
    }

    private void closeQuietly() {
        EmbeddedPostgres old = server;
        server = null;
        if (old != null) {
            try {
                old.close(); // pg_ctl stop fails on a dead server; zonky logs it and releases its lock
            } catch (IOException | RuntimeException e) {
                // released anyway
            }
        }
    }

    @Override
    public synchronized void close() {
        long pid = pid();
        closeQuietly();
        if (pid > 0) {
            // only our postmaster: a stale pid file could name a recycled pid
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(handle -> handle.info().commandLine().orElse("").contains(data().toString()))
                    .ifPresent(ChildProcesses::kill);
        }
    }
}
