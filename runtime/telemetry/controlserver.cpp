#include "telemetry/controlserver.h"

#include "core/actorsystem.h"
#include "core/registry.h"
#include "telemetry/protoconvert.h"
#include "telemetry/tokenstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <ctime>
#include <deque>
#include <mutex>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcControl, "liveactor.control")
Q_LOGGING_CATEGORY(lcAudit, "liveactor.audit")

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

namespace {

constexpr int MinIntervalMs = 50;
constexpr int MaxIntervalMs = 10000;
constexpr int AuthTimeoutMs = 10000;

QString scopeName(pb::Scope scope)
{
    switch (scope) {
    case pb::SCOPE_OPERATE: return u"operate"_s;
    case pb::SCOPE_READ_ONLY: return u"read-only"_s;
    default: return u"none"_s;
    }
}

qint64 threadCpuNanos()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool mailboxChanged(const MailboxStats &a, const MailboxStats &b)
{
    return a.length != b.length || a.highWater != b.highWater || a.enqueued != b.enqueued
        || a.processed != b.processed || a.rejected != b.rejected || a.systemLength != b.systemLength
        || a.capacity != b.capacity;
}

} // namespace

/// What one subscriber was last sent about one actor.
struct SentActor
{
    quint32 incarnation = 0;
    ActorState state = ActorState::Starting;
    int restartCount = 0;
    bool hasExited = false;
    QVariantMap detail;
    QString name;
    MailboxStats mailbox;
    quint64 seen = 0;
};

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
    QSet<QString> kinds;
    QTimer *timer = nullptr;
    QTimer *authTimer = nullptr;
    qint64 pendingBytes = 0;
    quint64 version = 0;
    quint64 restartSeq = 0;
    quint64 tickNo = 0;
    double tickCostMs = 0; // EWMA of this subscriber's tick cost
    QHash<QUuid, SentActor> sent;
    QString who() const { return (name.isEmpty() ? u"?"_s : name) + u"@"_s + peer; }
};

/// Restart records, appended by the registry listener on executor threads.
struct ControlServer::Restarts
{
    std::mutex mutex;
    QHash<QUuid, quint32> incarnations;
    std::deque<std::pair<quint64, pb::RestartRecord>> records;
    quint64 seq = 0;
    size_t cap = 200;
};

struct ControlServer::SnapshotCache
{
    RegistrySnapshot snapshot;
    QElapsedTimer age;
};

ControlServer::ControlServer(ActorSystem &system, ControlConfig config, QObject *parent)
    : QObject(parent)
    , m_system(system)
    , m_config(std::move(config))
    , m_instanceId(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_restarts(std::make_shared<Restarts>())
    , m_snapshotCache(std::make_unique<SnapshotCache>())
{
    m_restarts->cap = size_t(qMax(1, m_config.restartHistory));
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
    m_assignsProvider = std::move(provider);
}

int ControlServer::clientCount() const
{
    return int(m_clients.size());
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

    // Restart records: a new incarnation of a known id is a restart. Runs on executor threads.
    std::weak_ptr<Restarts> weak = m_restarts;
    m_listener = m_system.registry().addListener([weak](const RegistryEvent &event) {
        auto restarts = weak.lock();
        if (!restarts)
            return;
        std::lock_guard lock(restarts->mutex);
        const ActorInfo &info = event.info;
        if (event.type == RegistryEvent::Type::Removed) {
            restarts->incarnations.remove(info.id);
            return;
        }
        auto it = restarts->incarnations.find(info.id);
        if (it == restarts->incarnations.end()) {
            restarts->incarnations.insert(info.id, info.incarnation);
            return;
        }
        if (info.incarnation <= *it)
            return;
        *it = info.incarnation;
        pb::RestartRecord record;
        record.set_id(ProtoConvert::id(info.id));
        record.set_kind(ProtoConvert::text(info.kind));
        record.set_name(ProtoConvert::text(info.name));
        record.set_parent_id(ProtoConvert::id(info.parent));
        record.set_incarnation(info.incarnation);
        record.set_restart_count(quint32(info.restartCount));
        ProtoConvert::exitInfo(info.lastExit, info.detail, QDateTime::currentMSecsSinceEpoch(),
                               record.mutable_reason());
        restarts->records.emplace_back(++restarts->seq, std::move(record));
        while (restarts->records.size() > restarts->cap)
            restarts->records.pop_front();
    });
    {
        // Seed the incarnations of actors that exist already, so their next start counts.
        const RegistrySnapshot snap = m_system.registry().snapshot();
        std::lock_guard lock(m_restarts->mutex);
        for (const ActorInfo &info : snap.actors)
            if (!m_restarts->incarnations.contains(info.id))
                m_restarts->incarnations.insert(info.id, info.incarnation);
    }

    m_started = true;
    qCInfo(lcControl).noquote() << u"control plane: %1 token: %2 (operate, in %3; read-only token in %4)"_s
                                       .arg(url().toString(), m_operateToken,
                                            operateTokenFile().isEmpty() ? u"config"_s : operateTokenFile(),
                                            readOnlyTokenFile().isEmpty() ? u"config"_s : readOnlyTokenFile());
    return {};
}

void ControlServer::stop()
{
    if (m_listener) {
        m_system.registry().removeListener(m_listener);
        m_listener = 0;
    }
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
    case pb::ClientMessage::kCommand: handleCommand(client, msg.request_id(), msg.command()); break;
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
        qCWarning(lcAudit).noquote() << u"audit: client=%1 action=auth result=refused"_s.arg(client->who());
        client->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"invalid token"_s);
        return;
    }
    client->scope = scope;
    client->authTimer->stop();
    result->set_ok(true);
    result->set_scope(scope);
    send(client, msg.SerializeAsString());
    qCInfo(lcControl).noquote() << u"control client %1 authenticated (%2)"_s.arg(client->who(), scopeName(scope));
}

