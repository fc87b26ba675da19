#pragma once

#include "core/result.h"
#include "core/tracesink.h"
#include "telemetry/controlconfig.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUuid>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace liveactor::monitor::v1 {
class ServerMessage;
} // namespace liveactor::monitor::v1

namespace LiveActor {

class ActorSystem;

/// The control plane's message traces: one TraceSink per (connection, traced actor), drained
/// every ControlConfig::traceBatchMs into a TraceBatch for the connection that started it.
/// A trace ends on stop(), when its actor exits, or when its connection goes (clientGone());
/// each end sends a last batch with stopped = true (except to a connection that is gone).
///
/// The batch timer runs only while a trace does, so an idle control plane pays nothing for it.
///
/// Thread affinity: the thread it lives on (the ControlServer's). The ActorSystem must outlive it.
class TraceHub : public QObject
{
    Q_OBJECT
public:
    /// Sends a message to the connection with this serial (if it is still there).
    using Send = std::function<void(quint64 client, const ::liveactor::monitor::v1::ServerMessage &message)>;

    TraceHub(ActorSystem &system, const ControlConfig &config, Send send, QObject *parent = nullptr);
    ~TraceHub() override;

    /// Starts (or replaces) client's trace on actor; returns the effective records/s limit.
    /// NotFound for an actor that is not alive; Full when the client runs too many traces.
    Result<int> start(quint64 client, const QUuid &actor, bool subtree, int maxPerSecond);
    /// NotFound if client has no trace on actor.
    Result<void> stop(quint64 client, const QUuid &actor);
    /// The connection closed: its traces end (nothing more is sent to it).
    void clientGone(quint64 client);
    /// Ends every trace (server stopping).
    void stopAll();
    int traceCount() const { return int(m_traces.size()); }
    /// Batches sent so far (tests, benchmark).
    quint64 batchesSent() const { return m_batches; }

private:
    struct Trace
    {
        quint64 client = 0;
        QUuid actor;
        std::shared_ptr<TraceSink> sink;
        quint64 sentDropped = 0;
        quint64 serial = 0; // tells a replaced trace's exit watch from the current one's
    };
    void flush();
    /// Sends what is left with stopped = true (when notify) and closes the sink.
    void end(Trace &trace, const char *reason, bool notify);
    void send(Trace &trace, bool stopped, const char *reason);
    const std::string &typeName(const char *raw);

    ActorSystem &m_system;
    const ControlConfig &m_config;
    Send m_send;
    std::vector<Trace> m_traces;
    QTimer m_timer;
    QHash<const char *, std::string> m_typeNames; // Message::typeName() pointers are static
    quint64 m_nextSerial = 1;
    quint64 m_batches = 0;
};

} // namespace LiveActor
