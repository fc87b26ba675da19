#pragma once

#include "monitor_app/core/savedsnapshot.h"

#include "liveactor/monitor/v1/monitor.pb.h"

#include <functional>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QTimer;
class QWebSocket;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

/// One connection to one runtime's control plane (liveactor.monitor.v1 over a WebSocket).
///
/// open() connects, answers Hello with Auth, subscribes, and then emits snapshotReceived /
/// deltaReceived as frames arrive. On a dropped connection it reconnects with exponential
/// back-off (0.5 s doubling to 30 s, reset once live); a refused token stops it (state Failed).
/// Commands are sent with sendCommand() and answered by commandFinished() with the same
/// request id. Thread affinity: the thread it was created on (the GUI thread). Errors are
/// reported through state() / lastError(), never thrown.
class InstanceConnection : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
public:
    enum class State {
        Disconnected,   ///< not opened, or closed
        Connecting,     ///< TCP/WebSocket handshake (or waiting to retry)
        Authenticating, ///< Hello received, Auth sent
        Live,           ///< subscribed, receiving deltas
        Failed,         ///< token refused or protocol mismatch: no automatic retry
        Saved,          ///< a saved snapshot, no runtime behind it (read-only, never changes)
    };
    Q_ENUM(State)

    enum class Action { Kill, Restart, Shutdown, Ping, FetchAssigns };
    Q_ENUM(Action)

    explicit InstanceConnection(QUrl url, QString token, QObject *parent = nullptr);
    /// A connection to no runtime that shows a saved snapshot read from path: open() goes to
    /// state Saved and emits helloReceived and snapshotReceived (its tree, figures and restarts)
    /// once; it sends nothing (commands return 0) and never reconnects.
    InstanceConnection(const QString &path, SavedSnapshot saved, QObject *parent = nullptr);
    ~InstanceConnection() override;

    QUrl url() const { return m_url; }
    QString token() const { return m_token; }
    /// The instance's name from Hello (or the URL's host:port before that); for a saved snapshot
    /// "NAME (saved 2026-12-05 11:48:22)".
    QString displayName() const;
    const ::liveactor::monitor::v1::Hello &hello() const { return m_hello; }
    State state() const { return m_state; }
    static QString stateName(State state);
    QString lastError() const { return m_lastError; }
    /// Scope granted by the runtime (SCOPE_NONE until authenticated).
    ::liveactor::monitor::v1::Scope scope() const { return m_scope; }
    bool canOperate() const { return m_scope == ::liveactor::monitor::v1::SCOPE_OPERATE; }
    bool isSaved() const { return m_saved.has_value(); }
    /// When the saved snapshot was taken (0 for a live connection).
    qint64 savedAtMs() const { return m_saved ? m_saved->savedAtMs : 0; }
    /// The assigns histories a saved snapshot carries (none for a live connection).
    QList<::liveactor::monitor::v1::HistoryBatch> savedHistories() const
    {
        return m_saved ? m_saved->histories : QList<::liveactor::monitor::v1::HistoryBatch>();
    }

    /// Delta tick asked for in Subscribe (ms, default 250). Takes effect on the next subscribe.
    void setIntervalMs(int ms) { m_intervalMs = ms; }
    /// Automatic reconnect (default on).
    void setAutoReconnect(bool on) { m_autoReconnect = on; }
    /// Current back-off delay before the next reconnect attempt.
    int reconnectDelayMs() const { return m_backoffMs; }

    void open();
    void close();
    /// Sends a command; returns its request id (0 if not live, then nothing is sent).
    quint64 sendCommand(const QString &actorId, Action action, const QString &reason = {});
    /// Asks the runtime what `action` would do to the actor (its restart preview); the answer
    /// comes as commandFinished with CommandResult.preview. 0 if not live.
    quint64 sendPreview(const QString &actorId, ::liveactor::monitor::v1::Preview::Action action);
    /// Starts (start) or stops this connection's message trace on the actor (with subtree, its
    /// descendants too); records arrive as traceBatchReceived. 0 if not live.
    quint64 sendTrace(const QString &actorId, bool start, bool subtree = true);
    /// Starts (start) or stops this connection's assigns history of a view (length 0: the
    /// runtime's default); entries arrive as historyBatchReceived. 0 if not live.
    quint64 sendHistory(const QString &actorId, bool start, quint32 length = 0);
    /// Sends raw bytes as one binary frame (tests: malformed input).
    void sendRaw(const QByteArray &bytes);

Q_SIGNALS:
    void stateChanged(LiveActor::Monitor::InstanceConnection::State state);
    void helloReceived();
    void snapshotReceived(const liveactor::monitor::v1::Snapshot &snapshot);
    void deltaReceived(const liveactor::monitor::v1::Delta &delta);
    void commandFinished(quint64 requestId, const liveactor::monitor::v1::CommandResult &result);
    void auditReceived(const liveactor::monitor::v1::Audit &audit);
    void traceBatchReceived(const liveactor::monitor::v1::TraceBatch &batch);
    void historyBatchReceived(const liveactor::monitor::v1::HistoryBatch &batch);
    void errorReceived(const QString &code, const QString &message);

private:
    quint64 sendCommandWith(const QString &actorId, const std::function<void(::liveactor::monitor::v1::Command &)> &fill);
    void setState(State state);
    void onConnected();
    void onDisconnected();
    void onBinary(const QByteArray &frame);
    void send(const ::liveactor::monitor::v1::ClientMessage &message);
    void scheduleReconnect();

    QUrl m_url;
    QString m_token;
    QWebSocket *m_socket = nullptr;
    QTimer *m_retryTimer = nullptr;
    State m_state = State::Disconnected;
    QString m_lastError;
    ::liveactor::monitor::v1::Hello m_hello;
    ::liveactor::monitor::v1::Scope m_scope = ::liveactor::monitor::v1::SCOPE_NONE;
    int m_intervalMs = 250;
    int m_backoffMs = 500;
    bool m_autoReconnect = true;
    bool m_wantOpen = false;
    quint64 m_nextRequest = 1;
    std::optional<SavedSnapshot> m_saved;
};

} // namespace LiveActor::Monitor
