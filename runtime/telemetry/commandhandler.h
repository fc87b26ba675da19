#pragma once

#include "telemetry/auditlog.h"
#include "telemetry/controlserver.h"

#include "liveactor/monitor/v1/monitor.pb.h"

namespace LiveActor {

class HistoryHub;
class TraceHub;

/// Runs control-plane Commands against an ActorSystem: checks them (an action, the operate scope
/// where needed, a valid and existing actor id), then runs one function per action: kill,
/// restart, shutdown, ping, fetch_assigns, preview, trace_start, trace_stop, history_start,
/// history_stop.
///
/// Every command ends in exactly one call of its Done: at once for a refusal, else on the
/// receiver's thread when the ActorSystem answers (never if the receiver is gone by then).
///
/// Thread affinity: the receiver's thread. The ActorSystem must outlive it.
///
///     CommandHandler commands(system, this);
///     commands.run(scope, msg.command(), [](const CommandInfo &command, pb::CommandResult result) { … });
class CommandHandler
{
public:
    using Done = std::function<void(const CommandInfo &command, ::liveactor::monitor::v1::CommandResult result)>;

    CommandHandler(ActorSystem &system, QObject *receiver);

    /// Replaces the default FetchAssigns answer (the actor's metadata map as JSON).
    void setAssignsProvider(ControlServer::AssignsProvider provider) { m_assignsProvider = std::move(provider); }
    /// Where trace_start/trace_stop go (without one they answer not_supported).
    void setTraceHub(TraceHub *traces) { m_traces = traces; }
    /// Where history_start/history_stop go (without one they answer not_supported).
    void setHistoryHub(HistoryHub *histories) { m_histories = histories; }
    /// client: the connection's serial (whose traces trace_start/trace_stop manage).
    void run(::liveactor::monitor::v1::Scope scope, const ::liveactor::monitor::v1::Command &command, Done done,
             quint64 client = 0);

private:
    ActorSystem &m_system;
    QObject *m_receiver;
    ControlServer::AssignsProvider m_assignsProvider;
    TraceHub *m_traces = nullptr;
    HistoryHub *m_histories = nullptr;
};

} // namespace LiveActor
