#include "liveview/liveviewserver.h"

#include "core/supervisor.h"
#include "liveview/clientassets.h"
#include "liveview/deadrender.h"
#include "liveview/httprequest.h"
#include "liveview/logging.h"
#include "liveview/pageshell.h"
#include "liveview/secretstore.h"
#include "liveview/serverstate_p.h"
#include "liveview/sessionactor.h"
#include "liveview/viewactorbase.h"
#include "liveview/websocketconnection_p.h"
#include "liveview/websockethandshake.h"

#include <QDir>
#include <QEventLoop>
#include <QMutex>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThreadPool>
#include <QTimer>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono;

namespace LiveActor {

namespace {

/// Closes an upgraded connection no session took (on its executor), telling the client to retry.
void closeUnavailable(WebSocketConnection *connection)
{
    QMetaObject::invokeMethod(connection, [connection] {
        connection->close(CloseCode::GoingAway, u"unavailable");
        connection->deleteWhenClosed();
    });
}

HttpResponse methodNotAllowed()
{
    return HttpResponse::errorPage(405, u"only GET and HEAD"_s, {{"Allow", "GET, HEAD"}});
}

/// Set on a socket while a render thread works on its request: its next request waits.
constexpr char renderingProperty[] = "liveactorRendering";

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

/// The address host:port for bind(); its length, 0 for an address that is neither IPv4 nor IPv6.
/// A dual-stack "any" (QHostAddress::Any) binds as IPv6 "::", which takes IPv4 too.
socklen_t socketAddress(const QHostAddress &host, quint16 port, sockaddr_storage &out)
{
    out = {};
    if (host.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in = reinterpret_cast<sockaddr_in *>(&out);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(host.toIPv4Address());
        return sizeof(sockaddr_in);
    }
    if (host.protocol() == QAbstractSocket::IPv6Protocol || host.protocol() == QAbstractSocket::AnyIPProtocol) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&out);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes
            = host.protocol() == QAbstractSocket::AnyIPProtocol ? Q_IPV6ADDR{} : host.toIPv6Address();
        std::memcpy(&in6->sin6_addr, &bytes, sizeof bytes);
        return sizeof(sockaddr_in6);
    }
    return 0;
}

/// A listening socket on host:port with SO_REUSEADDR and SO_REUSEPORT (ServerConfig::reusePort).
/// QTcpServer::listen() cannot set SO_REUSEPORT, and it must be set before bind(): the socket is
/// made here and handed to QTcpServer::setSocketDescriptor().
Result<int> reusePortSocket(const QHostAddress &host, quint16 port)
{
    sockaddr_storage address;
    const socklen_t length = socketAddress(host, port, address);
    if (length == 0)
        return fail(ErrorCode::InvalidArgument,
                    u"SO_REUSEPORT needs an IPv4 or IPv6 address, not %1"_s.arg(host.toString()));
    const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return fail(ErrorCode::Io, u"socket(): %1"_s.arg(errnoText(errno)));
    const int on = 1;
    // As QTcpServer::listen(): "::" is IPv6 only, QHostAddress::Any takes IPv4 too.
    const int v6only = host.protocol() == QAbstractSocket::IPv6Protocol ? 1 : 0;
    const char *step = nullptr;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0
        || ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
        step = "setsockopt(SO_REUSEPORT)";
    else if (address.ss_family == AF_INET6 && ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0)
        step = "setsockopt(IPV6_V6ONLY)";
    else if (::bind(fd, reinterpret_cast<sockaddr *>(&address), length) != 0)
        step = "bind";
    else if (::listen(fd, SOMAXCONN) != 0)
        step = "listen";
    if (step) {
        const int error = errno;
        ::close(fd);
        QString text = u"%1: %2"_s.arg(QString::fromLatin1(step), errnoText(error));
        if (error == EADDRINUSE)
            text += u" (with --reuse-port every process on this port must set it too, and run as the same user)"_s;
        return fail(ErrorCode::Io, text);
    }
    return fd;
}

} // namespace

/// A render thread posts its response through this while the server lives (the destructor
/// clears it under the lock, so a late render finds nobody instead of a dangling pointer).
struct LiveViewServer::RenderReturn
{
    QMutex lock;
    LiveViewServer *server = nullptr;
};

