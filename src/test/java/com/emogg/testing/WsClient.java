package com.emogg.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A plain WebSocket client (the JDK's), as an API user would have: sends text, queues what arrives. */
public final class WsClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    public WsClient(int port) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://localhost:" + port + "/ws/v1"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete(-1);
                    }
                }).join();
    }

    public WsClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** Sends unless the connection is closed (the server may have closed it for an earlier message); false then. */
    public boolean offer(String text) {
        try {
            socket.sendText(text, true).get(30, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A binary frame, which the API does not speak. */
    public boolean offerBinary(byte[] bytes) {
        try {
            socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).get(30, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The next message within {@code within}, as sent; null when none came. */
    public String poll(Duration within) {
        try {
            return received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The close code the server sent, once closed; -1 for a connection that broke without one. */
    public java.util.Optional<Integer> closedWith() {
        return java.util.Optional.ofNullable(closed.getNow(null));
    }

    /** The next message as JSON; fails after 10 s. */
    public JsonNode next() {
        try {
            String message = received.poll(10, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 10 s");
            }
            return JSON.readTree(message);
        } catch (InterruptedException | java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Sends a request and answers the reply. */
    public JsonNode request(String text) {
        return send(text).next();
    }

    /** The close code the server sent, waiting up to {@code within}. */
    public int closeCode(Duration within) {
        try {
            return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the connection was not closed within " + within);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }
}
