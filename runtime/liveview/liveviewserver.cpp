#include "liveview/liveviewserver.h"

#include "core/supervisor.h"
#include "liveview/httprequest.h"
#include "liveview/logging.h"
#include "liveview/secretstore.h"
#include "liveview/serverstate_p.h"
#include "liveview/sessionactor.h"
#include "liveview/viewactor.h"
#include "liveview/websocketconnection_p.h"
#include "template/escaping.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono;

static void initLiveViewResources()
{
    Q_INIT_RESOURCE(liveview_assets);
}

namespace LiveActor {

// ---- helpers shared with the actors (serverstate_p.h)

QString newContainerId()
{
    return u"phx-"_s + QString::fromLatin1(TokenSigner::randomToken(12));
}

QByteArray spliceMembers(const QByteArray &object, const QByteArray &members)
{
    if (members.isEmpty())
        return object;
    if (object.trimmed() == "{}")
        return '{' + members + '}';
    return '{' + members + ',' + object.mid(1);
}

QJsonObject mergedParams(const QUrl &url, const QJsonObject &pathParams)
{
    QJsonObject params;
    const QUrlQuery query(url);
    for (const auto &item : query.queryItems(QUrl::FullyDecoded))
        params.insert(item.first, item.second);
    for (auto it = pathParams.begin(); it != pathParams.end(); ++it)
        params.insert(it.key(), it.value());
    return params;
}

namespace {

struct Asset
{
    QByteArray body;
    QByteArray contentType;
    QByteArray etag;
};

/// The client assets compiled into the library (see runtime/liveview/CMakeLists.txt).
const QHash<QString, Asset> &assets()
{
    static const QHash<QString, Asset> table = [] {
        initLiveViewResources();
        QHash<QString, Asset> t;
        const std::pair<const char *, const char *> files[] = {
            {"phoenix.min.js", "text/javascript; charset=utf-8"},
            {"phoenix_live_view.min.js", "text/javascript; charset=utf-8"},
            {"app.js", "text/javascript; charset=utf-8"},
            {"app.css", "text/css; charset=utf-8"},
        };
        for (const auto &[name, type] : files) {
            QFile f(u":/liveactor/assets/"_s + QLatin1StringView(name));
            if (!f.open(QIODevice::ReadOnly)) {
                qCCritical(lcHttp) << "missing compiled-in asset" << name;
                continue;
            }
            Asset a{f.readAll(), type, {}};
            a.etag = QCryptographicHash::hash(a.body, QCryptographicHash::Sha256).toHex().left(20);
            t.insert(QLatin1StringView(name), a);
        }
        return t;
    }();
    return table;
}

QByteArray htmlEscape(const QString &s)
{
    QByteArray out;
    appendHtmlEscaped(out, s);
    return out;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    }
    return "Status";
}

void writeResponse(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body,
                   const QList<std::pair<QByteArray, QByteArray>> &headers, bool keepAlive, bool headOnly = false)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "X-Content-Type-Options: nosniff\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    if (!headOnly)
        out += body;
    socket->write(out);
    if (!keepAlive)
        socket->disconnectFromHost();
}

QByteArray errorPage(int status, const QString &message)
{
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + QByteArray::number(status) + ' ' + reasonPhrase(status) + "</title></head><body><h1>"
        + QByteArray::number(status) + ' ' + reasonPhrase(status) + "</h1><p>" + htmlEscape(message)
        + "</p></body></html>";
}

/// The ViewContext of a dead render (HTTP GET): no socket yet.
class DeadViewContext : public ViewContext
{
public:
    DeadViewContext(QString topic, QUrl url) : m_topic(std::move(topic)), m_url(std::move(url)) { }
    QString viewId() const override { return {}; }
    QString topic() const override { return m_topic; }
    QUrl url() const override { return m_url; }
    bool isConnected() const override { return false; }
    void pushEvent(const QString &, const QJsonValue &) override { }
    void pushPatch(const QString &to, bool) override { m_patch = to; }
    void pushNavigate(const QString &to, bool) override { m_redirect = to; }
    void redirect(const QString &to) override { m_redirect = to; }
    void setTitle(const QString &title) override { m_title = title; }
    Result<void> subscribe(const QString &topic) override
    {
        if (topic.isEmpty())
            return fail(ErrorCode::InvalidArgument, u"empty pub/sub topic"_s);
        return {};
    }
    void unsubscribe(const QString &) override { }
    int broadcast(const QString &, const QVariant &) override { return 0; }
    quint64 sendAfter(milliseconds, const ViewInfo &) override { return 0; }
    bool cancelTimer(quint64) override { return false; }