// ---- LiveViewServer

LiveViewServer::LiveViewServer(ServerConfig config, ActorSystem &system, QObject *parent)
    : QObject(parent), m_state(std::make_shared<ServerState>()), m_system(system),
      m_renderPool(new QThreadPool), m_renderReturn(std::make_shared<RenderReturn>())
{
    m_state->config = std::move(config);
    m_state->system = &system;
    m_renderPool->setMaxThreadCount(std::max(1, m_state->config.renderThreads));
    m_renderPool->setObjectName(u"render"_s);
    m_renderReturn->server = this;
    registerPageTags(); // layouts load them; views' templates may too
}

LiveViewServer::~LiveViewServer()
{
    if (!m_shutdownDone && m_tcp)
        shutdown(milliseconds(2000));
    {
        QMutexLocker locker(&m_renderReturn->lock);
        m_renderReturn->server = nullptr;
    }
    if (m_renderPool->waitForDone(2000))
        delete m_renderPool;
    else // a render stuck in a handler: left to finish on its own (its answer goes nowhere)
        qCWarning(lcHttp) << "a page render is still running; its thread is left behind";
}

Result<void> LiveViewServer::addRoute(const QString &pattern, ViewFactory factory)
{
    return m_state->router.addRoute(pattern, std::move(factory));
}

void LiveViewServer::addEndpoint(const QString &path, const QByteArray &contentType, Endpoint handler)
{
    m_endpoints.insert(path, {contentType, std::move(handler)});
}

void LiveViewServer::setSessionProvider(SessionProvider provider)
{
    m_sessionProvider = std::move(provider);
}

void LiveViewServer::setHttpHandler(HttpHandler handler)
{
    m_httpHandler = std::move(handler);
}

void LiveViewServer::setChildViewResolver(ChildViewResolver resolver)
{
    m_state->childViews = std::move(resolver);
}

void LiveViewServer::setViewStateStore(std::shared_ptr<ViewStateStore> store)
{
    m_state->viewStates = std::move(store);
}

const ServerConfig &LiveViewServer::config() const
{
    return m_state->config;
}

Result<void> LiveViewServer::listen()
{
    if (m_tcp)
        return fail(ErrorCode::InvalidArgument, u"already listening"_s);
    auto secret = SecretStore::resolve(m_state->config.secret, m_state->config.stateDir);
    if (!secret)
        return fail(secret.error());
    m_secret = *secret;
    m_state->signer = std::make_unique<TokenSigner>(*secret);
    m_state->flashSigner = std::make_unique<TokenSigner>(m_state->signer->derived("flash"));
    m_state->uploadSigner = std::make_unique<UploadTokenSigner>(*m_state->signer, m_state->config.uploadTokenMaxAge);
    m_state->uploadBudget = std::make_unique<UploadBudget>(m_state->config.maxUploadBytesInFlight);
    m_state->uploadDir = m_state->config.uploadDir.isEmpty() ? QDir(m_state->config.stateDir).filePath(u"uploads"_s)
                                                             : m_state->config.uploadDir;
    // A previous process killed mid-upload left its partial files: nothing can resume them.
    if (const int removed = removeLeftoverUploads(m_state->uploadDir))
        qCInfo(lcLiveView) << "removed" << removed << "leftover upload files from" << m_state->uploadDir;
    m_state->staticFiles = std::make_unique<StaticFiles>(m_state->config.staticDir, m_state->config.maxStaticFileBytes);
    if (m_state->staticFiles->isEnabled())
        qCInfo(lcLiveView).noquote() << "static files from" << m_state->staticFiles->root() << "at /static/";
    if (!clientAssetsComplete())
        return fail(ErrorCode::Internal, u"client assets are missing from the build"_s);

    if (auto spawned = spawnSessionSupervisor(); !spawned)
        return spawned;

    m_tcp = new QTcpServer(this);
    m_tcp->setMaxPendingConnections(1024);
    connect(m_tcp, &QTcpServer::newConnection, this, &LiveViewServer::onNewConnection);
    if (auto listening = listenSocket(); !listening)
        return fail(ErrorCode::Io,
                    u"cannot listen on %1:%2: %3"_s.arg(m_state->config.host.toString())
                        .arg(m_state->config.port)
                        .arg(listening.error().message));
    qCInfo(lcLiveView).noquote() << "listening on" << baseUrl() << "routes:" << m_state->router.patterns().join(u", ");
    return {};
}

