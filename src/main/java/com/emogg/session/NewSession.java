package com.emogg.session;

import java.net.URI;

/** A validated create request. {@code toString} leaves the stream URI out: it may hold credentials. */
public record NewSession(String name, URI streamUri, boolean removeMedia) {

    @Override
    public String toString() {
        return "NewSession[name=" + name + ", removeMedia=" + removeMedia + "]";
    }
}
