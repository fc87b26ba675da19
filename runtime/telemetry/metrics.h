#pragma once

#include <QByteArray>
#include <QList>

namespace LiveActor {

class Registry;

/// One more sample for prometheusMetrics(), from outside the registry (the LiveView server's
/// counters). name without labels; counter = a monotonically increasing total (TYPE counter).
struct ExtraMetric
{
    const char *name;
    const char *help;
    double value;
    bool counter = true;
};

/// Prometheus text exposition (format 0.0.4) of the registry, for GET /metrics on the HTTP port
/// (serve it with Content-Type "text/plain; version=0.0.4; charset=utf-8").
///
/// Families (label kind = the actor kind: session, view, component, supervisor, …):
///   liveactor_sessions, liveactor_views                         live sessions / views
///   liveactor_actors{kind}                                      live actors
///   liveactor_mailbox_length{kind}, liveactor_mailbox_capacity{kind}   sums over live actors
///   liveactor_mailbox_fill_ratio{kind}                          sum(length)/sum(capacity)
///   liveactor_mailbox_fill_max_ratio{kind}                      fullest mailbox (length/capacity)
///   liveactor_mailbox_high_water_max{kind}                      largest high-water mark
///   liveactor_messages_processed{kind}, liveactor_messages_rejected{kind}  over live incarnations
///   liveactor_restarts{kind}                                    restart counts of live actors
///   liveactor_event_latency_microseconds{kind,stage="wait"|"processing"}  mean of the EWMAs
/// All are gauges: they describe the actors alive now (counters of exited actors leave with
/// them), so rate() over them is only meaningful while the population is stable.
///
/// Followed by the extra samples, each its own family.
///
/// Thread-safe (one Registry::snapshot()); cost is linear in the number of actors.
QByteArray prometheusMetrics(const Registry &registry, const QList<ExtraMetric> &extra = {});

} // namespace LiveActor
