package com.emogg.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The class path of this harness, for the processes it forks (the Kafka broker). Under
 * {@code exec:java} the harness runs inside Maven's JVM, whose {@code java.class.path} is Maven's
 * own: the project's test class path is only in the class loader that exec:java built.
 */
final class Classpath {

    private Classpath() {
    }

    static String current() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (URISyntaxException e) {
                            entries.add(url.getPath());
                        }
                    }
                }
            }
        }
        if (entries.stream().noneMatch(entry -> entry.contains("kafka_2.13"))) {
            // run directly with java -cp: the class path is the JVM's own
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
