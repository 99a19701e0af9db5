package com.emogg.local;

import java.util.List;

/** The profiles that get local servers, each with its own set so continuous testing never shares the dev data. */
enum LocalProfile {
    DEV,
    TEST;

    static LocalProfile of(List<String> activeProfiles) {
        if (activeProfiles.contains("test")) {
            return TEST;
        }
        if (activeProfiles.contains("dev")) {
            return DEV;
        }
        return null;
    }

    /** Key prefix of the JVM-wide state: a system property survives the class loaders dev mode throws away. */
    String stateKey(String server) {
        return "emogg.local." + name().toLowerCase() + "." + server;
    }
}
