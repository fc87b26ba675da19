#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QtGlobal>

namespace LiveActor::Monitor {

/// One sample of a mailbox at time ms: its fill level (length / capacity) and the message rate
/// since the sample before (one per delta tick in which the mailbox changed).
struct FillSample
{
    qint64 timeMs = 0;
    float fill = 0;
    int length = 0;
    float rate = 0; ///< msgs/s processed since the previous sample
};

/// Everything the monitor knows about one actor of one instance: the last values received plus
/// what the monitor derives (message rate, fill history). Plain value type, GUI thread only.
struct ActorRecord
{
    QString id;
    QString parentId;
    QString kind;
    QString name;
    QString state;          ///< "starting", "running", "stopping", "restarting", "stopped"
    quint32 incarnation = 0;
    int executor = -1;
    // mailbox
    int length = 0;
    int capacity = 0;
    int highWater = 0;
    int systemLength = 0;
    quint64 enqueued = 0;
    quint64 processed = 0;
    quint64 rejected = 0;
    double waitTimeUs = 0;
    double processingTimeUs = 0;
    // lifecycle
    int restartCount = 0;
    bool hasExited = false;
    QString exitKind;
    QString exitMessage;
    QString exitTraceback;
    qint64 startedAtMs = 0;
    QHash<QString, QString> metadata;
    // restart budget (supervisors and sessions; strategy empty for other actors)
    QString strategy;
    int intensity = 0;
    qint64 periodMs = 0;
    int restartsInWindow = 0;
    qint64 windowEndsAtMs = 0;
    // derived
    double messagesPerSecond = 0;
    qint64 lastActivityMs = 0;  ///< last time processed changed (or the snapshot time)
    qint64 lastUpdateMs = 0;    ///< last time the runtime sent anything about it
    QList<FillSample> history;  ///< newest last, at most HistoryLength samples

    static constexpr int HistoryLength = 240;

    /// A rate older than this is stale: the runtime sends a mailbox only when it changed, so an
    /// actor that went idle gets no update that would bring its rate to 0.
    static constexpr qint64 RateStaleMs = 1500;
    /// messagesPerSecond at nowMs: 0 once stale.
    double rateAt(qint64 nowMs) const { return nowMs - lastUpdateMs > RateStaleMs ? 0.0 : messagesPerSecond; }

    /// length / capacity (0 when unbounded).
    double fill() const { return capacity > 0 ? double(length) / double(capacity) : 0.0; }
    /// metadata "path", else "route", else the name.
    QString viewOrPath() const;
    /// metadata "lastEvent" if the runtime sets it, else "" (the model shows activity age).
    QString lastEvent() const { return metadata.value(QStringLiteral("lastEvent")); }

    /// How close a fill is to its limit, for colours: ok, near (amber), at the limit (red).
    enum class Level { Ok, Near, AtLimit };
    /// The mailbox: near from 50 % fill, at the limit from 80 %.
    static Level fillLevel(double fill);

    bool hasBudget() const { return !strategy.isEmpty(); }
    /// Restarts counted against the budget at nowMs: 0 once the burst has ended.
    int budgetUsed(qint64 nowMs) const { return nowMs < windowEndsAtMs ? restartsInWindow : 0; }
    /// budgetUsed / intensity, 0…1 (1 for intensity 0: any restart escalates).
    double budgetFill(qint64 nowMs) const;
    /// At the limit when the next restart escalates; near when one restart is left (or at
    /// half the budget for large intensities).
    Level budgetLevel(qint64 nowMs) const;
    /// "2/5 in 10 s" ("" without a budget).
    QString budgetText(qint64 nowMs) const;
    /// A sentence for the detail pane: the strategy, what is used, when it frees, what happens
    /// at the limit.
    QString budgetDescription(qint64 nowMs) const;
};

} // namespace LiveActor::Monitor
