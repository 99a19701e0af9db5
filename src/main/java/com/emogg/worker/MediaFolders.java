package com.emogg.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import com.emogg.platform.ObjectIds;

/** The worker's media: one folder per session under a root, removed on stop when the session asks for it. */
final class MediaFolders {

    private final Path root;

    MediaFolders(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path of(String sessionId) {
        if (!ObjectIds.isValid(sessionId)) {
            // the id names a folder: never let a malformed one walk out of the root
            throw new IllegalArgumentException("not a session id");
        }
        return root.resolve(sessionId);
    }

    Path create(String sessionId) {
        try {
            return Files.createDirectories(of(sessionId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the media folder of session " + sessionId, e);
        }
    }

    /** Deletes the session's folder and everything in it; true when there was one. */
    boolean delete(String sessionId) {
        Path folder = of(sessionId);
        if (!Files.exists(folder)) {
            return false;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the media folder of session " + sessionId, e);
        }
    }
}
