#include "telemetry/controlserver.h"

#include "core/actorsystem.h"
#include "telemetry/auditlog.h"
#include "telemetry/commandhandler.h"
#include "telemetry/deltabuilder.h"
#include "telemetry/protoconvert.h"
#include "telemetry/restartjournal.h"
#include "telemetry/tokenstore.h"
#include "telemetry/historyhub.h"
#include "telemetry/tracehub.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <ctime>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcControl, "liveactor.control")

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

namespace {

constexpr int MinIntervalMs = 50;
constexpr int MaxIntervalMs = 10000;
constexpr int AuthTimeoutMs = 10000;

qint64 threadCpuNanos()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

} // namespace

struct ControlServer::Client
{
    quint64 serial = 0;
    QWebSocket *socket = nullptr;
    QString peer;
    QString name;
    pb::Scope scope = pb::SCOPE_NONE;
    bool subscribed = false;
    bool behind = false;
    int intervalMs = 250;
    QTimer *timer = nullptr;
    QTimer *authTimer = nullptr;
    qint64 pendingBytes = 0;
    double tickCostMs = 0; // EWMA of this subscriber's tick cost
    DeltaBuilder::Subscription subscription;
    QString who() const { return (name.isEmpty() ? u"?"_s : name) + u"@"_s + peer; }
};

