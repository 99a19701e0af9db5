package com.emogg.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.emogg.testing.Folders;

/**
 * Makes the run independent of {@code target/} once it started. Another build on the same checkout
 * (a developer's {@code ./mvnw verify} while the bench runs) rewrites target/classes,
 * target/test-classes and target/quarkus-app; a class the harness loads late, or an application
 * restarted late, would then come from another build, or be missing. So the harness loads all of
 * its classes and the application classes it uses at start, and runs a copy of the packaged
 * application.
 */
final class Snapshot {

    private Snapshot() {
    }

    /** Copies target/quarkus-app to target/bench/quarkus-app; answers the copy's jar. */
    static Path application(Settings settings) {
        Path source = settings.projectDir().resolve("target/quarkus-app");
        Path copy = settings.outDir().resolve("quarkus-app");
        if (!Files.exists(source.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(source + " is missing: run the bench through ./mvnw -Pbench verify, which packages it first");
        }
        Folders.copy(source, copy);
        return copy.resolve("quarkus-run.jar");
    }

    /** Loads every class of this harness, and of the application the harness uses, now. */
    static void loadClasses() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<String> names = new ArrayList<>(classesBeside(Bench.class));
        names.addAll(classesBeside(com.emogg.local.LoopbackStream.class).stream().filter(name -> name.contains("LoopbackStream")).toList());
        for (String name : names) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + name, e);
            }
        }
        // the statements, read once: the baselines of this run use the statements of this build
        AppStatements.stop();
        AppStatements.get();
        AppStatements.list();
        AppStatements.authenticate();
    }

    private static List<String> classesBeside(Class<?> type) {
        String packagePath = type.getPackageName().replace('.', '/');
        try {
            Path root = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> files = Files.list(root.resolve(packagePath))) {
                return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".class"))
                        .map(name -> type.getPackageName() + "." + name.substring(0, name.length() - ".class".length())).toList();
            }
        } catch (URISyntaxException | IOException | RuntimeException e) {
            throw new IllegalStateException("cannot list the classes beside " + type.getName(), e);
        }
    }
}
