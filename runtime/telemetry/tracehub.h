#pragma once

#include "core/tracesink.h"
#include "telemetry/controlconfig.h"
#include "telemetry/sinkhub.h"

#include <QHash>

#include <string>

namespace LiveActor {

/// The control plane's message traces: one TraceSink per (connection, traced actor), drained
/// every ControlConfig::traceBatchMs into a TraceBatch for the connection that started it.
/// The sessions' life (stop, actor exit, connection gone, the batch timer) is SinkHub's.
///
/// Thread affinity: the thread it lives on (the ControlServer's). The ActorSystem must outlive it.
class TraceHub : public SinkHub<TraceSink>
{
public:
    TraceHub(ActorSystem &system, const ControlConfig &config, Send send, QObject *parent = nullptr);

    /// Starts (or replaces) client's trace on actor; returns the effective records/s limit.
    /// NotFound for an actor that is not alive; Full when the client runs too many traces.
    Result<int> start(quint64 client, const QUuid &actor, bool subtree, int maxPerSecond);
    int traceCount() const { return sessionCount(); }
    /// Batches sent so far (tests, benchmark).
    quint64 batchesSent() const { return m_batches; }

private:
    void sendBatch(Session &trace, bool stopped, const QString &reason) override;
    const std::string &typeName(const char *raw);

    const ControlConfig &m_config;
    QHash<const char *, std::string> m_typeNames; // Message::typeName() pointers are static
    quint64 m_batches = 0;
};

} // namespace LiveActor