ControlServer::ControlServer(ActorSystem &system, ControlConfig config, QObject *parent)
    : QObject(parent)
    , m_system(system)
    , m_config(std::move(config))
    , m_instanceId(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_restarts(std::make_unique<RestartJournal>(system.registry(), m_config.restartHistory))
    , m_deltas(std::make_unique<DeltaBuilder>(system.registry(), *m_restarts))
    , m_commands(std::make_unique<CommandHandler>(system, this))
    , m_audit(std::make_unique<AuditLog>(m_config.auditFile && !m_config.stateDir.isEmpty()
                                             ? QDir(m_config.stateDir).filePath(u"audit.log"_s)
                                             : QString()))
    , m_traces(std::make_unique<TraceHub>(system, m_config, [this](quint64 serial, const pb::ServerMessage &msg) {
        if (Client *client = clientBySerial(serial))
            send(client, msg.SerializeAsString());
    }))
    , m_histories(std::make_unique<HistoryHub>(system, m_config, [this](quint64 serial, const pb::ServerMessage &msg) {
        if (Client *client = clientBySerial(serial))
            send(client, msg.SerializeAsString());
    }))
{
    m_commands->setTraceHub(m_traces.get());
    m_commands->setHistoryHub(m_histories.get());
}

ControlServer::~ControlServer()
{
    stop();
}

QString ControlServer::operateTokenFile() const
{
    return m_config.stateDir.isEmpty() ? QString() : QDir(m_config.stateDir).absoluteFilePath(u"control_token"_s);
}

QString ControlServer::readOnlyTokenFile() const
{
    return m_config.stateDir.isEmpty() ? QString()
                                       : QDir(m_config.stateDir).absoluteFilePath(u"control_token_readonly"_s);
}

QString ControlServer::instanceFile() const
{
    return m_config.stateDir.isEmpty() ? QString() : QDir(m_config.stateDir).absoluteFilePath(u"control.json"_s);
}

quint16 ControlServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QUrl ControlServer::url() const
{
    QUrl u;
    u.setScheme(u"ws"_s);
    u.setHost(m_config.host.toString());
    u.setPort(port());
    u.setPath(u"/"_s);
    return u;
}

void ControlServer::setAssignsProvider(AssignsProvider provider)
{
    m_commands->setAssignsProvider(std::move(provider));
}

void ControlServer::setInstanceStatsProvider(InstanceStatsProvider provider)
{
    m_deltas->setInstanceStatsProvider(std::move(provider));
}

QStringList ControlServer::auditLog() const
{
    return m_audit->lines();
}

int ControlServer::clientCount() const
{
    return int(m_clients.size());
}

int ControlServer::traceCount() const
{
    return m_traces->traceCount();
}

int ControlServer::historyCount() const
{
    return m_histories->historyCount();
}

int ControlServer::subscriberCount() const
{
    int n = 0;
    for (const auto &c : m_clients)
        n += c->subscribed ? 1 : 0;
    return n;
}

Result<void> ControlServer::start()
{
    if (m_started)
        return {};
    m_operateToken = m_config.operateToken.isEmpty() ? TokenStore::generate() : m_config.operateToken;
    m_readOnlyToken = m_config.readOnlyToken.isEmpty() ? TokenStore::generate() : m_config.readOnlyToken;
    if (m_operateToken == m_readOnlyToken)
        return fail(ErrorCode::InvalidArgument, u"operate and read-only tokens must differ"_s);

    m_server = new QWebSocketServer(u"liveactor-control"_s, QWebSocketServer::NonSecureMode, this);
    m_server->setMaxPendingConnections(64);
    if (!m_server->listen(m_config.host, m_config.port)) {
        const QString why = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return fail(ErrorCode::Io, u"control plane cannot listen on %1:%2: %3"_s.arg(m_config.host.toString())
                                       .arg(m_config.port).arg(why));
    }
    connect(m_server, &QWebSocketServer::newConnection, this, &ControlServer::onNewConnection);
    m_startTimeMs = QDateTime::currentMSecsSinceEpoch();

    if (!m_config.stateDir.isEmpty()) {
        if (auto r = TokenStore::writePrivateFile(operateTokenFile(), m_operateToken.toUtf8()); !r)
            return r;
        if (auto r = TokenStore::writePrivateFile(readOnlyTokenFile(), m_readOnlyToken.toUtf8()); !r)
            return r;
        QJsonObject info{
            {u"instance_id"_s, m_instanceId},
            {u"name"_s, m_config.instanceName.isEmpty() ? QHostInfo::localHostName() : m_config.instanceName},
            {u"url"_s, url().toString()},
            {u"pid"_s, QCoreApplication::applicationPid()},
            {u"token_file"_s, operateTokenFile()},
            {u"readonly_token_file"_s, readOnlyTokenFile()},
            {u"started_ms"_s, m_startTimeMs},
        };
        if (auto r = TokenStore::writePrivateFile(instanceFile(), QJsonDocument(info).toJson(QJsonDocument::Compact)); !r)
            return r;
    }

    m_restarts->start();

    m_started = true;
    qCInfo(lcControl).noquote() << u"control plane: %1 token: %2 (operate, in %3; read-only token in %4)"_s
                                       .arg(url().toString(), m_operateToken,
                                            operateTokenFile().isEmpty() ? u"config"_s : operateTokenFile(),
                                            readOnlyTokenFile().isEmpty() ? u"config"_s : readOnlyTokenFile());
    return {};
}

void ControlServer::stop()
{
    m_traces->stopAll();
    m_histories->stopAll();
    m_restarts->stop();
    auto clients = std::move(m_clients);
    m_clients.clear();
    for (auto &client : clients) {
        client->socket->disconnect(this);
        client->socket->abort();
        client->socket->deleteLater();
    }
    if (m_server) {
        m_server->close();
        delete m_server;
        m_server = nullptr;
    }
    if (m_started && !instanceFile().isEmpty()) {
        // Only remove the discovery file if it still describes this instance.
        QFile file(instanceFile());
        if (file.open(QIODevice::ReadOnly)) {
            const auto doc = QJsonDocument::fromJson(file.readAll());
            file.close();
            if (doc.object().value(u"instance_id"_s).toString() == m_instanceId)
                QFile::remove(instanceFile());
        }
    }
    m_started = false;
}

ControlServer::Client *ControlServer::clientBySerial(quint64 serial) const
{
    for (const auto &c : m_clients)
        if (c->serial == serial)
            return c.get();
    return nullptr;
}

void ControlServer::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        auto client = std::make_unique<Client>();
        Client *c = client.get();
        c->serial = m_nextSerial++;
        c->socket = socket;
        c->peer = socket->peerAddress().toString() + u":"_s + QString::number(socket->peerPort());
        c->intervalMs = m_config.defaultIntervalMs;
        socket->setParent(this);
        socket->setMaxAllowedIncomingFrameSize(quint64(m_config.maxFrameBytes));
        socket->setMaxAllowedIncomingMessageSize(quint64(m_config.maxFrameBytes));
        m_clients.push_back(std::move(client));
        ++m_stats.connections;

        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, c](const QByteArray &frame) { onBinary(c, frame); });
        connect(socket, &QWebSocket::textMessageReceived, this, [this, c](const QString &) {
            protocolError(c, "protocol", u"text frames are not part of the protocol"_s,
                          QWebSocketProtocol::CloseCodeDatatypeNotSupported);
        });
        connect(socket, &QWebSocket::bytesWritten, this, [c](qint64 n) { c->pendingBytes = qMax<qint64>(0, c->pendingBytes - n); });
        connect(socket, &QWebSocket::disconnected, this, [this, c] { onDisconnected(c); });
        c->authTimer = new QTimer(socket);
        c->authTimer->setSingleShot(true);
        connect(c->authTimer, &QTimer::timeout, this, [this, c] {
            if (c->scope == pb::SCOPE_NONE)
                protocolError(c, "unauthenticated", u"no Auth within 10 s"_s, QWebSocketProtocol::CloseCodePolicyViolated);
        });
        c->authTimer->start(AuthTimeoutMs);

        pb::ServerMessage msg;
        pb::Hello *hello = msg.mutable_hello();
        hello->set_protocol_version(pb::PROTOCOL_VERSION_CURRENT);
        hello->set_instance_id(ProtoConvert::text(m_instanceId));
        hello->set_instance_name(ProtoConvert::text(
            m_config.instanceName.isEmpty() ? QHostInfo::localHostName() + u":"_s + QString::number(port())
                                            : m_config.instanceName));
        hello->set_pid(QCoreApplication::applicationPid());
        hello->set_host(ProtoConvert::text(QHostInfo::localHostName()));
        hello->set_start_time_ms(m_startTimeMs);
        hello->set_build(ProtoConvert::text(m_config.build.isEmpty() ? u"liveactor"_s : m_config.build));
        send(c, msg.SerializeAsString());
    }
}

