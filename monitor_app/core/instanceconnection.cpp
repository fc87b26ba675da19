#include "monitor_app/core/instanceconnection.h"

#include <QDateTime>
#include <QSysInfo>
#include <QTimer>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

namespace {
constexpr int InitialBackoffMs = 500;
constexpr int MaxBackoffMs = 30000;
}

InstanceConnection::InstanceConnection(QUrl url, QString token, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_token(std::move(token))
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_retryTimer(new QTimer(this))
{
    qRegisterMetaType<liveactor::monitor::v1::Snapshot>();
    m_socket->setMaxAllowedIncomingMessageSize(512ull * 1024 * 1024);
    m_socket->setMaxAllowedIncomingFrameSize(512ull * 1024 * 1024);
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, [this] {
        if (m_wantOpen) {
            setState(State::Connecting);
            m_socket->open(m_url);
        }
    });
    connect(m_socket, &QWebSocket::connected, this, &InstanceConnection::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &InstanceConnection::onDisconnected);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &InstanceConnection::onBinary);
}

InstanceConnection::InstanceConnection(const QString &path, SavedSnapshot saved, QObject *parent)
    : InstanceConnection(QUrl::fromLocalFile(path), QString(), parent)
{
    m_hello = saved.hello;
    m_saved = std::move(saved);
}

InstanceConnection::~InstanceConnection()
{
    m_wantOpen = false;
    m_socket->disconnect(this);
    m_socket->abort();
}

QString InstanceConnection::displayName() const
{
    if (m_saved) {
        const QString when = QDateTime::fromMSecsSinceEpoch(m_saved->savedAtMs).toString(u"yyyy-MM-dd HH:mm:ss"_s);
        return u"%1 (saved %2)"_s.arg(QString::fromStdString(m_hello.instance_name()), when);
    }
    if (!m_hello.instance_name().empty())
        return QString::fromStdString(m_hello.instance_name());
    return m_url.host() + u":"_s + QString::number(m_url.port());
}

QString InstanceConnection::stateName(State state)
{
    switch (state) {
    case State::Disconnected: return u"disconnected"_s;
    case State::Connecting: return u"connecting"_s;
    case State::Authenticating: return u"authenticating"_s;
    case State::Live: return u"live"_s;
    case State::Failed: return u"failed"_s;
    case State::Saved: return u"saved snapshot"_s;
    }
    return {};
}

void InstanceConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void InstanceConnection::open()
{
    if (m_saved) { // shown once: a saved snapshot never changes
        if (m_state == State::Saved)
            return;
        setState(State::Saved);
        Q_EMIT helloReceived();
        Q_EMIT snapshotReceived(m_saved->snapshot);
        return;
    }
    m_wantOpen = true;
    m_backoffMs = InitialBackoffMs;
    m_retryTimer->stop();
    setState(State::Connecting);
    m_socket->abort();
    m_socket->open(m_url);
}

void InstanceConnection::close()
{
    if (m_saved)
        return;
    m_wantOpen = false;
    m_retryTimer->stop();
    m_socket->close();
    m_scope = pb::SCOPE_NONE;
    setState(State::Disconnected);
}

void InstanceConnection::onConnected()
{
    // Wait for Hello; the runtime speaks first.
}

void InstanceConnection::scheduleReconnect()
{
    if (!m_wantOpen || !m_autoReconnect || m_state == State::Failed)
        return;
    setState(State::Connecting);
    m_retryTimer->start(m_backoffMs);
    m_backoffMs = qMin(m_backoffMs * 2, MaxBackoffMs);
}

void InstanceConnection::onDisconnected()
{
    m_scope = pb::SCOPE_NONE;
    if (m_state != State::Failed) {
        if (m_lastError.isEmpty() || m_state == State::Live)
            m_lastError = m_socket->errorString();
        if (m_wantOpen && m_autoReconnect)
            scheduleReconnect();
        else
            setState(State::Disconnected);
    }
}

void InstanceConnection::send(const pb::ClientMessage &message)
{
    const std::string bytes = message.SerializeAsString();
    m_socket->sendBinaryMessage(QByteArray(bytes.data(), qsizetype(bytes.size())));
}

void InstanceConnection::sendRaw(const QByteArray &bytes)
{
    m_socket->sendBinaryMessage(bytes);
}

