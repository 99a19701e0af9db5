package com.emogg.system;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The class path of this test JVM, for the Kafka broker it forks ({@code kafka_2.13} is a
 * {@code provided} dependency: on the test class path, never in the application). Failsafe starts the
 * test JVM with a manifest-only jar, so {@code java.class.path} may be a single booter jar whose
 * manifest lists the real entries; those are what the broker gets, since the booter jar is deleted
 * when this JVM ends.
 */
final class TestClasspath {

    private TestClasspath() {
    }

    static List<String> entries() {
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null && !surefire.isBlank()) {
            return List.of(surefire.split(File.pathSeparator));
        }
        String[] own = System.getProperty("java.class.path").split(File.pathSeparator);
        if (own.length == 1 && own[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(own[0])) {
                String manifestPath = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifestPath != null && !manifestPath.isBlank()) {
                    List<String> entries = new ArrayList<>();
                    for (String url : manifestPath.trim().split("\\s+")) {
                        entries.add(Path.of(URI.create(url)).toString());
                    }
                    return entries;
                }
            } catch (IOException | RuntimeException e) {
                // a plain jar: use it as it is
            }
        }
        return List.of(own);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