void ControlServer::handleSubscribe(Client *client, const pb::Subscribe &subscribe)
{
    client->intervalMs = subscribe.interval_ms() == 0 ? m_config.defaultIntervalMs
                                                      : qBound(MinIntervalMs, int(subscribe.interval_ms()), MaxIntervalMs);
    client->kinds.clear();
    for (const std::string &kind : subscribe.kinds())
        client->kinds.insert(ProtoConvert::qtext(kind));
    client->subscribed = true;
    if (!client->timer) {
        client->timer = new QTimer(client->socket);
        connect(client->timer, &QTimer::timeout, this, [this, client] { tick(client); });
    }
    client->timer->start(client->intervalMs);
    sendSnapshot(client);
}

const RegistrySnapshot &ControlServer::currentSnapshot()
{
    // Subscribers ticking within the same few ms share one registry snapshot.
    if (!m_snapshotCache->age.isValid() || m_snapshotCache->age.elapsed() > 10) {
        m_snapshotCache->snapshot = m_system.registry().snapshot();
        m_snapshotCache->age.start();
    }
    return m_snapshotCache->snapshot;
}

void ControlServer::sendSnapshot(Client *client)
{
    QElapsedTimer timer;
    timer.start();
    m_snapshotCache->age.invalidate(); // a snapshot must be current
    const RegistrySnapshot &snap = currentSnapshot();
    pb::ServerMessage msg;
    pb::Snapshot *out = msg.mutable_snapshot();
    out->set_version(snap.version);
    out->set_time_ms(QDateTime::currentMSecsSinceEpoch());
    out->set_interval_ms(quint32(client->intervalMs));
    client->sent.clear();
    client->sent.reserve(snap.actors.size());
    const quint64 tickNo = ++client->tickNo;
    out->mutable_actors()->Reserve(int(snap.actors.size()));
    for (const ActorInfo &info : snap.actors) {
        if (!client->kinds.isEmpty() && !client->kinds.contains(info.kind))
            continue;
        ProtoConvert::actor(info, out->add_actors());
        client->sent.insert(info.id, SentActor{info.incarnation, info.state, info.restartCount, info.hasExited,
                                               info.detail, info.name, info.mailbox, tickNo});
    }
    {
        std::lock_guard lock(m_restarts->mutex);
        for (const auto &[seq, record] : m_restarts->records)
            *out->add_restarts() = record;
        client->restartSeq = m_restarts->seq;
    }
    client->version = snap.version;
    send(client, msg.SerializeAsString());
    ++m_stats.snapshotsSent;
    m_stats.tickNanos += timer.nsecsElapsed();
}

