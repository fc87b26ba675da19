#pragma once

#include "core/historysink.h"
#include "telemetry/controlconfig.h"
#include "telemetry/sinkhub.h"

namespace LiveActor {

/// The control plane's assigns histories (HistoryStart): one HistorySink per (connection, view),
/// attached to the view on its own thread (ActorRef::call → HistorySource::attachHistory) and
/// drained every ControlConfig::historyBatchMs into a HistoryBatch for the connection that
/// started it. The sessions' life (stop, view exit, connection gone, the batch timer) is
/// SinkHub's; a view that could not attach the sink (not a view, not mounted, assigns not
/// exposed) closes it with the reason, and the next tick ends that history with it.
///
/// Thread affinity: the ControlServer's thread. The ActorSystem must outlive it.
class HistoryHub : public SinkHub<HistorySink>
{
public:
    struct Started
    {
        int length = 0;
        int maxValueBytes = 0;
    };

    HistoryHub(ActorSystem &system, const ControlConfig &config, Send send, QObject *parent = nullptr);

    /// Starts (or replaces) client's history of the view. length / maxValueBytes: 0 = the
    /// defaults, capped by ControlConfig. NotFound for an actor that is not alive; Full when the
    /// client keeps too many histories.
    Result<Started> start(quint64 client, const QUuid &view, int length, int maxValueBytes);
    int historyCount() const { return sessionCount(); }

private:
    void sendBatch(Session &history, bool stopped, const QString &reason) override;
    std::optional<QString> endedBySink(const Session &history) const override;

    const ControlConfig &m_config;
};

} // namespace LiveActor