quint64 InstanceConnection::sendCommand(const QString &actorId, Action action, const QString &reason)
{
    const std::string why = reason.toStdString();
    return sendCommandWith(actorId, [&](pb::Command &cmd) {
        switch (action) {
        case Action::Kill: cmd.mutable_kill()->set_reason(why); break;
        case Action::Restart: cmd.mutable_restart()->set_reason(why); break;
        case Action::Shutdown: cmd.mutable_shutdown()->set_reason(why); break;
        case Action::Ping: cmd.mutable_ping()->set_reason(why); break;
        case Action::FetchAssigns: cmd.mutable_fetch_assigns()->set_reason(why); break;
        }
    });
}

quint64 InstanceConnection::sendPreview(const QString &actorId, pb::Preview::Action action)
{
    return sendCommandWith(actorId, [action](pb::Command &cmd) { cmd.mutable_preview()->set_action(action); });
}

quint64 InstanceConnection::sendTrace(const QString &actorId, bool start, bool subtree)
{
    return sendCommandWith(actorId, [start, subtree](pb::Command &cmd) {
        if (start)
            cmd.mutable_trace_start()->set_subtree(subtree);
        else
            cmd.mutable_trace_stop();
    });
}

quint64 InstanceConnection::sendHistory(const QString &actorId, bool start, quint32 length)
{
    return sendCommandWith(actorId, [start, length](pb::Command &cmd) {
        if (start)
            cmd.mutable_history_start()->set_length(length);
        else
            cmd.mutable_history_stop();
    });
}

quint64 InstanceConnection::sendCommandWith(const QString &actorId, const std::function<void(pb::Command &)> &fill)
{
    if (m_state != State::Live)
        return 0;
    pb::ClientMessage msg;
    const quint64 id = ++m_nextRequest;
    msg.set_request_id(id);
    pb::Command *cmd = msg.mutable_command();
    cmd->set_actor_id(actorId.toStdString());
    fill(*cmd);
    send(msg);
    return id;
}

void InstanceConnection::onBinary(const QByteArray &frame)
{
    pb::ServerMessage msg;
    if (!msg.ParseFromArray(frame.constData(), int(frame.size()))) {
        m_lastError = u"malformed frame from the runtime"_s;
        m_socket->abort();
        return;
    }
    switch (msg.body_case()) {
    case pb::ServerMessage::kHello: {
        m_hello = msg.hello();
        if (m_hello.protocol_version() != pb::PROTOCOL_VERSION_CURRENT) {
            m_lastError = u"unsupported protocol version %1"_s.arg(m_hello.protocol_version());
            setState(State::Failed);
            m_socket->close();
            return;
        }
        Q_EMIT helloReceived();
        setState(State::Authenticating);
        pb::ClientMessage auth;
        auth.set_request_id(1);
        auth.mutable_auth()->set_token(m_token.toStdString());
        auth.mutable_auth()->set_client_name(QString(u"liveactor-monitor@"_s + QSysInfo::machineHostName()).toStdString());
        send(auth);
        break;
    }
    case pb::ServerMessage::kAuthResult: {
        if (!msg.auth_result().ok()) {
            m_lastError = u"token refused: "_s + QString::fromStdString(msg.auth_result().message());
            setState(State::Failed);
            return;
        }
        m_scope = msg.auth_result().scope();
        m_lastError.clear();
        pb::ClientMessage sub;
        sub.mutable_subscribe()->set_interval_ms(quint32(m_intervalMs));
        send(sub);
        break;
    }
    case pb::ServerMessage::kSnapshot:
        m_backoffMs = InitialBackoffMs;
        setState(State::Live);
        Q_EMIT snapshotReceived(msg.snapshot());
        break;
    case pb::ServerMessage::kDelta:
        Q_EMIT deltaReceived(msg.delta());
        break;
    case pb::ServerMessage::kCommandResult:
        Q_EMIT commandFinished(msg.request_id(), msg.command_result());
        break;
    case pb::ServerMessage::kAudit:
        Q_EMIT auditReceived(msg.audit());
        break;
    case pb::ServerMessage::kTraceBatch:
        Q_EMIT traceBatchReceived(msg.trace_batch());
        break;
    case pb::ServerMessage::kHistoryBatch:
        Q_EMIT historyBatchReceived(msg.history_batch());
        break;
    case pb::ServerMessage::kError:
        m_lastError = QString::fromStdString(msg.error().code() + ": " + msg.error().message());
        Q_EMIT errorReceived(QString::fromStdString(msg.error().code()), QString::fromStdString(msg.error().message()));
        break;
    default:
        break;
    }
}

} // namespace LiveActor::Monitor
