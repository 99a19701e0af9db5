package com.emogg.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the files of deploy/, docker-compose.yml and docs/ as they are written (no rendering: what
 * kustomize makes of them is checked by kustomize itself in .ci/deploy-checks).
 */
final class DeployFiles {

    private static final YAMLMapper YAML = new YAMLMapper();

    private DeployFiles() {
    }

    /** Every YAML document of a file. */
    static List<ObjectNode> yaml(String file) {
        try (var parser = new YAMLFactory().createParser(Files.readString(Path.of(file)))) {
            List<ObjectNode> documents = new ArrayList<>();
            for (Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                if (it.next() instanceof ObjectNode object) {
                    documents.add(object);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document of a file with that kind and name. */
    static ObjectNode find(String file, String kind, String name) {
        return yaml(file).stream()
                .filter(object -> kind.equals(object.path("kind").asText()) && name.equals(object.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError(file + ": no " + kind + " " + name));
    }

    /** An env file of a configMapGenerator: KEY=value lines, # comments. */
    static Map<String, String> env(String file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    static String text(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
