package com.emogg.testing;

import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL as a server process of its own (zonky's packaged binaries, the version the tests use),
 * as the crash matrix and the benchmarks start it; each adds its own settings.
 */
public final class PostgresServers {

    private PostgresServers() {
    }

    /** A server on {@code port} with its data in {@code data}, logging to {@code log}, reachable over TCP only. */
    public static EmbeddedPostgres.Builder builder(Path binaries, Path data, int port, Path log) {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(binaries.toFile())
                .setDataDirectory(data)
                .setPort(port)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setLocaleConfig("locale", "C")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                // a socket path under a deep checkout can exceed the 107-byte limit
                .setServerConfig("unix_socket_directories", "");
    }
}
