#include "report.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace LiveActor::Bench {

namespace {

QString modeName(LoadConfig::Mode m)
{
    switch (m) {
    case LoadConfig::Mode::Closed: return u"closed"_s;
    case LoadConfig::Mode::Open: return u"open"_s;
    case LoadConfig::Mode::Idle: return u"idle"_s;
    case LoadConfig::Mode::Fanout: return u"fanout"_s;
    }
    return {};
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

QString latencyLine(const QString &name, const LatencyStats::Summary &s)
{
    return u"  %1 %2 %3 %4 %5 %6 %7 %8\n"_s.arg(name, -12)
        .arg(s.count, 9).arg(s.p50, 9, 'f', 3).arg(s.p90, 9, 'f', 3).arg(s.p99, 9, 'f', 3)
        .arg(s.p999, 9, 'f', 3).arg(s.max, 9, 'f', 3).arg(s.mean, 9, 'f', 3);
}

} // namespace

double RunResult::rssPerSessionKiB() const
{
    if (serverRssBeforeKiB < 0 || serverRssJoinedKiB < 0 || joined <= 0)
        return -1;
    return double(serverRssJoinedKiB - serverRssBeforeKiB) / joined;
}

double RunResult::rssPerSessionEndKiB() const
{
    if (serverRssBeforeKiB < 0 || serverRssEndKiB < 0 || joined <= 0)
        return -1;
    return double(serverRssEndKiB - serverRssBeforeKiB) / joined;
}

QJsonObject RunResult::toJson() const
{
    QJsonObject o{
        {u"label"_s, config.label},
        {u"mode"_s, modeName(config.mode)},
        {u"connections"_s, config.connections},
        {u"joined"_s, joined},
        {u"failed"_s, failed},
        {u"threads"_s, config.threads},
        {u"started_at"_s, startedAt},
        {u"connect_s"_s, round2(connectSeconds)},
        {u"duration_s"_s, round2(measuredSeconds)},
        {u"sent"_s, double(sent)},
        {u"ok"_s, double(ok)},
        {u"reply_bytes_mean"_s, round2(replyBytesMean())},
        {u"events_per_s"_s, round2(eventsPerSecond())},
        {u"errors"_s, double(errors)},
        {u"timeouts"_s, double(timeouts)},
        {u"disconnects"_s, double(disconnects)},
        {u"latency_ms"_s, events.toJson()},
        {u"join_ms"_s, joins.toJson()},
        {u"loadgen_cpu_pct"_s, round2(loadgenCpuPercent)},
    };
    if (config.mode == LoadConfig::Mode::Open) {
        o.insert(u"target_rate"_s, config.rate);
        o.insert(u"skipped"_s, double(skipped));
    }
    if (config.rejoin) {
        o.insert(u"rejoins"_s, double(rejoins));
        o.insert(u"reconnects"_s, double(reconnects));
        o.insert(u"kill_losses"_s, double(killLosses));
    }
    if (config.mode == LoadConfig::Mode::Fanout)
        o.insert(u"fanout"_s, fanout.toJson(serverCpuSeconds));
    if (config.heartbeatMs > 0) {
        o.insert(u"heartbeat_ms"_s, heartbeats.toJson());
        o.insert(u"heartbeat_timeouts"_s, double(heartbeatTimeouts));
    }
    if (config.serverPid > 0) {
        o.insert(u"server"_s, QJsonObject{
            {u"pid"_s, double(config.serverPid)},
            {u"cpu_pct"_s, round2(serverCpuPercent)},
            {u"cpu_s"_s, std::round(serverCpuSeconds * 1000.0) / 1000.0},
            {u"us_per_event"_s, round2(serverMicrosPerEvent())},
            {u"rss_kib_before"_s, double(serverRssBeforeKiB)},
            {u"rss_kib_joined"_s, double(serverRssJoinedKiB)},
            {u"rss_kib_end"_s, double(serverRssEndKiB)},
            {u"rss_per_session_kib"_s, round2(rssPerSessionKiB())},
            {u"rss_per_session_end_kib"_s, round2(rssPerSessionEndKiB())},
        });
    }
    if (!firstError.isEmpty())
        o.insert(u"first_error"_s, QString::fromUtf8(firstError));
    return o;
}

QString RunResult::table() const
{
    QString t;
    t += u"liveactor-loadgen %1: mode=%2 connections=%3 joined=%4 failed=%5 threads=%6 measured=%7 s at %8\n"_s
             .arg(config.label.isEmpty() ? u"-"_s : config.label, modeName(config.mode))
             .arg(config.connections).arg(joined).arg(failed).arg(config.threads)
             .arg(measuredSeconds, 0, 'f', 1).arg(startedAt);
    const bool clicks = config.mode == LoadConfig::Mode::Closed || config.mode == LoadConfig::Mode::Open;
    if (clicks) {
        t += u"  events/s %1   sent %2   ok %3   errors %4   timeouts %5   disconnects %6"_s
                 .arg(eventsPerSecond(), 0, 'f', 0).arg(sent).arg(ok).arg(errors).arg(timeouts).arg(disconnects);
        if (config.mode == LoadConfig::Mode::Open)
            t += u"   target %1/s   skipped %2"_s.arg(config.rate, 0, 'f', 0).arg(skipped);
        t += u'\n';
        if (config.rejoin)
            t += u"  rejoins %1   reconnects %2   kill losses %3\n"_s.arg(rejoins).arg(reconnects).arg(killLosses);
    } else {
        t += u"  disconnects %1   heartbeat timeouts %2\n"_s.arg(disconnects).arg(heartbeatTimeouts);
    }
    t += u"  %1 %2 %3 %4 %5 %6 %7 %8\n"_s.arg(u"latency ms"_s, -12).arg(u"count"_s, 9).arg(u"p50"_s, 9)
             .arg(u"p90"_s, 9).arg(u"p99"_s, 9).arg(u"p99.9"_s, 9).arg(u"max"_s, 9).arg(u"mean"_s, 9);
    if (clicks)
        t += latencyLine(u"event"_s, events);
    if (config.heartbeatMs > 0)
        t += latencyLine(u"heartbeat"_s, heartbeats);
    t += latencyLine(u"join"_s, joins);
    t += u"  loadgen CPU %1% of one core"_s.arg(loadgenCpuPercent, 0, 'f', 1);
    if (config.serverPid > 0) {
        t += u"; server pid %1 CPU %2% of one core"_s.arg(config.serverPid).arg(serverCpuPercent, 0, 'f', 1);
        if (serverMicrosPerEvent() >= 0)
            t += u" (%1 µs per event, replies of %2 bytes)"_s.arg(serverMicrosPerEvent(), 0, 'f', 2)
                     .arg(replyBytesMean(), 0, 'f', 1);
        t += u", RSS %1 → %2 → %3 KiB (before → joined → end)"_s
                 .arg(serverRssBeforeKiB).arg(serverRssJoinedKiB).arg(serverRssEndKiB);
        if (rssPerSessionKiB() >= 0)
            t += u", %1 KiB per joined session (%2 at the end)"_s.arg(rssPerSessionKiB(), 0, 'f', 2)
                     .arg(rssPerSessionEndKiB(), 0, 'f', 2);
    }
    t += u'\n';
    if (config.mode == LoadConfig::Mode::Fanout)
        t += fanout.table(serverCpuSeconds);
    if (!firstError.isEmpty())
        t += u"  first error: "_s + QString::fromUtf8(firstError) + u'\n';
    return t;
}

} // namespace LiveActor::Bench