Result<void> LiveViewServer::listenSocket()
{
    const ServerConfig &config = m_state->config;
    if (!config.reusePort) {
        if (m_tcp->listen(config.host, config.port))
            return {};
        QString text = m_tcp->errorString();
        if (m_tcp->serverError() == QAbstractSocket::AddressInUseError)
            text += u" (another process listens there; several instances can share a port with --reuse-port)"_s;
        return fail(ErrorCode::Io, text);
    }
    auto fd = reusePortSocket(config.host, config.port);
    if (!fd)
        return fail(fd.error());
    if (!m_tcp->setSocketDescriptor(*fd)) {
        ::close(*fd);
        return fail(ErrorCode::Io, m_tcp->errorString());
    }
    return {};
}

Result<void> LiveViewServer::spawnSessionSupervisor()
{
    SpawnOptions options;
    options.kind = u"supervisor"_s;
    options.name = u"session-supervisor"_s;
    const ActorRef supervisor = m_system.spawn<Supervisor>(
        std::move(options), SupervisorFlags{RestartStrategy::OneForOne, 0, milliseconds(5000)}, std::vector<ChildSpec>{});
    if (supervisor.isNull())
        return fail(ErrorCode::Closed, u"the actor system is shutting down"_s);
    m_sessionSupervisor = supervisor;
    // It has no parent to restart it: the server is its parent (sessionSupervisorExited).
    m_system.watch(supervisor, this, [this, supervisor](ExitReason reason) { sessionSupervisorExited(supervisor, reason); });
    return {};
}

void LiveViewServer::sessionSupervisorExited(const ActorRef &ref, const ExitReason &reason)
{
    if (!(ref == m_sessionSupervisor))
        return;
    m_sessionSupervisor = {};
    if (m_shuttingDown || m_system.isShuttingDown()) // shutdown() stopped it, or the system is stopping
        return becomeUnavailable(u"shutting down"_s);
    const auto now = steady_clock::now();
    std::erase_if(m_supervisorRestarts, [&](auto at) { return now - at >= kSupervisorRestartPeriod; });
    if (int(m_supervisorRestarts.size()) >= kSupervisorRestarts)
        return becomeUnavailable(u"the session supervisor exited (%1) after %2 restarts within %3 ms: "
                                 "reached its restart intensity"_s
                                     .arg(reason.toString()).arg(kSupervisorRestarts)
                                     .arg(kSupervisorRestartPeriod.count()));
    m_supervisorRestarts.push_back(now);
    if (auto spawned = spawnSessionSupervisor(); !spawned)
        return becomeUnavailable(spawned.error().message);
    qCWarning(lcLiveView).noquote() << u"the session supervisor exited (%1): its sessions ended; restarted it"_s
                                           .arg(reason.toString());
    for (WaitingSession &waiting : std::exchange(m_waitingForSupervisor, {}))
        if (waiting.connection)
            superviseSession(waiting.connection.data(), waiting.executor, waiting.peer);
}

void LiveViewServer::becomeUnavailable(const QString &why)
{
    if (m_unavailable.isEmpty() && !m_shuttingDown) {
        m_unavailable = why;
        qCCritical(lcLiveView).noquote() << "no new sessions:" << why;
    }
    for (WaitingSession &waiting : std::exchange(m_waitingForSupervisor, {}))
        if (waiting.connection)
            closeUnavailable(waiting.connection.data());
}

QString LiveViewServer::unavailableReason() const
{
    return m_shuttingDown ? u"shutting down"_s : m_unavailable;
}

quint16 LiveViewServer::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QString LiveViewServer::baseUrl() const
{
    const QHostAddress a = m_tcp ? m_tcp->serverAddress() : m_state->config.host;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + a.toString() + u']' : a.toString();
    return u"http://%1:%2"_s.arg(host).arg(port());
}

bool LiveViewServer::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