void ControlServer::diffActor(Client *client, const ActorInfo &info, pb::Delta *delta, quint64 tickNo)
{
    auto it = client->sent.find(info.id);
    if (it == client->sent.end()) {
        ProtoConvert::actor(info, delta->add_added());
        client->sent.insert(info.id, SentActor{info.incarnation, info.state, info.restartCount, info.hasExited,
                                               info.detail, info.name, info.mailbox, tickNo});
        return;
    }
    SentActor &sent = *it;
    sent.seen = tickNo;
    const bool changed = sent.incarnation != info.incarnation || sent.state != info.state
        || sent.restartCount != info.restartCount || sent.hasExited != info.hasExited
        || sent.name != info.name || sent.detail != info.detail;
    if (changed) {
        ProtoConvert::actor(info, delta->add_changed());
        sent.incarnation = info.incarnation;
        sent.state = info.state;
        sent.restartCount = info.restartCount;
        sent.hasExited = info.hasExited;
        sent.name = info.name;
        sent.detail = info.detail;
        sent.mailbox = info.mailbox;
    } else if (mailboxChanged(sent.mailbox, info.mailbox)) {
        pb::MailboxUpdate *update = delta->add_mailbox();
        update->set_id(ProtoConvert::id(info.id));
        ProtoConvert::mailbox(info.mailbox, update->mutable_mailbox());
        sent.mailbox = info.mailbox;
    }
}

