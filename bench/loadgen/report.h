#pragma once

#include "fanoutstats.h"
#include "latencystats.h"
#include "loadconfig.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace LiveActor::Bench {

/// Everything one run measured, aggregated over the workers; printed as a table and as JSON.
struct RunResult
{
    LoadConfig config;
    int joined = 0;                 ///< joined when the measurement started
    int failed = 0;
    double connectSeconds = 0;      ///< GETs + upgrades + joins of all connections
    double measuredSeconds = 0;
    std::int64_t sent = 0, ok = 0, errors = 0, timeouts = 0, skipped = 0, disconnects = 0;
    std::int64_t heartbeatTimeouts = 0;
    std::int64_t replyBytes = 0;    ///< text bytes of the ok replies counted in `ok`
    std::int64_t rejoins = 0, reconnects = 0, killLosses = 0;   ///< --rejoin only
    LatencyStats::Summary events, heartbeats, joins;
    double loadgenCpuPercent = 0;   ///< of one core, during the measurement
    double serverCpuPercent = -1;   ///< of one core, during the measurement; -1 = no --server-pid
    double serverCpuSeconds = -1;   ///< user + system, during the measurement; -1 = no --server-pid
    qint64 serverRssBeforeKiB = -1, serverRssJoinedKiB = -1, serverRssEndKiB = -1;
    QByteArray firstError;
    QString startedAt;              ///< wall-clock time of the measurement (numbers are noisy)
    FanoutResult fanout;            ///< --mode fanout only

    double eventsPerSecond() const { return measuredSeconds > 0 ? double(ok) / measuredSeconds : 0; }
    /// Server CPU µs per ok reply in the measured window; -1 when unknown.
    double serverMicrosPerEvent() const { return serverCpuSeconds >= 0 && ok > 0 ? serverCpuSeconds * 1e6 / double(ok) : -1; }
    double replyBytesMean() const { return ok > 0 ? double(replyBytes) / double(ok) : 0; }
    /// (RSS joined − RSS before) / joined, KiB; -1 when unknown.
    double rssPerSessionKiB() const;
    /// (RSS at the end of the measurement − RSS before) / joined, KiB; -1 when unknown.
    double rssPerSessionEndKiB() const;

    QJsonObject toJson() const;
    /// Human-readable table, several lines.
    QString table() const;
};

} // namespace LiveActor::Bench
