#pragma once

#include "core/result.h"
#include "telemetry/controlconfig.h"
#include "telemetry/instancestats.h"

#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QUuid>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QWebSocket;
class QWebSocketServer;
QT_END_NAMESPACE

namespace liveactor::monitor::v1 {
class Auth;
class CommandResult;
class Subscribe;
} // namespace liveactor::monitor::v1

namespace LiveActor {

class ActorSystem;
class AuditLog;
class CommandHandler;
class DeltaBuilder;
class RestartJournal;
class HistoryHub;
class TraceHub;
struct CommandInfo;

/// The control plane: a WebSocket server (binary protobuf frames, liveactor.monitor.v1, see
/// proto/liveactor/monitor/v1/monitor.proto) on its own port that lets monitors watch the
/// registry and kill, restart, shut down or ping actors, and trace their messages (TraceHub).
///
/// Security: every connection gets Hello, then must send Auth with a token (operate or
/// read-only scope, compared in constant time); anything else before that, any malformed frame
/// and any text frame closes the connection. Kill/Restart/Shutdown need the operate scope. Every
/// command, allowed or not, is audited: a log line "audit: …" (category liveactor.audit), a line
/// in <stateDir>/audit.log and an Audit message to every subscriber.
///
/// Cost: each subscriber has its own tick (Subscribe.interval_ms, default 250 ms); on a tick the
/// server takes one registry snapshot (shared by subscribers ticking together), diffs it against
/// what that subscriber was last sent and sends one Delta (nothing if nothing changed). A
/// subscriber whose socket has more than slowSubscriberBytes unsent gets no deltas until it has
/// drained, then a fresh Snapshot — memory per subscriber stays bounded. Ticks stay within
/// ControlConfig::tickCpuBudget by stretching the interval when the registry is very large.
///
/// Parts: this class listens, authenticates and wires; DeltaBuilder builds snapshots and deltas,
/// RestartJournal keeps the restart log, CommandHandler runs commands and AuditLog keeps the audit.
///
/// Thread affinity: create, start and use it on one thread with an event loop (the main
/// thread); it talks to actors only through the thread-safe ActorSystem API. The ActorSystem must
/// outlive it. start() errors (port in use, state dir not writable) are returned, never thrown.
///
///     ControlServer control(system, {.port = 4001, .stateDir = u".state"_s});
///     if (auto ok = control.start(); !ok) qFatal("%s", qPrintable(ok.error().toString()));
class ControlServer : public QObject
{
    Q_OBJECT
public:
    /// Provides FetchAssigns: the actor's current state as text, at most maxBytes. Called on the
    /// server's thread; call done (on any thread: it is queued back) exactly once.
    using AssignsProvider = std::function<void(const QUuid &id, int maxBytes,
                                               std::function<void(Result<QString>)> done)>;

    /// Counters for tests and the benchmark.
    struct Stats
    {
        quint64 connections = 0;
        quint64 authFailures = 0;
        quint64 protocolErrors = 0;
        quint64 snapshotsSent = 0;
        quint64 deltasSent = 0;
        quint64 bytesSent = 0;
        quint64 slowResets = 0; ///< times a subscriber fell behind and was given a fresh snapshot
        quint64 ticks = 0;
        qint64 tickNanos = 0;   ///< time spent in ticks (snapshot + diff + encode + send)
        int lastIntervalMs = 0; ///< the effective tick of the most recently served subscriber
    };

    explicit ControlServer(ActorSystem &system, ControlConfig config = {}, QObject *parent = nullptr);
    ~ControlServer() override;

    /// Listens, generates the missing tokens, writes the token files (0600) and control.json to
    /// the state dir and logs "control plane: ws://… token …". Io error if it cannot listen or
    /// write.
    Result<void> start();
    /// Closes every connection and the listening socket; removes control.json. Idempotent.
    void stop();

    const ControlConfig &config() const { return m_config; }
    quint16 port() const;
    /// ws://host:port/
    QUrl url() const;
    QString operateToken() const { return m_operateToken; }
    QString readOnlyToken() const { return m_readOnlyToken; }
    /// <stateDir>/control_token, <stateDir>/control_token_readonly, <stateDir>/control.json
    QString operateTokenFile() const;
    QString readOnlyTokenFile() const;
    QString instanceFile() const;
    QString instanceId() const { return m_instanceId; }

    /// Replaces the default FetchAssigns answer (the actor's metadata map as JSON).
    void setAssignsProvider(AssignsProvider provider);
    /// Figures about the whole instance (e.g. the Python worker pool) for subscribers: in every
    /// Snapshot, and in a Delta when they changed since that subscriber's last one. Called on this
    /// server's thread at most once per subscriber tick (shared by subscribers ticking together)
    /// and only while someone subscribes. None by default.
    void setInstanceStatsProvider(InstanceStatsProvider provider);

    int clientCount() const;
    int subscriberCount() const;
    /// Message traces running (TraceStart), over all connections.
    int traceCount() const;
    /// Assigns histories kept (HistoryStart), over all connections.
    int historyCount() const;
    /// Audit lines so far (at most the last 1000).
    QStringList auditLog() const;
    Stats stats() const { return m_stats; }

Q_SIGNALS:
    /// A command was audited (the same text as the log line).
    void audited(const QString &line);

private:
    struct Client;
    void onNewConnection();
    void onBinary(Client *client, const QByteArray &frame);
    void onDisconnected(Client *client);
    void protocolError(Client *client, const char *code, const QString &message, int closeCode);
    void send(Client *client, const std::string &bytes);
    void handleAuth(Client *client, quint64 requestId, const ::liveactor::monitor::v1::Auth &auth);
    void handleSubscribe(Client *client, const ::liveactor::monitor::v1::Subscribe &subscribe);
    /// Audits the command and answers the client if it is still connected.
    void finishCommand(quint64 clientSerial, quint64 requestId, const CommandInfo &command,
                       ::liveactor::monitor::v1::CommandResult result);
    void tick(Client *client);
    void sendSnapshot(Client *client);
    void sendDelta(Client *client);
    Client *clientBySerial(quint64 serial) const;

    ActorSystem &m_system;
    ControlConfig m_config;
    QString m_operateToken;
    QString m_readOnlyToken;
    QString m_instanceId;
    qint64 m_startTimeMs = 0;
    QWebSocketServer *m_server = nullptr;
    std::vector<std::unique_ptr<Client>> m_clients;
    std::unique_ptr<RestartJournal> m_restarts;
    std::unique_ptr<DeltaBuilder> m_deltas;
    std::unique_ptr<CommandHandler> m_commands;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<TraceHub> m_traces;
    std::unique_ptr<HistoryHub> m_histories;
    Stats m_stats;
    bool m_started = false;
    quint64 m_nextSerial = 1;
};

} // namespace LiveActor