void ControlServer::sendDelta(Client *client)
{
    pb::ServerMessage msg;
    pb::Delta *delta = msg.mutable_delta();
    const quint64 tickNo = ++client->tickNo;
    auto wanted = [client](const QString &kind) { return client->kinds.isEmpty() || client->kinds.contains(kind); };
    quint64 version = 0;
    // Usually only what changed since this client's last delta (the registry's change journal),
    // plus the mailbox counters: no copy of every actor's metadata per tick.
    const RegistryChanges changes = m_system.registry().changesSince(client->version);
    if (changes.complete) {
        version = changes.version;
        for (const QUuid &id : changes.removed)
            if (client->sent.remove(id))
                delta->add_removed(ProtoConvert::id(id));
        for (const ActorInfo &info : changes.changed)
            if (wanted(info.kind))
                diffActor(client, info, delta, tickNo);
        for (const auto &[id, mailbox] : changes.mailboxes) {
            auto it = client->sent.find(id);
            if (it == client->sent.end() || !mailboxChanged(it->mailbox, mailbox))
                continue;
            pb::MailboxUpdate *update = delta->add_mailbox();
            update->set_id(ProtoConvert::id(id));
            ProtoConvert::mailbox(mailbox, update->mutable_mailbox());
            it->mailbox = mailbox;
        }
    } else {
        // Too far behind the journal: compare against a full snapshot.
        const RegistrySnapshot &snap = currentSnapshot();
        version = snap.version;
        qsizetype seenCount = 0;
        for (const ActorInfo &info : snap.actors) {
            if (!wanted(info.kind))
                continue;
            ++seenCount;
            diffActor(client, info, delta, tickNo);
        }
        if (client->sent.size() > seenCount) {
            for (auto it = client->sent.begin(); it != client->sent.end();) {
                if (it->seen != tickNo) {
                    delta->add_removed(ProtoConvert::id(it.key()));
                    it = client->sent.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }
    {
        std::lock_guard lock(m_restarts->mutex);
        for (const auto &[seq, record] : m_restarts->records)
            if (seq > client->restartSeq)
                *delta->add_restarts() = record;
        client->restartSeq = m_restarts->seq;
    }
    if (delta->added_size() == 0 && delta->removed_size() == 0 && delta->changed_size() == 0
        && delta->mailbox_size() == 0 && delta->restarts_size() == 0)
        return; // the client stays at its version: the next delta's base is what it has
    delta->set_base_version(client->version);
    delta->set_version(version);
    delta->set_time_ms(QDateTime::currentMSecsSinceEpoch());
    client->version = version;
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

void ControlServer::handleCommand(Client *client, quint64 requestId, const pb::Command &command)
{
    const QUuid id = QUuid::fromString(ProtoConvert::qtext(command.actor_id()));
    QString action;
    QString reason;
    bool needsOperate = true;
    switch (command.action_case()) {
    case pb::Command::kKill: action = u"kill"_s; reason = ProtoConvert::qtext(command.kill().reason()); break;
    case pb::Command::kRestart: action = u"restart"_s; reason = ProtoConvert::qtext(command.restart().reason()); break;
    case pb::Command::kShutdown: action = u"shutdown"_s; reason = ProtoConvert::qtext(command.shutdown().reason()); break;
    case pb::Command::kPing:
        action = u"ping"_s;
        reason = ProtoConvert::qtext(command.ping().reason());
        needsOperate = false;
        break;
    case pb::Command::kFetchAssigns:
        action = u"fetch_assigns"_s;
        reason = ProtoConvert::qtext(command.fetch_assigns().reason());
        needsOperate = false;
        break;
    default: break;
    }
    reason = reason.left(500);
    const std::optional<ActorInfo> info = id.isNull() ? std::nullopt : m_system.registry().find(id);
    const QString kind = info ? info->kind : QString();

    pb::CommandResult result;
    auto refuse = [&](const char *code, const QString &message) {
        result.set_ok(false);
        result.set_error_code(code);
        result.set_message(ProtoConvert::text(message));
        finishCommand(client->serial, requestId, action.isEmpty() ? u"unknown"_s : action, id, kind, reason,
                      std::move(result));
    };
    if (action.isEmpty())
        return refuse("bad_request", u"command without action"_s);
    if (needsOperate && client->scope != pb::SCOPE_OPERATE)
        return refuse("forbidden", u"%1 needs the operate scope; this token is read-only"_s.arg(action));
    if (id.isNull())
        return refuse("bad_request", u"invalid actor id"_s);
    if (!info)
        return refuse("not_found", u"no actor %1"_s.arg(id.toString(QUuid::WithoutBraces)));

    const quint64 serial = client->serial;
    auto errorResult = [](const Error &error) {
        pb::CommandResult r;
        r.set_ok(false);
        r.set_error_code(ProtoConvert::text(errorCodeName(error.code)));
        r.set_message(ProtoConvert::text(error.message.isEmpty() ? error.toString() : error.message));
        return r;
    };
    QPointer<ControlServer> self(this);
    switch (command.action_case()) {
    case pb::Command::kKill:
        m_system.kill(id, this, [=, this](Result<void> r) {
            pb::CommandResult out = r ? pb::CommandResult() : errorResult(r.error());
            if (r) {
                out.set_ok(true);
                out.set_message(ProtoConvert::text(
                    u"killed %1 %2; its supervisor decides what happens next"_s.arg(kind, id.toString(QUuid::WithoutBraces))));
            }
            finishCommand(serial, requestId, action, id, kind, reason, std::move(out));
        });
        break;
    case pb::Command::kRestart:
        m_system.restart(id, this, [=, this](Result<ActorRef> r) {
            pb::CommandResult out = r ? pb::CommandResult() : errorResult(r.error());
            if (r) {
                out.set_ok(true);
                out.set_new_incarnation(r->incarnation());
                out.set_message(ProtoConvert::text(u"restarted %1 as incarnation %2"_s.arg(kind).arg(r->incarnation())));
            }
            finishCommand(serial, requestId, action, id, kind, reason, std::move(out));
        });
        break;
    case pb::Command::kShutdown: {
        const auto timeout = std::chrono::milliseconds(command.shutdown().timeout_ms() ? command.shutdown().timeout_ms() : 5000);
        m_system.shutdownActor(id, timeout, this, [=, this](Result<void> r) {
            pb::CommandResult out = r ? pb::CommandResult() : errorResult(r.error());
            if (r) {
                out.set_ok(true);
                out.set_message(ProtoConvert::text(u"%1 shut down"_s.arg(kind)));
            }
            finishCommand(serial, requestId, action, id, kind, reason, std::move(out));
        });
        break;
    }
    case pb::Command::kPing: {
        const auto timeout = std::chrono::milliseconds(command.ping().timeout_ms() ? command.ping().timeout_ms() : 2000);
        m_system.ping(id, timeout, this, [=, this](Result<std::chrono::microseconds> r) {
            pb::CommandResult out = r ? pb::CommandResult() : errorResult(r.error());
            if (r) {
                out.set_ok(true);
                out.set_round_trip_us(r->count());
                out.set_message(ProtoConvert::text(u"pong in %1 µs"_s.arg(r->count())));
            }
            finishCommand(serial, requestId, action, id, kind, reason, std::move(out));
        });
        break;
    }
    case pb::Command::kFetchAssigns: {
        const int maxBytes = int(command.fetch_assigns().max_bytes() ? qMin(command.fetch_assigns().max_bytes(), 1024u * 1024u)
                                                                     : 64u * 1024u);
        auto deliver = [=, this](Result<QString> r) {
            QMetaObject::invokeMethod(self.data() ? static_cast<QObject *>(this) : QCoreApplication::instance(), [=, this] {
                if (!self)
                    return;
                pb::CommandResult out = r ? pb::CommandResult() : errorResult(r.error());
                if (r) {
                    QByteArray text = r->toUtf8();
                    out.set_ok(true);
                    if (text.size() > maxBytes) {
                        text.truncate(maxBytes);
                        out.set_truncated(true);
                    }
                    out.set_assigns(text.toStdString());
                    out.set_message(ProtoConvert::text(u"%1 bytes"_s.arg(text.size())));
                }
                finishCommand(serial, requestId, action, id, kind, reason, std::move(out));
            }, Qt::QueuedConnection);
        };
        if (m_assignsProvider) {
            m_assignsProvider(id, maxBytes, deliver);
        } else {
            // Default: the actor's metadata map (views publish their assigns under "assigns").
            QJsonObject object = QJsonObject::fromVariantMap(info->detail);
            deliver(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
        }
        break;
    }
    default: break;
    }
}

void ControlServer::finishCommand(quint64 clientSerial, quint64 requestId, const QString &action, const QUuid &actor,
                                  const QString &kind, const QString &reason, pb::CommandResult result)
{
    Client *client = clientBySerial(clientSerial);
    audit(client, action, actor, kind, reason, result.ok(), ProtoConvert::qtext(result.message()));
    if (!client)
        return;
    pb::ServerMessage msg;
    msg.set_request_id(requestId);
    *msg.mutable_command_result() = std::move(result);
    send(client, msg.SerializeAsString());
}

void ControlServer::audit(Client *client, const QString &action, const QUuid &actor, const QString &kind,
                          const QString &reason, bool ok, const QString &outcome)
{
    const QString who = client ? client->who() : u"(disconnected client)"_s;
    const pb::Scope scope = client ? client->scope : pb::SCOPE_NONE;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QString quotedReason = reason;
    quotedReason.replace(u'"', u'\'').replace(u'\n', u' ');
    const QString line = u"audit: client=%1 scope=%2 action=%3 actor=%4 kind=%5 reason=\"%6\" result=%7 %8"_s
                             .arg(who, scopeName(scope), action, actor.toString(QUuid::WithoutBraces),
                                  kind.isEmpty() ? u"-"_s : kind, quotedReason, ok ? u"ok"_s : u"refused"_s, outcome);
    qCInfo(lcAudit).noquote() << line;
    m_auditLog.append(QDateTime::fromMSecsSinceEpoch(now).toString(Qt::ISODateWithMs) + u" "_s + line);
    if (m_auditLog.size() > 1000)
        m_auditLog.removeFirst();
    if (m_config.auditFile && !m_config.stateDir.isEmpty()) {
        QFile file(QDir(m_config.stateDir).absoluteFilePath(u"audit.log"_s));
        if (file.open(QIODevice::Append | QIODevice::Text)) {
            file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
            file.write((m_auditLog.constLast() + u"\n"_s).toUtf8());
        }
    }
    Q_EMIT audited(line);

    pb::ServerMessage msg;
    pb::Audit *record = msg.mutable_audit();
    record->set_time_ms(now);
    record->set_client(ProtoConvert::text(who));
    record->set_scope(scope);
    record->set_action(ProtoConvert::text(action));
    record->set_actor_id(ProtoConvert::id(actor));
    record->set_actor_kind(ProtoConvert::text(kind));
    record->set_reason(ProtoConvert::text(reason));
    record->set_ok(ok);
    record->set_outcome(ProtoConvert::text(outcome));
    const std::string bytes = msg.SerializeAsString();
    for (const auto &c : m_clients)
        if (c->subscribed)
            send(c.get(), bytes);
}

} // namespace LiveActor