    QString m_topic;
    QUrl m_url;
    QString m_title;
    QString m_redirect;
    QString m_patch;
};

} // namespace

// ---- LiveViewServer

LiveViewServer::LiveViewServer(ServerConfig config, ActorSystem &system, QObject *parent)
    : QObject(parent), m_state(std::make_shared<ServerState>()), m_system(system)
{
    m_state->config = std::move(config);
    m_state->system = &system;
}

LiveViewServer::~LiveViewServer()
{
    if (!m_shutdownDone && m_tcp)
        shutdown(milliseconds(2000));
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
    m_state->signer = std::make_unique<TokenSigner>(*secret);
    if (assets().size() != 4)
        return fail(ErrorCode::Internal, u"client assets are missing from the build"_s);

    SpawnOptions supervisorOptions;
    supervisorOptions.kind = u"supervisor"_s;
    supervisorOptions.name = u"session-supervisor"_s;
    m_sessionSupervisor = m_system.spawn<Supervisor>(
        std::move(supervisorOptions),
        SupervisorFlags{RestartStrategy::OneForOne, 0, milliseconds(5000)}, std::vector<ChildSpec>{});
    if (m_sessionSupervisor.isNull())
        return fail(ErrorCode::Closed, u"the actor system is shutting down"_s);

    m_tcp = new QTcpServer(this);
    m_tcp->setMaxPendingConnections(1024);
    connect(m_tcp, &QTcpServer::newConnection, this, &LiveViewServer::onNewConnection);
    if (!m_tcp->listen(m_state->config.host, m_state->config.port))
        return fail(ErrorCode::Io, u"cannot listen on %1:%2: %3"_s.arg(m_state->config.host.toString())
                                       .arg(m_state->config.port).arg(m_tcp->errorString()));
    qCInfo(lcLiveView).noquote() << "listening on" << baseUrl() << "routes:" << m_state->router.patterns().join(u", ");
    return {};
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
    s.viewCrashes = c.viewCrashes;
    s.sessionsReaped = c.sessionsReaped;
    s.healthKills = c.healthKills;
    s.pubsubDropped = m_state->pubsub.dropped();
    s.openSockets = c.openSockets;
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
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { handleHttp(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(this, &QObject::destroyed, socket, &QObject::deleteLater);
    }
}

void LiveViewServer::handleHttp(QTcpSocket *socket)
{
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
            const int status = e.code == ErrorCode::Full ? (e.message.contains(u"body") ? 413 : 431)
                             : e.code == ErrorCode::NotSupported ? 501 : 400;
            qCInfo(lcHttp).noquote() << socket->peerAddress().toString() << "bad request:" << e.message;
            socket->readAll();
            writeResponse(socket, status, "text/html; charset=utf-8", errorPage(status, e.message), {}, false);
            return;
        }
        if (!*parsed)
            return; // incomplete
        const HttpRequest &request = **parsed;
        m_state->counters.httpRequests.fetch_add(1);
        if (request.isWebSocketUpgrade() && request.path == u"/live/websocket") {
            socket->read(consumed);
            QByteArray status, why;
            if (!upgrade(socket, request, &status, &why)) {
                m_state->counters.connectionsRejected.fetch_add(1);
                qCInfo(lcHttp).noquote() << socket->peerAddress().toString() << "upgrade refused:" << why;
                QList<std::pair<QByteArray, QByteArray>> extra;
                if (status == "426")
                    extra.append(std::pair<QByteArray, QByteArray>("Sec-WebSocket-Version", "13"));
                writeResponse(socket, status.toInt(), "text/plain; charset=utf-8", why + '\n', extra, false);
            }
            return;
        }
        socket->read(consumed);
        respond(socket, request);
        if (!request.keepAlive())
            return;
    }
}

