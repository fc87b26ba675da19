#pragma once

#include "core/actorsystem.h"
#include "core/result.h"
#include "liveview/httpresponse.h"
#include "liveview/pubsub.h"
#include "liveview/router.h"
#include "liveview/serverconfig.h"
#include "liveview/serverstats.h"

#include <QJsonObject>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QThreadPool;

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

namespace LiveActor {

struct ServerState;
class ViewStateStore;
struct HttpRequest;
struct HandshakeRefusal;
class WebSocketConnection;

/// The LiveView server: HTTP pages, static assets and the Phoenix LiveView WebSocket on ONE port.
///
/// Compose it in main():
///
///     ActorSystem system;
///     LiveViewServer server(config, system);
///     server.addRoute(u"/"_s, [] { return Result<std::unique_ptr<ViewHandler>>(std::make_unique<Counter>()); });
///     if (auto r = server.listen(); !r) { qCritical() << r.error().toString(); return 1; }
///     // SIGTERM: server.shutdown(5s); system.shutdown(); app.quit();
///
/// HTTP (own HTTP/1.1 parser over QTcpServer, keep-alive, bounded head/body):
/// - GET <route>: the dead render — the view mounted once (isConnected() false) and rendered into
///   a full page with <title>, csrf meta tag, the container `<div id="phx-…" data-phx-main
///   data-phx-session="<signed token>">`, and the client scripts. Unknown path → 404 page.
/// - GET /assets/phoenix.min.js, /assets/phoenix_live_view.min.js, /assets/app.js, /assets/app.css:
///   compiled into the library (Qt resources generated from the pinned npm packages), served with
///   ETag and `Cache-Control: public, max-age=31536000, immutable` (pages reference them with
///   ?vsn=<hash>). GET /health → 200 "ok", or 503 "unavailable: <reason>" when the server cannot
///   take sessions (see unavailableReason()).
/// - GET /live/websocket: the upgrade. vsn must be 2.0.0 (else 403), Origin must be allowed (else
///   403), at most maxConnections sockets (else 503), none while shutting down (503), a valid
///   RFC 6455 handshake (Sec-WebSocket-Version 13, else 426; a 16-byte Sec-WebSocket-Key, else
///   400). The server answers 101 itself (no extensions, no subprotocol), takes the descriptor
///   from the QTcpSocket into a WebSocketConnection, moves that to an executor and gives it to a
///   new SessionActor under the "session-supervisor".
///
/// The session supervisor is top level (no parent): the server restarts it, as an OTP parent
/// would, when it exits while the server runs (e.g. `liveactor ctl kill`). Its sessions end with
/// it (their clients reconnect); sessions started meanwhile wait for the new one. More than
/// kSupervisorRestarts restarts within kSupervisorRestartPeriod and the server gives up: upgrades
/// and /health answer 503 with the reason (an orchestrator should replace the process).
///
/// Thread affinity: create, configure and call on the main thread (the one accepting
/// connections). Views run on the executors. The server must outlive nothing: shutdown() before
/// destroying it, ActorSystem::shutdown() after.
class LiveViewServer : public QObject
{
    Q_OBJECT
public:
    /// Optional: the session map a page's views receive in mount(), from the page request
    /// (e.g. a user id read from a cookie). Signed into the page's token. Main thread.
    using SessionProvider = std::function<QJsonObject(const HttpRequest &request)>;

    LiveViewServer(ServerConfig config, ActorSystem &system, QObject *parent = nullptr);
    ~LiveViewServer() override;

    /// Adds a route before listen(). Errors: see Router::addRoute.
    Result<void> addRoute(const QString &pattern, ViewFactory factory);
    void setSessionProvider(SessionProvider provider);

    /// Nested live views (`{% live_render "module.Class" id=… %}`): the factory of the view a
    /// child container's token names, called on the joining session's executor. NotFound (or
    /// any Error) refuses that join with the error's message; without a resolver every child join
    /// is refused. Set before listen().
    using ChildViewResolver = std::function<Result<ViewFactory>(const QString &view)>;
    void setChildViewResolver(ChildViewResolver resolver);

    /// Views that resume (`persist`, several instances): after each handled message a view's
    /// changed record is saved here; a re-join of the same page (same session token and topic,
    /// not its first mount, not a live navigation, not a restart after a crash) looks its record
    /// up first (ServerConfig::resumeLookupTimeout) and resumes from it; at shutdown sessions
    /// close their sockets once the records are saved. Null (default): no persistence. Set
    /// before listen().
    void setViewStateStore(std::shared_ptr<ViewStateStore> store);

    /// A plain-text GET endpoint that is not a view, e.g. Prometheus `/metrics` (the app wires
    /// it; liveview does not link telemetry). handler returns the body and runs on the main
    /// thread per request; contentType is sent as is. Add before listen(); a path that is also
    /// a route is answered by the endpoint.
    using Endpoint = std::function<QByteArray()>;
    void addEndpoint(const QString &path, const QByteArray &contentType, Endpoint handler);

    /// Plain HTTP handlers the app wires (Python's liveactor.http): asked for every GET, HEAD and
    /// POST that is not an asset, a static file or an endpoint, before the live routes; nullopt =
    /// not one of its paths (POST then answers 405). Main thread, per request: a slow handler
    /// holds up the other HTTP requests (not the live views). secret() signs its session cookie.
    using HttpHandler = std::function<std::optional<HttpResponse>(const HttpRequest &request)>;
    void setHttpHandler(HttpHandler handler);
    /// The resolved secret (after listen(); empty before): what the session cookie is signed with.
    QByteArray secret() const { return m_secret; }

