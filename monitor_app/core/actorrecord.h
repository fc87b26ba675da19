#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QtGlobal>

namespace LiveActor::Monitor {

/// One sample of a mailbox's fill level (length / capacity at time ms).
struct FillSample
{
    qint64 timeMs = 0;
    float fill = 0;
    int length = 0;
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
    // derived
    double messagesPerSecond = 0;
    qint64 lastActivityMs = 0;  ///< last time processed changed (or the snapshot time)
    qint64 lastUpdateMs = 0;    ///< last time the runtime sent anything about it
    QList<FillSample> history;  ///< newest last, at most HistoryLength samples

    static constexpr int HistoryLength = 240;

    /// length / capacity (0 when unbounded).
    double fill() const { return capacity > 0 ? double(length) / double(capacity) : 0.0; }
    /// metadata "path", else "route", else the name.
    QString viewOrPath() const;
    /// metadata "lastEvent" if the runtime sets it, else "" (the model shows activity age).
    QString lastEvent() const { return metadata.value(QStringLiteral("lastEvent")); }
};

} // namespace LiveActor::Monitor
