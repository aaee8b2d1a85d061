package org.cpisgateway.ops;

import org.cpisgateway.http.GuardedHttpServer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the Vert.x 4.5 behaviour that {@link GuardedHttpServer} works around, on a plain Vert.x-web router and
 * server: a {@code Host} with a percent sign not followed by two hex digits makes Vert.x's authority parser throw
 * (an exception nobody handles, a stack trace in the log) and the request is never answered; a Host with a space is
 * answered 400. And the gateway's own check: the same requests, through the guarded server, are answered 400 and
 * throw nothing. When the first test fails after a Vert.x upgrade, Vert.x answers such a Host itself and the Host
 * check can go (the request-head budget stays).
 */
class StockVertxHostTest {

    private final List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.exceptionHandler(unhandled::add);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int serve(Vertx on) throws Exception {
        Router router = Router.router(on);
        router.route().handler(ctx -> ctx.response().end("ok"));
        HttpServer server = on.createHttpServer().requestHandler(router);
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @Test
    void stockVertxLeavesABadPercentSignInHostUnansweredAndThrows() throws Exception {
        int port = serve(vertx);
        assertThat(statusLine(port, "%zz")).as("no answer").isNull();
        assertThat(unhandled).anySatisfy(e -> assertThat(e).isInstanceOf(StringIndexOutOfBoundsException.class));
        assertThat(statusLine(port, "a b")).startsWith("HTTP/1.1 400");
    }

    @Test
    void theGuardedServerAnswersThem400() throws Exception {
        Vertx guarded = GuardedHttpServer.vertx(8192);
        try {
            guarded.exceptionHandler(unhandled::add);
            int port = serve(guarded);
            for (String host : List.of("%zz", "a b", "[::1", "x:99999", "a:b:c")) {
                assertThat(statusLine(port, host)).as(host).startsWith("HTTP/1.1 400");
            }
            for (String host : List.of("cpis.example.nhs.uk", "127.0.0.1:8080", "[::1]:8080", "")) {
                assertThat(statusLine(port, host)).as(host).startsWith("HTTP/1.1 200");
            }
            assertThat(unhandled).isEmpty();
        } finally {
            guarded.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** The status line answering a GET with this Host, or null when none comes within two seconds. */
    private static String statusLine(int port, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            try {
                for (int c; (c = in.read()) >= 0 && c != '\r'; ) {
                    line.append((char) c);
                }
            } catch (SocketTimeoutException none) {
                return null;
            }
            return line.length() == 0 ? null : line.toString();
        }
    }
}
