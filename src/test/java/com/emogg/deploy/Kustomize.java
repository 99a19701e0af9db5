package com.emogg.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders deploy/ the way {@code kubectl kustomize} does, for the features our kustomizations use
 * (resources, namespace, labels, images, replicas, strategic-merge patches by kind and name, JSON
 * patches by kind). No kustomize binary runs on these machines, so the tests render with this and
 * then check what a cluster would receive. A kustomization using anything else fails here loudly.
 */
final class Kustomize {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Kustomize() {
    }

    static List<ObjectNode> render(Path directory) {
        ObjectNode kustomization = (ObjectNode) read(directory.resolve("kustomization.yaml")).get(0);
        for (Iterator<String> names = kustomization.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!List.of("apiVersion", "kind", "resources", "namespace", "labels", "images", "replicas", "patches").contains(field)) {
                throw new IllegalStateException(directory + ": kustomization field '" + field + "' is not supported by the test renderer");
            }
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode entry : kustomization.path("resources")) {
            Path target = directory.resolve(entry.asText()).normalize();
            resources.addAll(Files.isDirectory(target) ? render(target) : read(target));
        }
        for (JsonNode patch : kustomization.path("patches")) {
            if (patch.has("path")) {
                ObjectNode change = read(directory.resolve(patch.get("path").asText())).get(0);
                ObjectNode resource = find(resources, change.get("kind").asText(), change.path("metadata").path("name").asText());
                merge(resource, change);
            } else {
                for (ObjectNode resource : resources) {
                    if (resource.path("kind").asText().equals(patch.path("target").path("kind").asText())) {
                        applyJsonPatch(resource, read(patch.get("patch").asText()));
                    }
                }
            }
        }
        for (JsonNode replicas : kustomization.path("replicas")) {
            ((ObjectNode) find(resources, "Deployment", replicas.get("name").asText()).get("spec")).put("replicas", replicas.get("count").asInt());
        }
        for (JsonNode image : kustomization.path("images")) {
            for (ObjectNode resource : resources) {
                for (JsonNode container : resource.path("spec").path("template").path("spec").path("containers")) {
                    String current = container.path("image").asText();
                    String name = current.contains(":") ? current.substring(0, current.lastIndexOf(':')) : current;
                    if (name.equals(image.get("name").asText())) {
                        String newName = image.has("newName") ? image.get("newName").asText() : name;
                        String tag = image.has("newTag") ? image.get("newTag").asText()
                                : current.contains(":") ? current.substring(current.lastIndexOf(':') + 1) : "latest";
                        ((ObjectNode) container).put("image", newName + ":" + tag);
                    }
                }
            }
        }
        for (JsonNode labels : kustomization.path("labels")) {
            for (ObjectNode resource : resources) {
                ObjectNode metadata = (ObjectNode) resource.get("metadata");
                ObjectNode existing = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
                labels.path("pairs").fields().forEachRemaining(pair -> existing.set(pair.getKey(), pair.getValue()));
            }
        }
        if (kustomization.has("namespace")) {
            resources.forEach(resource -> ((ObjectNode) resource.get("metadata")).put("namespace", kustomization.get("namespace").asText()));
        }
        return resources;
    }

    static ObjectNode find(List<ObjectNode> resources, String kind, String name) {
        return resources.stream()
                .filter(resource -> kind.equals(resource.path("kind").asText()) && name.equals(resource.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + kind + " " + name));
    }

    static List<ObjectNode> ofKind(List<ObjectNode> resources, String kind) {
        return resources.stream().filter(resource -> kind.equals(resource.path("kind").asText())).toList();
    }

    /** Strategic merge, as far as we use it: maps merge deeply, lists of named items merge by name. */
    private static void merge(ObjectNode target, JsonNode change) {
        change.fields().forEachRemaining(field -> {
            JsonNode current = target.get(field.getKey());
            JsonNode update = field.getValue();
            if (current instanceof ObjectNode object && update.isObject()) {
                merge(object, update);
            } else if (current instanceof ArrayNode list && update.isArray() && update.size() > 0 && update.get(0).has("name")) {
                for (JsonNode item : update) {
                    JsonNode match = null;
                    for (JsonNode existing : list) {
                        if (existing.path("name").equals(item.get("name"))) {
                            match = existing;
                        }
                    }
                    if (match instanceof ObjectNode named) {
                        merge(named, item);
                    } else {
                        list.add(item.deepCopy());
                    }
                }
            } else {
                target.set(field.getKey(), update.deepCopy());
            }
        });
    }

    private static void applyJsonPatch(ObjectNode resource, List<ObjectNode> operations) {
        for (JsonNode operation : JSON.valueToTree(operations)) {
            String op = operation.get("op").asText();
            if (!op.equals("replace") && !op.equals("add")) {
                throw new IllegalStateException("JSON patch op '" + op + "' is not supported by the test renderer");
            }
            String[] path = operation.get("path").asText().substring(1).split("/");
            ObjectNode parent = resource;
            for (int i = 0; i < path.length - 1; i++) {
                parent = (ObjectNode) parent.get(path[i]);
            }
            parent.set(path[path.length - 1], operation.get("value").deepCopy());
        }
    }

    static List<ObjectNode> read(Path file) {
        try {
            return read(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ObjectNode> read(String yaml) {
        try (var parser = new YAMLFactory().createParser(yaml)) {
            List<ObjectNode> documents = new ArrayList<>();
            for (Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode document = it.next();
                if (document instanceof ObjectNode object) {
                    documents.add(object);
                } else if (document instanceof ArrayNode array) {
                    array.forEach(item -> documents.add((ObjectNode) item));
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> asMap(JsonNode node) {
        return JSON.convertValue(node, Map.class);
    }
}