    /// Restart intensity for the session supervisor (a sliding window, like OTP's): the
    /// (kSupervisorRestarts + 1)th exit within kSupervisorRestartPeriod is not restarted.
    static constexpr int kSupervisorRestarts = 3;
    static constexpr std::chrono::milliseconds kSupervisorRestartPeriod{5000};

    /// Resolves the secret, spawns the session supervisor and starts listening.
    /// Errors: Io (cannot bind, or the secret file), InvalidArgument (bad secret).
    Result<void> listen();
    quint16 port() const;
    QString baseUrl() const;
    bool isListening() const;

    /// Graceful stop (SIGTERM): stop accepting, let every session finish its in-flight replies,
    /// close every socket with 1001. Blocks (running the caller's event loop) until done or the
    /// timeout; returns true when everything ended in time. Idempotent.
    bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    ServerStats stats() const;
    const ServerConfig &config() const;
    /// The current session supervisor (null before listen() and once given up on; a new ref
    /// after each restart).
    ActorRef sessionSupervisor() const { return m_sessionSupervisor; }
    /// Why no new session can start (empty while they can): shutting down, or the session
    /// supervisor's restart intensity was exceeded. /health answers 503 with it.
    QString unavailableReason() const;
    /// The server's in-process pub/sub (views subscribe through their ViewContext; other code,
    /// e.g. liveactor.broadcast() outside a handler, publishes here). Thread-safe.
    PubSub &pubsub() const;

    /// The current assigns of view id as indented JSON, at most maxBytes (what the monitor's
    /// "Fetch assigns" shows; wire it with ControlServer::setAssignsProvider). done runs on the
    /// calling thread: NotFound for an unknown id, InvalidArgument for an actor that is not a
    /// view, Timeout after 2 s.
    void inspectAssigns(const QUuid &id, int maxBytes, std::function<void(Result<QString>)> done);

    /// Development (ServerConfig::debugErrors; otherwise these do nothing): an error of the whole
    /// app — a reload that failed to import — shown over every open page and every page loaded
    /// until clearDevError(), which removes it (a good reload). detail is plain text (escaped
    /// when shown). Main thread.
    void reportDevError(const QString &title, const QString &detail);
    void clearDevError();

private:
    /// Tells every session to push event with payload to its page (DevNotice).
    void noticeSessions(const QString &event, const QByteArray &payload);
    void onNewConnection();
    void handleHttp(QTcpSocket *socket);
    /// Answers request; false when the answer comes later from a render thread (renderLater()).
    bool respond(QTcpSocket *socket, const HttpRequest &request);
    /// Runs job (a page render or a Python HTTP handler) on a render thread and writes its
    /// response on this thread; the socket reads no further request until then.
    bool renderLater(QTcpSocket *socket, bool keepAlive, bool head, std::function<HttpResponse()> job);
    void rendered(QTcpSocket *socket, const HttpResponse &response, bool keepAlive, bool head);
    /// Takes the socket as a WebSocket, or says why not (nullopt also when the peer left).
    std::optional<HandshakeRefusal> upgrade(QTcpSocket *socket, const HttpRequest &request);
    void startSession(int fd, const QString &peer);
    /// Starts a SessionActor for connection (already on executor ex) under the current session
    /// supervisor; if that supervisor died meanwhile, the connection waits for its replacement.
    void superviseSession(WebSocketConnection *connection, int ex, const QString &peer);
    /// Makes m_tcp listen on the configured host and port (with SO_REUSEPORT when configured).
    Result<void> listenSocket();
    /// Spawns a session supervisor and watches it (sessionSupervisorExited).
    Result<void> spawnSessionSupervisor();
    /// Restarts the exited supervisor ref (unless it is not the current one, the server is
    /// stopping or the restart intensity is exceeded, which makes the server unavailable).
    void sessionSupervisorExited(const ActorRef &ref, const ExitReason &reason);
    /// Records why sessions cannot start and closes the connections waiting for a supervisor.
    void becomeUnavailable(const QString &why);

    /// A connection whose session could not start because its supervisor had just died.
    struct WaitingSession
    {
        QPointer<WebSocketConnection> connection;
        int executor = 0;
        QString peer;
    };

    std::shared_ptr<ServerState> m_state;
    ActorSystem &m_system;
    QTcpServer *m_tcp = nullptr;
    ActorRef m_sessionSupervisor;
    SessionProvider m_sessionProvider;
    HttpHandler m_httpHandler;
    QByteArray m_secret;
    QHash<QString, std::pair<QByteArray, Endpoint>> m_endpoints;
    std::vector<std::chrono::steady_clock::time_point> m_supervisorRestarts; // within the period
    std::vector<WaitingSession> m_waitingForSupervisor;
    QThreadPool *m_renderPool = nullptr; // not a child: a render stuck in Python must not block ~QObject
    struct RenderReturn;
    std::shared_ptr<RenderReturn> m_renderReturn; // how render threads reach this object while it lives
    QString m_unavailable;
    bool m_shuttingDown = false;
    bool m_shutdownDone = false;
};

} // namespace LiveActor