void ControlServer::onDisconnected(Client *client)
{
    for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
        if (it->get() == client) {
            // The timers (children of the socket) and socket signals capture client: cut them
            // before the Client goes away; the socket itself is deleted later.
            if (client->timer) {
                client->timer->stop();
                client->timer->disconnect(this);
            }
            client->authTimer->stop();
            client->authTimer->disconnect(this);
            client->socket->disconnect(this);
            client->socket->deleteLater();
            m_traces->clientGone(client->serial);
            m_histories->clientGone(client->serial);
            m_clients.erase(it);
            return;
        }
    }
}

void ControlServer::send(Client *client, const std::string &bytes)
{
    const qint64 n = client->socket->sendBinaryMessage(QByteArray::fromRawData(bytes.data(), qsizetype(bytes.size())));
    client->pendingBytes += n;
    m_stats.bytesSent += quint64(n);
}

void ControlServer::protocolError(Client *client, const char *code, const QString &message, int closeCode)
{
    ++m_stats.protocolErrors;
    qCWarning(lcControl).noquote() << u"control client %1: %2: %3"_s.arg(client->who(), QLatin1StringView(code), message);
    pb::ServerMessage msg;
    msg.mutable_error()->set_code(code);
    msg.mutable_error()->set_message(ProtoConvert::text(message));
    send(client, msg.SerializeAsString());
    client->subscribed = false;
    if (client->timer)
        client->timer->stop();
    client->socket->close(QWebSocketProtocol::CloseCode(closeCode), message);
}

void ControlServer::onBinary(Client *client, const QByteArray &frame)
{
    pb::ClientMessage msg;
    if (!msg.ParseFromArray(frame.constData(), int(frame.size())) || msg.body_case() == pb::ClientMessage::BODY_NOT_SET) {
        protocolError(client, "protocol", u"malformed frame (%1 bytes)"_s.arg(frame.size()),
                      QWebSocketProtocol::CloseCodePolicyViolated);
        return;
    }
    if (client->scope == pb::SCOPE_NONE && msg.body_case() != pb::ClientMessage::kAuth) {
        protocolError(client, "unauthenticated", u"authenticate first"_s, QWebSocketProtocol::CloseCodePolicyViolated);
        return;
    }
    switch (msg.body_case()) {
    case pb::ClientMessage::kAuth: handleAuth(client, msg.request_id(), msg.auth()); break;
    case pb::ClientMessage::kSubscribe: handleSubscribe(client, msg.subscribe()); break;
    case pb::ClientMessage::kCommand:
        m_commands->run(client->scope, msg.command(),
                        [this, serial = client->serial, requestId = msg.request_id()](const CommandInfo &command,
                                                                                       pb::CommandResult result) {
                            finishCommand(serial, requestId, command, std::move(result));
                        }, client->serial);
        break;
    default: break;
    }
}

void ControlServer::handleAuth(Client *client, quint64 requestId, const pb::Auth &auth)
{
    const QByteArray given = QByteArray::fromStdString(auth.token());
    client->name = ProtoConvert::qtext(auth.client_name()).left(200);
    pb::Scope scope = pb::SCOPE_NONE;
    // Compare against both tokens every time so timing does not tell which one was close.
    const bool operate = TokenStore::constantTimeEquals(given, m_operateToken.toUtf8());
    const bool readOnly = TokenStore::constantTimeEquals(given, m_readOnlyToken.toUtf8());
    if (operate)
        scope = pb::SCOPE_OPERATE;
    else if (readOnly)
        scope = pb::SCOPE_READ_ONLY;

    pb::ServerMessage msg;
    msg.set_request_id(requestId);
    pb::AuthResult *result = msg.mutable_auth_result();
    if (client->scope != pb::SCOPE_NONE) {
        result->set_ok(true);
        result->set_scope(client->scope);
        result->set_message("already authenticated");
        send(client, msg.SerializeAsString());
        return;
    }
    if (scope == pb::SCOPE_NONE) {
        ++m_stats.authFailures;
        result->set_ok(false);
        result->set_message("invalid token");
        send(client, msg.SerializeAsString());
        AuditLog::authRefused(client->who());
        client->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"invalid token"_s);
        return;
    }
    client->scope = scope;
    client->authTimer->stop();
    result->set_ok(true);
    result->set_scope(scope);
    send(client, msg.SerializeAsString());
    qCInfo(lcControl).noquote() << u"control client %1 authenticated (%2)"_s.arg(client->who(), ProtoConvert::scopeName(scope));
}

