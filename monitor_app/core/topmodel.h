#pragma once

#include "monitor_app/core/actortreemodel.h"

#include <QAbstractProxyModel>
#include <QHash>
#include <QList>

#include <vector>

namespace LiveActor::Monitor {

/// The "Top" view's model: every actor of every instance of an ActorTreeModel as one flat list
/// (no instance rows), with the columns an operator sorts by to find the busy ones — mailbox
/// fill, msgs/s, mean processing time, restarts — and an activity sparkline.
///
/// A proxy: it holds no values of its own, only (connection, record) per row, and reads the
/// tree's ActorRecords; rows follow the tree's inserts and removals (appended / removed, so a
/// selection survives), value changes are forwarded as one dataChanged per event-loop turn (a
/// delta touches up to thousands of scattered rows). Put an ActorFilterProxy on
/// top for sorting (SortRole) and the filter language.
///
/// Hot: an actor is hot when its mailbox is at the limit (fill ≥ 80 %, ActorRecord::fillLevel)
/// or when its msgs/s is at least 1 and among the hotRateCount() highest of all actors (ties
/// included). The rate ranking is taken by refresh() (the Top view calls it once a second), so
/// one busy burst does not make rows blink; fill counts at once. HotRole says it, the tooltip
/// says why.
///
/// Roles: ActorTreeModel's (SortRole, FillRole/LevelRole on the mailbox column, IdRole, KindRole,
/// IsInstanceRole false, FilterTextRole) plus SparklineRole and HotRole. GUI thread.
class TopModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn, KindColumn, PathColumn, InstanceColumn, MailboxColumn, RateColumn, ProcessingColumn,
        RestartsColumn, ActivityColumn, ColumnCount
    };
    enum Role {
        SparklineRole = ActorTreeModel::FilterTextRole + 1, ///< QList<double>: msgs/s, oldest first
        HotRole,                                             ///< bool
    };
    /// Samples in a sparkline: one per delta tick in which the actor's mailbox changed.
    static constexpr int SparklineLength = 60;
    /// Below this rate an actor is never hot by rate (an idle system has no "busiest").
    static constexpr double MinHotRate = 1.0;

    explicit TopModel(ActorTreeModel *tree, QObject *parent = nullptr);

    ActorTreeModel *tree() const { return m_tree; }
    /// The actor behind a row (nullptr if it is gone or the index is invalid).
    const ActorRecord *record(const QModelIndex &index) const;
    InstanceConnection *connection(const QModelIndex &index) const;
    /// Row of an actor (column 0), invalid if unknown.
    QModelIndex indexOf(InstanceConnection *connection, const QString &actorId) const;

    /// How many of the busiest actors (by msgs/s) are hot; default 3.
    void setHotRateCount(int count) { m_hotRateCount = qMax(0, count); }
    int hotRateCount() const { return m_hotRateCount; }
    bool isHot(const ActorRecord &record) const;
    /// Why the record is hot ("" if it is not).
    QString hotReason(const ActorRecord &record) const;
    /// Re-ranks the rates for hotness and repaints every row (rates and ages move with the clock).
    void refresh();
    /// The last SparklineLength msgs/s samples, oldest first; ends with 0 when the rate is stale
    /// (the actor went idle: the runtime sends nothing more about it).
    static QList<double> sparkline(const ActorRecord &record, qint64 nowMs);

    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "850 µs", "12.5 ms".
    static QString formatDuration(double us);

private:
    /// A record's address is stable while its actor is in the tree (the tree keeps each in its
    /// own node, also across snapshots); rows are dropped when the tree announces a removal.
    struct Row
    {
        InstanceConnection *connection = nullptr;
        const ActorRecord *record = nullptr;
    };
    void collect(const QModelIndex &sourceParent, int first, int last, std::vector<Row> &out) const;
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void flushChanged();
    void rebuild();
    void reindex(size_t from);
    int rowOf(const ActorRecord *record) const { return m_rowOf.value(record, -1); }
    static int sourceColumn(int column);
    static int proxyColumn(int sourceColumn);

    ActorTreeModel *m_tree;
    std::vector<Row> m_rows;
    QHash<const ActorRecord *, int> m_rowOf;
    int m_changedFirst = -1; ///< rows changed since the last flushChanged() (-1: none)
    int m_changedLast = -1;
    int m_hotRateCount = 3;
    double m_hotRateThreshold = -1; ///< < 0: not ranked yet (no one is hot by rate)
};

} // namespace LiveActor::Monitor
