package com.emogg.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the figures were measured on, for the top of the report: the same code on another machine,
 * or on this one while something else runs, gives other absolute numbers; only the ratios carry over.
 */
final class Machine {

    private Machine() {
    }

    static Map<String, String> describe(Path projectDir) {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        machine.put("cores (nproc)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("cpu", firstMatching(Path.of("/proc/cpuinfo"), "model name").replaceFirst("^model name\\s*:\\s*", ""));
        machine.put("memory", firstMatching(Path.of("/proc/meminfo"), "MemTotal").replaceFirst("^MemTotal:\\s*", ""));
        machine.put("os", firstMatching(Path.of("/etc/os-release"), "PRETTY_NAME").replaceFirst("^PRETTY_NAME=", "").replace("\"", ""));
        machine.put("kernel", read(Path.of("/proc/sys/kernel/osrelease")));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        String[] load = read(Path.of("/proc/loadavg")).split(" ");
        machine.put("load average at start (1, 5, 15 min)", load.length >= 3 ? load[0] + " " + load[1] + " " + load[2] : "?");
        machine.put("commit", command(projectDir, "git", "rev-parse", "--short", "HEAD")
                + (command(projectDir, "git", "status", "--porcelain", "--untracked-files=no").isBlank() ? "" : " (with uncommitted changes)"));
        return machine;
    }

    /** The load averages over 1, 5 and 15 minutes. */
    static String[] loadAverage() {
        String[] load = read(Path.of("/proc/loadavg")).split(" ");
        return load.length >= 3 ? new String[] {load[0], load[1], load[2]} : new String[] {"?"};
    }

    /** The first line of {@code java -version} of the JVM {@code binary}. */
    static String javaVersion(String binary) {
        String output = command(Path.of("."), binary, "-version");
        String[] lines = output.split("\n");
        return lines.length > 1 ? lines[1].trim() : output;
    }

    /** The feature release (17, 25, ...) of the JVM {@code binary}. */
    static String javaFeature(String binary) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("version \"(\\d+)").matcher(command(Path.of("."), binary, "-version"));
        return matcher.find() ? matcher.group(1) : "?";
    }

    private static String firstMatching(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream().filter(line -> line.startsWith(prefix)).findFirst().orElse("?").trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** A read-only command's output, "?" when it fails. */
    static String command(Path dir, String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
