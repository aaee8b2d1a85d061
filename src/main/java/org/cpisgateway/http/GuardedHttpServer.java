package org.cpisgateway.http;

import java.util.regex.Pattern;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.VertxWrapper;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrafficShapingOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x instance Camel Main's HTTP server runs on (Camel takes a {@code Vertx} it finds in the registry). Camel
 * makes the server's {@code HttpServerOptions} itself, with no way to set the request head's budget, so the HTTP
 * servers made here get it ({@code maxHeaderSize}: Vert.x answers 431 beyond it). And each request's {@code Host}
 * is checked before Vert.x-web's router sees it: Vert.x 4.5 answers a malformed {@code Host} with 400 but logs an
 * ERROR for each (any unauthenticated caller could fill the log), and one with a bad percent sign ({@code %zz}) makes
 * its parser throw, logging a stack trace and leaving the request unanswered (library-issues.md). Such a request is
 * answered 400 here, logged at DEBUG only. The gateway never builds anything from {@code Host}. A body beyond its
 * budget is answered 413 without the ERROR line Vert.x-web logs for a failure nobody handles.
 */
public final class GuardedHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedHttpServer.class);
    /** RFC 3986 host (a name or IPv4 address without percent signs, or a bracketed IPv6 address) and a port. */
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9._~!$&'()*+,;=-]*|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?");

    private GuardedHttpServer() {
    }

    /** A Vert.x instance whose HTTP servers keep request heads within {@code maxHeaderBytes} and check Host. */
    public static Vertx vertx(int maxHeaderBytes) {
        VertxInternal delegate = (VertxInternal) Vertx.vertx();
        delegate.exceptionHandler(e -> LOG.warn("HTTP server: unhandled {}", e.toString()));
        return new VertxWrapper(delegate) {
            @Override
            public HttpServer createHttpServer(HttpServerOptions options) {
                options.setMaxHeaderSize(maxHeaderBytes);
                return new Server(delegate.createHttpServer(options));
            }

            @Override
            public HttpServer createHttpServer() {
                return createHttpServer(new HttpServerOptions());
            }
        };
    }

    /** Whether the request's {@code Host} is one a client could have meant; HTTP/1.1 requires one. */
    static boolean acceptableHost(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_0 && request.version() != HttpVersion.HTTP_1_1) {
            return true; // HTTP/2 carries :authority, which Vert.x parses into the request itself
        }
        var hosts = request.headers().getAll("Host");
        if (hosts.isEmpty()) {
            return request.version() == HttpVersion.HTTP_1_0;
        }
        return hosts.size() == 1 && acceptableHost(hosts.get(0));
    }

    static boolean acceptableHost(String host) {
        var m = HOST.matcher(host);
        return m.matches() && (m.group(1) == null || Integer.parseInt(m.group(1)) <= 65_535);
    }

    /** Camel's HTTP server, with each request's Host checked before the router it is given. */
    private static final class Server implements HttpServer {
        private final HttpServer server;
        private Handler<HttpServerRequest> handler;

        Server(HttpServer server) {
            this.server = server;
        }

        @Override
        public HttpServer requestHandler(Handler<HttpServerRequest> next) {
            this.handler = next;
            if (next instanceof Router router) {
                // a body beyond camel.server.max-body-size: Vert.x-web's body handler fails the request with 413,
                // which, with no handler for it, it answers while logging an ERROR; answered here, unlogged
                router.errorHandler(413, ctx -> ctx.response().setStatusCode(413)
                        .putHeader("Content-Type", "text/plain; charset=utf-8").end("request body too large"));
            }
            server.requestHandler(next == null ? null : request -> {
                if (acceptableHost(request)) {
                    next.handle(request);
                } else {
                    LOG.debug("HTTP request with a malformed Host answered 400");
                    request.response().setStatusCode(400).putHeader("Connection", "close").end();
                }
            });
            return this;
        }

        @Override
        public Handler<HttpServerRequest> requestHandler() {
            return handler;
        }

        @Override
        public ReadStream<HttpServerRequest> requestStream() {
            throw new UnsupportedOperationException("set a request handler");
        }

        @Override
        public HttpServer invalidRequestHandler(Handler<HttpServerRequest> h) {
            server.invalidRequestHandler(h);
            return this;
        }

        @Override
        public HttpServer connectionHandler(Handler<HttpConnection> h) {
            server.connectionHandler(h);
            return this;
        }

        @Override
        public HttpServer exceptionHandler(Handler<Throwable> h) {
            server.exceptionHandler(h);
            return this;
        }

        @Override
        public ReadStream<ServerWebSocket> webSocketStream() {
            return server.webSocketStream();
        }

        @Override
        public HttpServer webSocketHandler(Handler<ServerWebSocket> h) {
            server.webSocketHandler(h);
            return this;
        }

        @Override
        public HttpServer webSocketHandshakeHandler(Handler<ServerWebSocketHandshake> h) {
            server.webSocketHandshakeHandler(h);
            return this;
        }

        @Override
        public Handler<ServerWebSocket> webSocketHandler() {
            return server.webSocketHandler();
        }

        @Override
        public Future<Boolean> updateSSLOptions(SSLOptions options, boolean force) {
            return server.updateSSLOptions(options, force);
        }

        @Override
        public void updateTrafficShapingOptions(TrafficShapingOptions options) {
            server.updateTrafficShapingOptions(options);
        }

        @Override
        public Future<HttpServer> listen() {
            return server.listen().map(this);
        }

        @Override
        public Future<HttpServer> listen(SocketAddress address) {
            return server.listen(address).map(this);
        }

        @Override
        public Future<HttpServer> listen(int port, String host) {
            return server.listen(port, host).map(this);
        }

        @Override
        public Future<HttpServer> listen(int port) {
            return server.listen(port).map(this);
        }

        @Override
        public Future<Void> close() {
            return server.close();
        }

        @Override
        public void close(Handler<AsyncResult<Void>> completion) {
            server.close(completion);
        }

        @Override
        public int actualPort() {
            return server.actualPort();
        }

        @Override
        public boolean isMetricsEnabled() {
            return server.isMetricsEnabled();
        }
    }
}
