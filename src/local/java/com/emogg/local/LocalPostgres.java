package com.emogg.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky's packaged binaries, pinned to the production major) for the
 * local run and the tests. As root, zonky runs the server in a user namespace ({@code unshare -U}),
 * since PostgreSQL refuses to run as root; as a normal user it runs it directly.
 */
final class LocalPostgres {

    private static final Logger LOG = Logger.getLogger("com.emogg.local");

    private LocalPostgres() {
    }

    static Map<String, String> ensureStarted(LocalSettings settings) {
        String key = settings.profile().stateKey("postgres");
        synchronized (key.intern()) {
            String port = System.getProperty(key + ".port");
            if (port == null) {
                port = Integer.toString(start(settings));
                System.setProperty(key + ".port", port);
            }
            return config(Integer.parseInt(port));
        }
    }

    private static Map<String, String> config(int port) {
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + port + "/postgres",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    private static int start(LocalSettings settings) {
        long started = System.nanoTime();
        if (settings.persistent()) {
            LocalOwnership.claim(settings.instanceDir());
        } else {
            LocalOwnership.removeAbandoned(settings.root(), "test-");
            LocalOwnership.claim(settings.instanceDir());
        }
        Path dataDir = settings.instanceDir().resolve("postgres");
        LocalOwnership.stopOrphanedPostgres(dataDir);
        int port = LocalPorts.claim(settings.postgresPort(), "PostgreSQL", "emogg.local.postgres-port");

        AtomicReference<EmbeddedPostgres> server = new AtomicReference<>();
        LocalThreads.runWithLoaderOf(EmbeddedPostgres.class, "emogg-local-postgres-start", () -> {
            try {
                Files.createDirectories(settings.postgresBinaries());
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(settings.postgresBinaries().toFile())
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(!settings.persistent())
                        .setPort(port)
                        .setRegisterShutdownHook(false)
                        .setLocaleConfig("locale", "C")
                        // TCP only: a socket path under a deep checkout can exceed the 107-byte limit
                        .setServerConfig("unix_socket_directories", "")
                        .setServerConfig("max_connections", "200");
                if (!settings.persistent()) {
                    // test data is thrown away: durability only costs time
                    builder.setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off");
                }
                server.set(builder.start());
            } catch (IOException e) {
                throw new UncheckedIOException("the local PostgreSQL did not start (data in " + dataDir + ")", e);
            }
        });
        LocalShutdown.onExit("postgres", () -> {
            try {
                server.get().close();
                LOG.infof("local PostgreSQL stopped");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (!settings.persistent()) {
                    LocalOwnership.deleteRecursively(settings.instanceDir());
                }
            }
        });
        LOG.infof("local PostgreSQL (%s) started on 127.0.0.1:%d in %d ms, data in %s",
                settings.profile().name().toLowerCase(), port, (System.nanoTime() - started) / 1_000_000, dataDir);
        return port;
    }
}
