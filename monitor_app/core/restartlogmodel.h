#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>

namespace LiveActor::Monitor {

/// Time-ordered restarts across instances (newest first), with restart-loop detection: an actor
/// restarted loopThreshold times (default 3) within loopWindowMs (default 60 s) is "looping"
/// (its rows are flagged and restartLoopDetected is emitted once per loop).
/// Keeps at most 1000 rows. GUI thread.
class RestartLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, InstanceColumn, ActorColumn, KindColumn, CountColumn, ReasonColumn, ColumnCount };
    enum Role { LoopingRole = Qt::UserRole + 1, ActorIdRole, TracebackRole };

    struct Entry
    {
        qint64 timeMs = 0;
        QString instance;
        QString actorId;
        QString kind;
        QString name;
        quint32 incarnation = 0;
        int restartCount = 0;
        QString reasonKind;
        QString reasonMessage;
        QString traceback;
        bool looping = false;
    };

    explicit RestartLogModel(QObject *parent = nullptr);

    /// Adds records (from a Snapshot or Delta) of the named instance; records already known
    /// (same instance, actor and incarnation) are skipped.
    void addRecords(const QString &instance,
                    const google::protobuf::RepeatedPtrField<liveactor::monitor::v1::RestartRecord> &records);
    /// The rows of the named instance as records again, oldest first (a saved snapshot).
    void appendRecords(const QString &instance,
                       google::protobuf::RepeatedPtrField<liveactor::monitor::v1::RestartRecord> *out) const;
    void setLoopDetection(int threshold, qint64 windowMs);
    bool isLooping(const QString &instance, const QString &actorId) const;
    const Entry &entry(int row) const { return m_entries.at(row); }
    /// Restarts of one actor, newest first.
    QList<Entry> entriesFor(const QString &instance, const QString &actorId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void restartLoopDetected(const QString &instance, const QString &actorId, int restartsInWindow);

private:
    QList<Entry> m_entries; // newest first
    QHash<QString, quint32> m_seen; // instance|actor → highest incarnation recorded
    QHash<QString, QList<qint64>> m_recent; // instance|actor → restart times within the window
    QSet<QString> m_looping;
    int m_threshold = 3;
    qint64 m_windowMs = 60000;
};

} // namespace LiveActor::Monitor
