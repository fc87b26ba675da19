#pragma once

#include "monitor_app/core/actorrecord.h"
#include "monitor_app/core/instancestats.h"

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QPointer>

#include <memory>
#include <vector>

namespace LiveActor::Monitor {

class InstanceConnection;

/// The tree instance → actors by parent (root supervisors → sessions → views → components),
/// one top-level row per connected instance, filled from Snapshot and Delta messages.
///
/// Columns: id, kind, view/path, state, mailbox (fill bar data in FillRole), high-water, msgs/s,
/// rejected, restarts, restart budget (a gauge like the mailbox: FillRole, LevelRole), age, last
/// event. SortRole gives numbers for numeric columns. An instance
/// row shows its name, "instance", URL, connection state, actor count and, in the last column,
/// the instance's figures (e.g. "python workers: 2/16 busy, 0 queued, 0 leaked · async tasks: 3";
/// one per line in its tooltip).
///
/// Scale: nodes are kept in a hash by id plus per-parent child vectors with cached row numbers,
/// so parent()/index() are O(1) and a delta touches only the rows it names; mailbox-only changes
/// are reported as one dataChanged range per parent per delta. Views ask only for visible rows.
/// Thread affinity: GUI thread. Does not own the connections.
class ActorTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn, KindColumn, PathColumn, StateColumn, MailboxColumn, HighWaterColumn, RateColumn,
        RejectedColumn, RestartsColumn, BudgetColumn, AgeColumn, LastEventColumn, ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< QVariant number for numeric columns, text otherwise
        FillRole,                    ///< double 0…1: mailbox length / capacity; restart budget used
        LevelRole,                   ///< int ActorRecord::Level of FillRole's value (for colours)
        IdRole,                      ///< actor id (empty for instance rows)
        KindRole,
        IsInstanceRole,              ///< bool
        FilterTextRole,              ///< id, kind, name, path, state and metadata joined
    };

    explicit ActorTreeModel(QObject *parent = nullptr);
    ~ActorTreeModel() override;

    /// Adds a top-level row for the connection and follows its snapshots and deltas.
    void addInstance(InstanceConnection *connection);
    void removeInstance(InstanceConnection *connection);
    int instanceCount() const { return int(m_instances.size()); }

    /// Replace everything known about the instance (full snapshot).
    void applySnapshot(InstanceConnection *connection, const liveactor::monitor::v1::Snapshot &snapshot);
    /// Apply one coalesced delta.
    void applyDelta(InstanceConnection *connection, const liveactor::monitor::v1::Delta &delta);

    /// The actor behind index (nullptr for instance rows and invalid indexes).
    const ActorRecord *record(const QModelIndex &index) const;
    /// The connection an index belongs to.
    InstanceConnection *connection(const QModelIndex &index) const;
    /// Index of an actor (column 0) or an invalid index.
    QModelIndex indexOf(InstanceConnection *connection, const QString &actorId) const;
    const ActorRecord *find(InstanceConnection *connection, const QString &actorId) const;
    /// Number of actors known for the instance.
    int actorCount(InstanceConnection *connection) const;
    /// The instance's figures from its last Snapshot or Delta that had them (empty if none).
    InstanceStatList instanceStats(InstanceConnection *connection) const;
    /// The instance's actors as the model knows them now (after all deltas), parents before
    /// children, and its figures: what a Snapshot received now would hold (without restarts,
    /// version or time; derived values such as rates and fill history are not kept).
    liveactor::monitor::v1::Snapshot snapshotOf(InstanceConnection *connection) const;
    /// Wall-clock time used for ages and rates (tests can fix it; 0 = real time).
    void setNowForTesting(qint64 ms) { m_fixedNow = ms; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;

    /// "3 s", "2 min", "1 h 5 min".
    static QString formatAge(qint64 ms);
    /// msgs/s with one decimal below 10: "2.5", "120".
    static QString formatRate(double messagesPerSecond);
    /// The clock used for ages and rates.
    qint64 now() const;

private:
    struct Node;
    struct Instance;
    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOfNode(const Node *node, int column = 0) const;
    Instance *instanceOf(InstanceConnection *connection) const;
    void insertActor(Instance *instance, const liveactor::monitor::v1::Actor &actor, qint64 timeMs);
    void updateActor(Instance *instance, Node *node, const liveactor::monitor::v1::Actor &actor, qint64 timeMs);
    void removeActor(Instance *instance, Node *node);
    void detachChildren(Instance *instance, Node *node);
    Node *parentFor(Instance *instance, const QString &parentId) const;
    static void fillRecord(ActorRecord &record, const liveactor::monitor::v1::Actor &actor);
    /// The inverse of fillRecord and applyMailbox.
    static void fillActor(liveactor::monitor::v1::Actor &actor, const ActorRecord &record);
    static void applyMailbox(ActorRecord &record, const liveactor::monitor::v1::MailboxStats &mailbox, qint64 timeMs);
    /// now(), or the time a saved snapshot was taken for its actors (ages and budgets stay as then).
    qint64 nowFor(const Instance *instance) const;
    void onConnectionStateChanged();

    std::vector<std::unique_ptr<Instance>> m_instances;
    qint64 m_fixedNow = 0;
};

} // namespace LiveActor::Monitor