bool LiveViewServer::upgrade(QTcpSocket *socket, const HttpRequest &request, QByteArray *status, QByteArray *why)
{
    const ServerConfig &c = m_state->config;
    if (request.query.queryItemValue(u"vsn"_s) != u"2.0.0") {
        *status = "403";
        *why = "unsupported vsn (only 2.0.0)";
        return false;
    }
    const QByteArray origin = request.header("origin");
    if (!origin.isEmpty() && !c.allowedOrigins.contains(u"*"_s)) {
        const QString o = QString::fromUtf8(origin);
        const bool allowed = c.allowedOrigins.isEmpty()
            ? o == u"http://"_s + QString::fromUtf8(request.header("host"))
            : c.allowedOrigins.contains(o);
        if (!allowed) {
            *status = "403";
            *why = "origin not allowed: " + origin;
            return false;
        }
    }
    if (m_shuttingDown) {
        *status = "503";
        *why = "shutting down";
        return false;
    }
    if (m_state->counters.openSockets.load() >= c.maxConnections) {
        *status = "503";
        *why = "too many connections";
        return false;
    }
    const QByteArray key = request.header("sec-websocket-key").trimmed();
    if (request.header("sec-websocket-version").trimmed() != "13") {
        *status = "426";
        *why = "unsupported WebSocket version (only 13)";
        return false;
    }
    if (QByteArray::fromBase64(key).size() != 16) {
        *status = "400";
        *why = "missing or malformed Sec-WebSocket-Key";
        return false;
    }
    socket->flush(); // an earlier response on this keep-alive connection must not be lost
    if (socket->bytesToWrite() > 0) {
        *status = "503";
        *why = "the previous response on this connection is still being sent";
        return false;
    }
    if (socket->bytesAvailable() > 0) { // a client must wait for our 101 before it sends frames
        *status = "400";
        *why = "data after the upgrade request";
        return false;
    }
    const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        *status = "503";
        *why = "cannot take the connection: " + QByteArray(std::strerror(errno));
        return false;
    }
    const QByteArray response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Accept: " + webSocketAccept(key) + "\r\n\r\n";
    const QString peer = socket->peerAddress().toString() + u':' + QString::number(socket->peerPort());
    // The QTcpSocket lets go of its descriptor; the connection lives on through the duplicate.
    disconnect(socket, nullptr, this, nullptr);
    socket->abort();
    socket->deleteLater();
    // An empty socket's send buffer always takes ~130 bytes; anything else means the peer is gone.
    if (::send(fd, response.constData(), size_t(response.size()), MSG_NOSIGNAL | MSG_DONTWAIT) != response.size()) {
        ::close(fd);
        return true; // nothing left to answer on
    }
    // Every frame is a complete message the client waits for: do not let Nagle hold a reply back
    // until the previous one is acknowledged (with delayed ACKs that is a wait for the client's
    // next frame).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_state->counters.connectionsAccepted.fetch_add(1);
    startSession(fd, peer);
    return true;
}