ServerStats LiveViewServer::stats() const
{
    const ServerCounters &c = m_state->counters;
    ServerStats s;
    s.httpRequests = c.httpRequests;
    s.connectionsAccepted = c.connectionsAccepted;
    s.connectionsRejected = c.connectionsRejected;
    s.activeSessions = c.activeSessions;
    s.activeViews = c.activeViews;
    s.joins = c.joins;
    s.events = c.events;
    s.overloaded = c.overloaded;
    s.malformedFrames = c.malformedFrames;
    s.slowClientsDropped = c.slowClientsDropped;
    s.unjoinedDropped = c.unjoinedDropped;
    s.unjoinedBytes = c.unjoinedBytes;
    s.viewCrashes = c.viewCrashes;
    s.sessionsReaped = c.sessionsReaped;
    s.healthKills = c.healthKills;
    s.pubsubDropped = m_state->pubsub.dropped();
    s.pageRendersPending = c.pageRendersPending;
    s.pageRendersRefused = c.pageRendersRefused;
    s.openSockets = c.openSockets;
    s.eventDurations = c.eventDurations.snapshot();
    s.uploads.inFlight = m_state->uploadBudget ? m_state->uploadBudget->entries() : 0;
    s.uploads.bytesInFlight = m_state->uploadBudget ? m_state->uploadBudget->inFlight() : 0;
    s.uploads.bytesBudget = m_state->config.maxUploadBytesInFlight;
    s.uploads.bytesReceived = c.uploadBytesReceived;
    s.uploads.completed = c.uploadsCompleted;
    for (size_t i = 0; i < s.uploads.errors.size(); ++i)
        s.uploads.errors[i] = c.uploadErrors[i];
    return s;
}