void ControlServer::handleSubscribe(Client *client, const pb::Subscribe &subscribe)
{
    client->intervalMs = subscribe.interval_ms() == 0 ? m_config.defaultIntervalMs
                                                      : qBound(MinIntervalMs, int(subscribe.interval_ms()), MaxIntervalMs);
    client->subscription.kinds.clear();
    for (const std::string &kind : subscribe.kinds())
        client->subscription.kinds.insert(ProtoConvert::qtext(kind));
    client->subscribed = true;
    if (!client->timer) {
        client->timer = new QTimer(client->socket);
        connect(client->timer, &QTimer::timeout, this, [this, client] { tick(client); });
    }
    client->timer->start(client->intervalMs);
    sendSnapshot(client);
}

void ControlServer::sendSnapshot(Client *client)
{
    QElapsedTimer timer;
    timer.start();
    pb::ServerMessage msg;
    m_deltas->snapshot(client->subscription, msg.mutable_snapshot());
    msg.mutable_snapshot()->set_interval_ms(quint32(client->intervalMs));
    send(client, msg.SerializeAsString());
    ++m_stats.snapshotsSent;
    m_stats.tickNanos += timer.nsecsElapsed();
}

void ControlServer::sendDelta(Client *client)
{
    pb::ServerMessage msg;
    if (!m_deltas->delta(client->subscription, msg.mutable_delta()))
        return;
    send(client, msg.SerializeAsString());
    ++m_stats.deltasSent;
}

void ControlServer::tick(Client *client)
{
    if (!client->subscribed)
        return;
    QElapsedTimer timer;
    timer.start();
    const qint64 cpuStart = threadCpuNanos();
    ++m_stats.ticks;
    if (client->pendingBytes > m_config.slowSubscriberBytes) {
        // Behind: queue nothing more; once drained it gets one fresh snapshot.
        if (!client->behind) {
            client->behind = true;
            ++m_stats.slowResets;
            qCInfo(lcControl).noquote() << u"control client %1 fell behind (%2 bytes unsent): deltas paused"_s
                                               .arg(client->who()).arg(client->pendingBytes);
        }
        return;
    }
    if (client->behind) {
        client->behind = false;
        sendSnapshot(client);
        return;
    }
    sendDelta(client);
    m_stats.tickNanos += timer.nsecsElapsed();
    // The budget is about CPU, so measure CPU: wall time would also count time this thread
    // waited for a core on a busy machine.
    const qint64 cost = threadCpuNanos() - cpuStart;
    if (m_config.tickCpuBudget > 0) {
        // Keep cost / interval within this subscriber's share of the budget.
        client->tickCostMs = client->tickCostMs == 0 ? double(cost) / 1e6 : 0.8 * client->tickCostMs + 0.2 * double(cost) / 1e6;
        const double share = m_config.tickCpuBudget / qMax(1, subscriberCount());
        const int wanted = qBound(client->intervalMs, int(client->tickCostMs / share), MaxIntervalMs);
        if (qAbs(wanted - client->timer->interval()) > client->timer->interval() / 10)
            client->timer->setInterval(wanted);
    }
    m_stats.lastIntervalMs = client->timer->interval();
}

void ControlServer::finishCommand(quint64 clientSerial, quint64 requestId, const CommandInfo &command,
                                  pb::CommandResult result)
{
    Client *client = clientBySerial(clientSerial);
    pb::ServerMessage audit;
    Q_EMIT audited(m_audit->record(client ? client->who() : u"(disconnected client)"_s,
                                   client ? client->scope : pb::SCOPE_NONE, command, result.ok(),
                                   ProtoConvert::qtext(result.message()), audit.mutable_audit()));
    const std::string bytes = audit.SerializeAsString();
    for (const auto &c : m_clients)
        if (c->subscribed)
            send(c.get(), bytes);
    if (!client)
        return;
    pb::ServerMessage msg;
    msg.set_request_id(requestId);
    *msg.mutable_command_result() = std::move(result);
    send(client, msg.SerializeAsString());
}

} // namespace LiveActor
