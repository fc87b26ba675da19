#pragma once

#include "core/latencyhistogram.h"

#include <QByteArray>
#include <QList>

namespace LiveActor {

class Registry;

/// One more sample for prometheusMetrics(), from outside the registry (the LiveView server's
/// counters). name without labels; counter = a monotonically increasing total (TYPE counter).
/// labels, if any, as Prometheus writes them (`reason="too_large"`): consecutive samples of one
/// name form one family (its help and type are the first sample's).
struct ExtraMetric
{
    const char *name;
    const char *help;
    double value;
    bool counter = true;
    QByteArray labels = {};
};

/// A histogram for prometheusMetrics() (the LiveView server's event durations). name without
/// the _bucket/_sum/_count suffixes, ending in _seconds.
struct HistogramMetric
{
    const char *name;
    const char *help;
    LatencyHistogram::Snapshot value;
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
///   liveactor_messages_processed_total{kind}, liveactor_messages_rejected_total{kind},
///   liveactor_restarts_total{kind}      counters since start: live actors plus what exited ones
///                                       counted (Registry's retired counts), so they never fall
///   liveactor_mailbox_wait_mean_seconds{kind}, liveactor_message_processing_mean_seconds{kind}
///                                       gauges: mean over live actors of their sampled EWMAs
/// The others are gauges of the actors alive now.
///
/// Followed by the extra samples, each its own family, then the histograms.
///
/// Thread-safe (one Registry::snapshot()); cost is linear in the number of actors.
QByteArray prometheusMetrics(const Registry &registry, const QList<ExtraMetric> &extra = {},
                             const QList<HistogramMetric> &histograms = {});

} // namespace LiveActor
