#include "telemetry/metrics.h"

#include "core/registry.h"

#include <map>

namespace LiveActor {

namespace {

struct KindTotals
{
    quint64 actors = 0;
    quint64 length = 0;
    quint64 capacity = 0;
    double fillMax = 0;
    quint64 highWaterMax = 0;
    quint64 processed = 0;
    quint64 rejected = 0;
    quint64 restarts = 0;
    double waitSum = 0;
    double processingSum = 0;
};

QByteArray escapeLabel(const QString &value)
{
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

void family(QByteArray &out, const char *name, const char *help, const char *type = "gauge")
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void sample(QByteArray &out, const char *name, const QByteArray &labels, double value)
{
    out += name;
    if (!labels.isEmpty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += QByteArray::number(value, 'g', 12);
    out += '\n';
}

/// A bucket bound as Prometheus writes it ("0.001", "5", "+Inf").
QByteArray bound(size_t i)
{
    return i < LatencyHistogram::Bounds.size() ? QByteArray::number(LatencyHistogram::Bounds[i], 'g', 6) : "+Inf";
}

void histogram(QByteArray &out, const HistogramMetric &m)
{
    family(out, m.name, m.help, "histogram");
    const QByteArray bucket = QByteArray(m.name) + "_bucket";
    quint64 cumulative = 0;
    for (size_t i = 0; i < m.value.buckets.size(); ++i) {
        cumulative += m.value.buckets[i];
        sample(out, bucket.constData(), "le=\"" + bound(i) + '"', double(cumulative));
    }
    sample(out, QByteArray(QByteArray(m.name) + "_sum").constData(), {}, m.value.sumSeconds);
    sample(out, QByteArray(QByteArray(m.name) + "_count").constData(), {}, double(cumulative));
}

} // namespace

QByteArray prometheusMetrics(const Registry &registry, const QList<ExtraMetric> &extra,
                             const QList<HistogramMetric> &histograms)
{
    const RegistrySnapshot snap = registry.snapshot();
    std::map<QString, KindTotals> kinds;
    for (const ActorInfo &info : snap.actors) {
        KindTotals &t = kinds[info.kind];
        const MailboxStats &m = info.mailbox;
        ++t.actors;
        t.length += quint64(qMax(0, m.length));
        t.capacity += quint64(qMax(0, m.capacity));
        if (m.capacity > 0)
            t.fillMax = qMax(t.fillMax, double(m.length) / m.capacity);
        t.highWaterMax = qMax<quint64>(t.highWaterMax, quint64(qMax(0, m.highWater)));
        t.processed += m.processed;
        t.rejected += m.rejected;
        t.restarts += quint64(qMax(0, info.restartCount));
        t.waitSum += m.waitTimeUs;
        t.processingSum += m.processingTimeUs;
    }
    for (auto it = snap.retired.cbegin(); it != snap.retired.cend(); ++it) {
        KindTotals &t = kinds[it.key()];
        t.processed += it->processed;
        t.rejected += it->rejected;
        t.restarts += it->restarts;
    }
    auto count = [&](const char *kind) {
        auto it = kinds.find(QString::fromLatin1(kind));
        return it == kinds.end() ? 0.0 : double(it->second.actors);
    };

    QByteArray out;
    out.reserve(4096);
    family(out, "liveactor_sessions", "Live session actors.");
    sample(out, "liveactor_sessions", {}, count("session"));
    family(out, "liveactor_views", "Live view actors.");
    sample(out, "liveactor_views", {}, count("view"));

    struct Column
    {
        const char *name;
        const char *help;
        double (*value)(const KindTotals &);
        const char *type = "gauge";
    };
    static const Column columns[] = {
        {"liveactor_actors", "Live actors by kind.", [](const KindTotals &t) { return double(t.actors); }},
        {"liveactor_mailbox_length", "Messages queued in normal-lane mailboxes.",
         [](const KindTotals &t) { return double(t.length); }},
        {"liveactor_mailbox_capacity", "Sum of normal-lane mailbox bounds.",
         [](const KindTotals &t) { return double(t.capacity); }},
        {"liveactor_mailbox_fill_ratio", "Queued messages over capacity, all actors of the kind.",
         [](const KindTotals &t) { return t.capacity ? double(t.length) / double(t.capacity) : 0.0; }},
        {"liveactor_mailbox_fill_max_ratio", "Fill ratio of the fullest mailbox.",
         [](const KindTotals &t) { return t.fillMax; }},
        {"liveactor_mailbox_high_water_max", "Largest mailbox high-water mark.",
         [](const KindTotals &t) { return double(t.highWaterMax); }},
        {"liveactor_messages_processed_total", "Messages handled, by every incarnation since start.",
         [](const KindTotals &t) { return double(t.processed); }, "counter"},
        {"liveactor_messages_rejected_total", "tell() calls answered Full or Closed since start.",
         [](const KindTotals &t) { return double(t.rejected); }, "counter"},
        {"liveactor_restarts_total", "Supervisor restarts since start.",
         [](const KindTotals &t) { return double(t.restarts); }, "counter"},
        {"liveactor_mailbox_wait_mean_seconds", "Mean over live actors of their enqueue-to-dequeue time EWMA (sampled).",
         [](const KindTotals &t) { return t.waitSum / 1e6 / double(qMax<quint64>(1, t.actors)); }},
        {"liveactor_message_processing_mean_seconds", "Mean over live actors of their handler time EWMA (sampled).",
         [](const KindTotals &t) { return t.processingSum / 1e6 / double(qMax<quint64>(1, t.actors)); }},
    };
    for (const Column &column : columns) {
        family(out, column.name, column.help, column.type);
        for (const auto &[kind, totals] : kinds)
            sample(out, column.name, "kind=\"" + escapeLabel(kind) + '"', column.value(totals));
    }
    const char *previous = nullptr;
    for (const ExtraMetric &m : extra) {
        if (!previous || qstrcmp(previous, m.name) != 0)
            family(out, m.name, m.help, m.counter ? "counter" : "gauge");
        previous = m.name;
        sample(out, m.name, m.labels, m.value);
    }
    for (const HistogramMetric &m : histograms)
        histogram(out, m);
    return out;
}

} // namespace LiveActor
