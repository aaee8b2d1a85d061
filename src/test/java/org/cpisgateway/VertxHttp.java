package org.cpisgateway;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * HTTP calls the JDK's client cannot make: from a chosen local address (a second caller on another address, e.g.
 * 127.0.0.2, which reaches the gateway's 127.0.0.1 over loopback) and with a Host header of the caller's choosing.
 * Vert.x's own HTTP client, as any system calling the gateway might use.
 */
public final class VertxHttp implements AutoCloseable {

    /** What came back. */
    public record Answer(int status, MultiMap headers, String body) {
    }

    private final Vertx vertx = Vertx.vertx();

    /** @param localAddress the address the call comes from, or null for the system's choice */
    public Answer call(String localAddress, int port, String method, String path, Map<String, String> headers,
                       String body) throws Exception {
        HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port);
        if (localAddress != null) {
            options.setLocalAddress(localAddress);
        }
        HttpClient client = vertx.createHttpClient(options);
        try {
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setURI(path)
                    .setTimeout(20_000);
            headers.forEach(request::putHeader);
            return client.request(request)
                    .compose(r -> (body == null ? r.send() : r.send(Buffer.buffer(body)))
                            .compose(response -> response.body().map(b -> new Answer(response.statusCode(),
                                    response.headers(), b.toString()))))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