void LiveViewServer::onNewConnection()
{
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        if (m_shuttingDown) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *idle = new QTimer(socket);
        idle->setSingleShot(true);
        idle->setObjectName(u"httpIdle"_s);
        connect(idle, &QTimer::timeout, socket, [socket] { socket->disconnectFromHost(); });
        idle->start(m_state->config.httpIdleTimeout);
        auto *deadline = new QTimer(socket); // started by the first byte of a request
        deadline->setSingleShot(true);
        deadline->setObjectName(u"httpRequestDeadline"_s);
        connect(deadline, &QTimer::timeout, socket, [socket] {
            qCInfo(lcHttp).noquote() << socket->peerAddress().toString() << "request not complete in time";
            socket->readAll();
            HttpResponse::errorPage(408, u"The request was not complete in time."_s).write(socket, false);
        });
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { handleHttp(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(this, &QObject::destroyed, socket, &QObject::deleteLater);
    }
}

void LiveViewServer::handleHttp(QTcpSocket *socket)
{
    if (socket->property(renderingProperty).toBool())
        return; // rendered() reads on once the response is written
    if (auto *idle = socket->findChild<QTimer *>(u"httpIdle"_s))
        idle->start(m_state->config.httpIdleTimeout);
    while (socket->bytesAvailable() > 0 && socket->state() == QAbstractSocket::ConnectedState) {
        // Peek, don't read: a request is consumed only once it is complete.
        const QByteArray buffered = socket->peek(socket->bytesAvailable());
        qsizetype consumed = 0;
        auto parsed = HttpRequest::parse(buffered, &consumed, m_state->config.maxHeadBytes,
                                         m_state->config.maxBodyBytes);
        if (!parsed) {
            const Error &e = parsed.error();
            const int status = HttpRequest::errorStatus(e);
            qCInfo(lcHttp).noquote() << socket->peerAddress().toString() << "bad request:" << e.message;
            socket->readAll();
            HttpResponse::errorPage(status, e.message).write(socket, false);
            return;
        }
        auto *deadline = socket->findChild<QTimer *>(u"httpRequestDeadline"_s);
        if (!*parsed) { // incomplete: the rest must come before the deadline
            if (deadline && !deadline->isActive())
                deadline->start(m_state->config.requestTimeout);
            return;
        }
        if (deadline)
            deadline->stop();
        const HttpRequest &request = **parsed;
        m_state->counters.httpRequests.fetch_add(1);
        if (request.isWebSocketUpgrade() && request.path == u"/live/websocket") {
            socket->read(consumed);
            if (auto refused = upgrade(socket, request)) {
                m_state->counters.connectionsRejected.fetch_add(1);
                qCInfo(lcHttp).noquote() << socket->peerAddress().toString() << "upgrade refused:" << refused->why;
                refused->response().write(socket, false);
            }
            return;
        }
        socket->read(consumed);
        if (!respond(socket, request) || !request.keepAlive())
            return;
    }
}

std::optional<HandshakeRefusal> LiveViewServer::upgrade(QTcpSocket *socket, const HttpRequest &request)
{
    const ServerConfig &c = m_state->config;
    auto response = acceptWebSocket(request, {c.allowedOrigins, c.publicOrigin, m_shuttingDown,
                                              m_state->counters.openSockets.load(), c.maxConnections,
                                              m_state->peers.count(socket->peerAddress().toString()),
                                              c.maxConnectionsPerIp});
    if (!response)
        return response.error();
    if (!m_unavailable.isEmpty()) // not a 101 followed by a close
        return HandshakeRefusal{503, "unavailable: " + m_unavailable.toUtf8()};
    socket->flush(); // an earlier response on this keep-alive connection must not be lost
    if (socket->bytesToWrite() > 0)
        return HandshakeRefusal{503, "the previous response on this connection is still being sent"};
    if (socket->bytesAvailable() > 0) // a client must wait for our 101 before it sends frames
        return HandshakeRefusal{400, "data after the upgrade request"};
    const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return HandshakeRefusal{503, "cannot take the connection: " + QByteArray(std::strerror(errno))};
    const QString peer = socket->peerAddress().toString() + u':' + QString::number(socket->peerPort());
    // The QTcpSocket lets go of its descriptor; the connection lives on through the duplicate.
    disconnect(socket, nullptr, this, nullptr);
    socket->abort();
    socket->deleteLater();
    // An empty socket's send buffer always takes ~130 bytes; anything else means the peer is gone.
    if (::send(fd, response->constData(), size_t(response->size()), MSG_NOSIGNAL | MSG_DONTWAIT) != response->size()) {
        ::close(fd);
        return std::nullopt; // nothing left to answer on
    }
    // Every frame is a complete message the client waits for: do not let Nagle hold a reply back
    // until the previous one is acknowledged (with delayed ACKs that is a wait for the client's
    // next frame).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_state->counters.connectionsAccepted.fetch_add(1);
    startSession(fd, peer);
    return std::nullopt;
}

void LiveViewServer::startSession(int fd, const QString &peer)
{
    auto *connection = new WebSocketConnection(fd, peer, m_state);
    const int ex = m_system.pickExecutor(Placement::LeastLoaded);
    connection->moveToThread(m_system.executor(ex).thread());
    superviseSession(connection, ex, peer);
}

void LiveViewServer::superviseSession(WebSocketConnection *connection, int ex, const QString &peer)
{
    ChildSpec spec;
    spec.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    spec.restart = RestartType::Temporary;
    spec.shutdownTimeout = milliseconds(5000);
    spec.options.kind = u"session"_s;
    spec.options.name = peer;
    spec.options.capacity = m_state->config.sessionMailbox;
    spec.options.executor = ex;
    spec.options.detail = {{u"peer"_s, peer}};
    auto state = m_state;
    spec.start = [state, connection, peer]() -> std::unique_ptr<Actor> {
        return std::make_unique<SessionActor>(state, connection, peer);
    };
    QPointer<WebSocketConnection> guard(connection);
    const ActorRef supervisor = m_sessionSupervisor;
    Supervisor::startChild(supervisor, std::move(spec), this, [this, guard, ex, peer, supervisor](Result<ActorRef> r) {
        if (r || !guard)
            return;
        // The supervisor died before it took the session (killed, say): the next one takes it.
        if (r.error().code == ErrorCode::Closed && unavailableReason().isEmpty()
            && m_system.resolve(supervisor.id()).isNull()) {
            qCInfo(lcLiveView).noquote() << "session" << peer << "waits for the restarted session supervisor";
            if (m_sessionSupervisor == supervisor) // its exit is on the way: the restart takes it
                m_waitingForSupervisor.push_back(WaitingSession{guard, ex, peer});
            else
                superviseSession(guard.data(), ex, peer);
            return;
        }
        qCWarning(lcLiveView) << "cannot start a session:" << r.error().toString();
        closeUnavailable(guard.data());
    });
}

void LiveViewServer::inspectAssigns(const QUuid &id, int maxBytes, std::function<void(Result<QString>)> done)
{
    const auto info = m_system.registry().find(id);
    if (!info || info->state != ActorState::Running)
        return done(fail(ErrorCode::NotFound, u"no running actor "_s + id.toString(QUuid::WithoutBraces)));
    if (info->kind != u"view")
        return done(fail(ErrorCode::InvalidArgument, u"only views have assigns (this is a "_s + info->kind + u')'));
    m_system.resolve(id).ask(InspectAssigns{maxBytes}, milliseconds(2000), this,
                             [done = std::move(done)](Result<Message> r) {
                                 if (!r)
                                     return done(fail(r.error()));
                                 if (auto *text = r->as<Result<QString>>())
                                     return done(*text);
                                 done(fail(ErrorCode::Internal, u"unexpected reply to InspectAssigns"_s));
                             });
}

void LiveViewServer::reportDevError(const QString &title, const QString &detail)
{
    if (!m_state->config.debugErrors)
        return;
    m_state->devError.set(DevErrorBox::DevError{title, detail});
    noticeSessions(u"liveactor:error"_s, devErrorPayload(title, detail));
}

void LiveViewServer::clearDevError()
{
    if (!m_state->config.debugErrors)
        return;
    m_state->devError.set(std::nullopt);
    noticeSessions(u"liveactor:clear"_s, "{}");
}

void LiveViewServer::noticeSessions(const QString &event, const QByteArray &payload)
{
    for (const ActorInfo &actor : m_system.registry().snapshot().actors)
        if (actor.kind == u"session" && actor.state == ActorState::Running)
            m_system.resolve(actor.id).tell(DevNotice{event, payload}); // Full: that page shows it on its next load
}

bool LiveViewServer::respond(QTcpSocket *socket, const HttpRequest &request)
{
    const bool keepAlive = request.keepAlive() && !m_shuttingDown;
    const bool head = request.method == "HEAD";
    if (request.method == "POST" && m_httpHandler) {
        const ServerConfig &c = m_state->config;
        if (!originAllowed(request, c.allowedOrigins, c.publicOrigin)) { // a cross-site form post
            HttpResponse::errorPage(403, u"origin not allowed"_s).write(socket, keepAlive);
            return true;
        }
        return renderLater(socket, keepAlive, false, [handler = m_httpHandler, request] {
            if (std::optional<HttpResponse> response = handler(request))
                return std::move(*response);
            return methodNotAllowed();
        });
    }
    if (request.method != "GET" && !head) {
        methodNotAllowed().write(socket, keepAlive);
        return true;
    }
    if (request.path.startsWith(u"/assets/")) {
        const HttpResponse response = clientAssetResponse(request);
        response.write(socket, keepAlive, head || response.status == 304);
        return true;
    }
    if (request.path.startsWith(u"/static/")) {
        const HttpResponse response = m_state->staticFiles->respond(request);
        response.write(socket, keepAlive, head || response.status == 304);
        return true;
    }
    if (request.path == u"/favicon.ico") {
        HttpResponse{204, {}, {}, {{"Cache-Control", "public, max-age=86400"}}}.write(socket, keepAlive, true);
        return true;
    }
    if (request.path == u"/health") {
        const QString unavailable = unavailableReason();
        const HttpResponse health = unavailable.isEmpty()
            ? HttpResponse{200, "text/plain; charset=utf-8", "ok\n", {{"Cache-Control", "no-store"}}}
            : HttpResponse{503, "text/plain; charset=utf-8", "unavailable: " + unavailable.toUtf8() + '\n',
                           {{"Cache-Control", "no-store"}}};
        health.write(socket, keepAlive, head);
        return true;
    }
    if (auto it = m_endpoints.constFind(request.path); it != m_endpoints.cend()) {
        HttpResponse{200, it->first, it->second(), {{"Cache-Control", "no-store"}}}.write(socket, keepAlive, head);
        return true;
    }
    return renderLater(socket, keepAlive, head,
                       [handler = m_httpHandler, sessions = m_sessionProvider, state = m_state, request] {
                           if (handler) {
                               if (std::optional<HttpResponse> response = handler(request))
                                   return std::move(*response);
                           }
                           const QJsonObject session = sessions ? sessions(request) : QJsonObject();
                           return renderPage(*state, request, session);
                       });
}

bool LiveViewServer::renderLater(QTcpSocket *socket, bool keepAlive, bool head, std::function<HttpResponse()> job)
{
    ServerCounters &counters = m_state->counters;
    if (counters.pageRendersPending.load() >= m_state->config.maxPendingRenders) {
        counters.pageRendersRefused.fetch_add(1);
        HttpResponse::errorPage(503, u"The server is busy rendering other pages; try again."_s, {{"Retry-After", "1"}})
            .write(socket, keepAlive, head);
        return true;
    }
    counters.pageRendersPending.fetch_add(1);
    socket->setProperty(renderingProperty, true);
    if (auto *idle = socket->findChild<QTimer *>(u"httpIdle"_s))
        idle->stop(); // a slow render is not an idle client
    QPointer<QTcpSocket> guard(socket);
    m_renderPool->start([job = std::move(job), back = m_renderReturn, guard, keepAlive, head] {
        HttpResponse response = job();
        QMutexLocker locker(&back->lock);
        if (LiveViewServer *server = back->server) {
            QMetaObject::invokeMethod(server, [server, guard, response = std::move(response), keepAlive, head] {
                server->rendered(guard.data(), response, keepAlive, head);
            }, Qt::QueuedConnection);
        }
    });
    return false;
}

void LiveViewServer::rendered(QTcpSocket *socket, const HttpResponse &response, bool keepAlive, bool head)
{
    m_state->counters.pageRendersPending.fetch_sub(1);
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return; // the client left meanwhile
    socket->setProperty(renderingProperty, false);
    response.write(socket, keepAlive, head);
    if (!keepAlive)
        return;
    if (auto *idle = socket->findChild<QTimer *>(u"httpIdle"_s))
        idle->start(m_state->config.httpIdleTimeout);
    if (socket->bytesAvailable() > 0) // pipelined behind the rendered one
        handleHttp(socket);
}


bool LiveViewServer::shutdown(milliseconds timeout)
{
    if (m_shutdownDone)
        return true;
    m_shuttingDown = true;
    if (m_tcp)
        m_tcp->close();
    const auto deadline = steady_clock::now() + timeout;
    bool ok = true;
    if (!m_sessionSupervisor.isNull()) {
        QEventLoop loop;
        bool done = false;
        m_system.shutdownActor(m_sessionSupervisor.id(), timeout, this, [&](Result<void>) {
            done = true;
            loop.quit();
        });
        QTimer::singleShot(timeout + milliseconds(200), &loop, &QEventLoop::quit);
        if (!done)
            loop.exec();
        ok = done;
    }
    // Sockets flush their close frames on their executors; give them a moment.
    while (m_state->counters.openSockets.load() > 0 && steady_clock::now() < deadline) {
        QEventLoop wait;
        QTimer::singleShot(20, &wait, &QEventLoop::quit);
        wait.exec();
    }
    // What is still open belongs to a session whose executor is stuck (a handler blocking it):
    // its clients are told 1001 from here, so they reconnect elsewhere instead of waiting for a
    // socket that closes with the process (1006).
    static const QByteArray goingAway = []() -> QByteArray {
        const QByteArray payload = QByteArray("\x03\xe9", 2) + "server shutting down";
        return QByteArray(1, char(0x88)) + char(payload.size()) + payload;
    }();
    if (const int stuck = m_state->descriptors.sayGoodbye(goingAway); stuck > 0) {
        qCWarning(lcLiveView) << "closed" << stuck << "WebSockets whose session did not stop in time (a handler is stuck)";
        ok = false;
    }
    m_shutdownDone = true;
    qCInfo(lcLiveView) << "server stopped" << (ok ? "cleanly" : "after the timeout");
    return ok && m_state->counters.openSockets.load() == 0;
}

PubSub &LiveViewServer::pubsub() const
{
    return m_state->pubsub;
}

} // namespace LiveActor