void LiveViewServer::startSession(int fd, const QString &peer)
{
    auto *connection = new WebSocketConnection(fd, peer, m_state);
    const int ex = m_system.pickExecutor(Placement::LeastLoaded);
    connection->moveToThread(m_system.executor(ex).thread());
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
    Supervisor::startChild(m_sessionSupervisor, std::move(spec), this, [guard](Result<ActorRef> r) {
        if (!r) {
            qCWarning(lcLiveView) << "cannot start a session:" << r.error().toString();
            if (guard)
                QMetaObject::invokeMethod(guard.data(), [c = guard.data()] {
                    c->close(CloseCode::GoingAway, u"unavailable");
                    c->deleteWhenClosed();
                });
        }
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

void LiveViewServer::respond(QTcpSocket *socket, const HttpRequest &request)
{
    const bool keepAlive = request.keepAlive() && !m_shuttingDown;
    const bool head = request.method == "HEAD";
    if (request.method != "GET" && !head) {
        writeResponse(socket, 405, "text/html; charset=utf-8", errorPage(405, u"only GET and HEAD"_s),
                      {{"Allow", "GET, HEAD"}}, keepAlive);
        return;
    }
    if (request.path.startsWith(u"/assets/")) {
        const auto &table = assets();
        auto it = table.find(request.path.mid(8));
        if (it == table.end()) {
            writeResponse(socket, 404, "text/html; charset=utf-8", errorPage(404, u"no such asset"_s), {}, keepAlive, head);
            return;
        }
        const QByteArray etag = '"' + it->etag + '"';
        QList<std::pair<QByteArray, QByteArray>> headers{
            {"ETag", etag}, {"Cache-Control", "public, max-age=31536000, immutable"}};
        if (request.header("if-none-match") == etag) {
            writeResponse(socket, 304, {}, {}, headers, keepAlive, true);
            return;
        }
        writeResponse(socket, 200, it->contentType, it->body, headers, keepAlive, head);
        return;
    }
    if (request.path == u"/favicon.ico") {
        writeResponse(socket, 204, {}, {}, {{"Cache-Control", "public, max-age=86400"}}, keepAlive, true);
        return;
    }
    if (request.path == u"/health") {
        writeResponse(socket, 200, "text/plain; charset=utf-8", "ok\n", {{"Cache-Control", "no-store"}}, keepAlive, head);
        return;
    }
    if (auto it = m_endpoints.constFind(request.path); it != m_endpoints.cend()) {
        writeResponse(socket, 200, it->first, it->second(), {{"Cache-Control", "no-store"}}, keepAlive, head);
        return;
    }
    int status = 200;
    QByteArray location;
    const QByteArray body = page(request, &status, &location);
    QList<std::pair<QByteArray, QByteArray>> headers{{"Cache-Control", "no-store"}};
    if (!location.isEmpty())
        headers.append({"Location", location});
    writeResponse(socket, status, "text/html; charset=utf-8", body, headers, keepAlive, head);
}

QByteArray LiveViewServer::page(const HttpRequest &request, int *status, QByteArray *location)
{
    auto route = m_state->router.match(request.path);
    if (!route) {
        *status = 404;
        return errorPage(404, u"No page at "_s + request.path);
    }
    const QString id = newContainerId();
    QUrl url;
    url.setScheme(u"http"_s);
    url.setAuthority(QString::fromUtf8(request.header("host")));
    url.setPath(request.path);
    url.setQuery(request.query);
    const QJsonObject session = m_sessionProvider ? m_sessionProvider(request) : QJsonObject();
    auto internalError = [&](const Error &e) {
        qCWarning(lcHttp).noquote() << "dead render of" << request.path << "failed:" << e.toString();
        *status = 500;
        return errorPage(500, u"The page could not be rendered."_s);
    };

    auto handler = route->factory();
    if (!handler)
        return internalError(handler.error());
    DeadViewContext ctx(u"lv:"_s + id, url);
    const QJsonObject params = mergedParams(url, route->params);
    if (auto r = (*handler)->mount(params, session, ctx); !r)
        return internalError(r.error());
    if (ctx.m_redirect.isEmpty()) {
        if (auto r = (*handler)->handleParams(params, url, ctx); !r)
            return internalError(r.error());
    }
    if (!ctx.m_redirect.isEmpty() || !ctx.m_patch.isEmpty()) {
        *status = 302;
        *location = (ctx.m_redirect.isEmpty() ? ctx.m_patch : ctx.m_redirect).toUtf8();
        return {};
    }
    const Template tpl = (*handler)->viewTemplate();
    if (tpl.isNull())
        return internalError(Error{ErrorCode::InvalidArgument, u"the view has no template after mount"_s});
    auto assigns = (*handler)->assigns();
    if (!assigns)
        return internalError(assigns.error());
    auto html = tpl.renderHtml(TemplateContext(*assigns));
    if (!html)
        return internalError(Error{ErrorCode::Crashed, html.error().toString()});

    const QByteArray csrf = TokenSigner::randomToken(24);
    const QByteArray token = m_state->signer->sign(QJsonObject{
        {u"id"_s, id}, {u"csrf"_s, QString::fromLatin1(csrf)}, {u"view"_s, route->pattern}, {u"s"_s, session}});
    const QString title = ctx.m_title.isEmpty() ? m_state->config.defaultTitle : ctx.m_title;
    const auto &a = assets();
    auto src = [&](const char *name) -> QByteArray {
        return "/assets/" + QByteArray(name) + "?vsn=" + a.value(QLatin1StringView(name)).etag.left(12);
    };
    QByteArray out;
    out.reserve(html->size() + 1024);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"csrf-token\" content=\"" + csrf + "\">\n"
           "<title>" + htmlEscape(title) + "</title>\n"
           "<link rel=\"stylesheet\" href=\"" + src("app.css") + "\">\n"
           "<script defer src=\"" + src("phoenix.min.js") + "\"></script>\n"
           "<script defer src=\"" + src("phoenix_live_view.min.js") + "\"></script>\n"
           "<script defer src=\"" + src("app.js") + "\"></script>\n"
           "</head>\n<body>\n"
           "<div id=\"" + id.toUtf8() + "\" data-phx-main data-phx-session=\"" + token + "\" data-phx-static=\"\">";
    out += *html;
    out += "</div>\n</body>\n</html>\n";
    return out;
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
    m_shutdownDone = true;
    qCInfo(lcLiveView) << "server stopped" << (ok ? "cleanly" : "after the timeout");
    return ok && m_state->counters.openSockets.load() == 0;
}

PubSub &LiveViewServer::pubsub() const
{
    return m_state->pubsub;
}

} // namespace LiveActor
