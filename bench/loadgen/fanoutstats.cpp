#include "fanoutstats.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace LiveActor::Bench {

namespace {

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

} // namespace

FanoutResult FanoutResult::build(const std::vector<FanoutDelivery> &deliveries,
                                 const std::vector<FanoutPublish> &publishes, int joined)
{
    FanoutResult r;
    r.broadcasts = int(publishes.size());
    r.joined = joined;
    std::vector<LatencyStats> perSeq(publishes.size());
    std::vector<std::int64_t> lastReceivedUs(publishes.size(), 0);
    LatencyStats all;
    all.reserve(deliveries.size());
    for (const auto &d : deliveries) {
        if (d.seq < 1 || d.seq > r.broadcasts)
            continue;   // not one of this run's broadcasts (the generator ignores older ones)
        const std::int64_t ns = std::max<std::int64_t>(0, d.receivedUs - d.publishedUs) * 1000;
        perSeq[std::size_t(d.seq - 1)].add(ns);
        all.add(ns);
        lastReceivedUs[std::size_t(d.seq - 1)] = std::max(lastReceivedUs[std::size_t(d.seq - 1)], d.receivedUs);
        ++r.delivered;
    }
    LatencyStats lasts, lastsFromTrigger;
    for (std::size_t i = 0; i < publishes.size(); ++i) {
        Broadcast b{publishes[i], perSeq[i].summarize(), 0};
        if (b.latency.count > 0) {
            lasts.add(std::int64_t(b.latency.max * 1e6));
            const std::int64_t fromTriggerUs = std::max<std::int64_t>(0, lastReceivedUs[i] - b.publish.sentUs);
            b.lastFromTriggerMs = double(fromTriggerUs) / 1000.0;
            lastsFromTrigger.add(fromTriggerUs * 1000);
        }
        r.rows.push_back(b);
    }
    r.timeToLast = lasts.summarize();
    r.timeToLastFromTrigger = lastsFromTrigger.summarize();
    r.all = all.summarize();
    return r;
}

QJsonObject FanoutResult::toJson(double serverCpuSeconds) const
{
    QJsonArray rowsJson;
    for (const auto &b : rows) {
        QJsonObject o{{u"seq"_s, b.publish.seq},
                      {u"subscribers"_s, QString::fromUtf8(b.publish.answer.trimmed())},
                      {u"trigger_ms"_s, round3(b.publish.requestMs)},
                      {u"received"_s, double(b.latency.count)},
                      {u"p50_ms"_s, round3(b.latency.p50)},
                      {u"p99_ms"_s, round3(b.latency.p99)},
                      {u"last_ms"_s, round3(b.latency.max)},
                      {u"last_from_trigger_ms"_s, round3(b.lastFromTriggerMs)}};
        if (!b.publish.error.isEmpty())
            o.insert(u"error"_s, b.publish.error);
        rowsJson.append(o);
    }
    QJsonObject o{{u"broadcasts"_s, broadcasts},
                  {u"expected"_s, double(expected())},
                  {u"delivered"_s, double(delivered)},
                  {u"missing"_s, double(expected() - delivered)},
                  {u"diff_pushes"_s, double(diffPushes)},
                  {u"diff_bytes_mean"_s, diffPushes > 0 ? round3(double(diffBytes) / double(diffPushes)) : 0.0},
                  {u"bad_stamps"_s, double(badStamps)},
                  {u"time_to_last_ms"_s, timeToLast.toJson()},
                  {u"time_to_last_from_trigger_ms"_s, timeToLastFromTrigger.toJson()},
                  {u"delivery_ms"_s, all.toJson()},
                  {u"per_broadcast"_s, rowsJson}};
    if (serverCpuSeconds >= 0 && delivered > 0)
        o.insert(u"server_us_per_diff"_s, round3(serverCpuSeconds * 1e6 / double(delivered)));
    return o;
}

QString FanoutResult::table(double serverCpuSeconds) const
{
    QString t = u"  fanout: %1 broadcasts to %2 joined sessions: delivered %3 of %4 (missing %5), "
                "diff pushes %6 of %7 bytes on average, bad stamps %8\n"_s
                    .arg(broadcasts).arg(joined).arg(delivered).arg(expected()).arg(expected() - delivered)
                    .arg(diffPushes).arg(diffPushes > 0 ? double(diffBytes) / double(diffPushes) : 0.0, 0, 'f', 1)
                    .arg(badStamps);
    t += u"  %1 %2 %3 %4 %5 %6 %7 %8\n"_s.arg(u"broadcast"_s, 11).arg(u"subscr"_s, 8).arg(u"trigger ms"_s, 11)
             .arg(u"received"_s, 9).arg(u"p50 ms"_s, 9).arg(u"p99 ms"_s, 9).arg(u"last ms"_s, 9)
             .arg(u"last from trigger"_s, 18);
    for (const auto &b : rows) {
        t += u"  %1 %2 %3 %4 %5 %6 %7 %8%9\n"_s.arg(b.publish.seq, 11)
                 .arg(QString::fromUtf8(b.publish.answer.trimmed()).left(8), 8).arg(b.publish.requestMs, 11, 'f', 2)
                 .arg(b.latency.count, 9).arg(b.latency.p50, 9, 'f', 2).arg(b.latency.p99, 9, 'f', 2)
                 .arg(b.latency.max, 9, 'f', 2).arg(b.lastFromTriggerMs, 18, 'f', 2)
                 .arg(b.publish.error.isEmpty() ? QString() : u"  trigger failed: "_s + b.publish.error);
    }
    t += u"  time to last ms over broadcasts: p50 %1  p99 %2  max %3;  every delivery: p50 %4  p99 %5  max %6\n"_s
             .arg(timeToLast.p50, 0, 'f', 2).arg(timeToLast.p99, 0, 'f', 2).arg(timeToLast.max, 0, 'f', 2)
             .arg(all.p50, 0, 'f', 2).arg(all.p99, 0, 'f', 2).arg(all.max, 0, 'f', 2);
    t += u"  time to last ms from the trigger's send: p50 %1  p99 %2  max %3\n"_s
             .arg(timeToLastFromTrigger.p50, 0, 'f', 2).arg(timeToLastFromTrigger.p99, 0, 'f', 2)
             .arg(timeToLastFromTrigger.max, 0, 'f', 2);
    if (serverCpuSeconds >= 0 && delivered > 0)
        t += u"  server CPU %1 s in the window: %2 µs per delivered diff\n"_s.arg(serverCpuSeconds, 0, 'f', 3)
                 .arg(serverCpuSeconds * 1e6 / double(delivered), 0, 'f', 2);
    return t;
}

} // namespace LiveActor::Bench
