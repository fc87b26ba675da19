#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <mutex>

namespace LiveActor {

class PubSub;

/// Who is on a topic (Phoenix.Presence), on this instance and — through a cluster that replicates
/// it — on every instance.
///
/// track(topic, key, meta, owner) adds an entry; its meta gets a unique "phx_ref". One key may have
/// several entries (a user with two tabs). list(topic) answers {key: {"metas": [meta, …]}}.
/// Every change is delivered to the topic's local pub/sub subscribers as an info whose payload is
/// {"event": "presence_diff", "topic": topic, "payload": {"joins": {key: {"metas": […]}},
/// "leaves": {…}}}. An owner (a view's id) loses its entries when it exits (untrackOwner).
///
/// Replication (runtime/cluster): local changes go out through the replicator, called under this
/// object's lock so their order is the order of the changes; other instances' entries come in
/// through applyRemote / replaceRemote / dropRemote and are delivered like local ones.
/// Thread-safe (one mutex, held while delivering so that diffs arrive in order). Owned by PubSub.
class Presence
{
public:
    explicit Presence(PubSub &pubsub) : m_pubsub(pubsub) { }

    /// Returns the entry's phx_ref.
    QString track(const QString &topic, const QString &key, const QJsonObject &meta, const QString &owner = {});
    /// Removes owner's entries for key on topic; returns how many.
    int untrack(const QString &topic, const QString &key, const QString &owner = {});
    void untrackOwner(const QString &owner);
    QJsonObject list(const QString &topic) const;

    using Replicator = std::function<void(const QString &topic, const QJsonObject &joins, const QJsonObject &leaves)>;
    void setReplicator(Replicator replicator);
    /// Calls fn with {topic: {key: {"metas": […]}}} of this instance's entries, under the lock (no
    /// change, so no replicator call, can come between).
    void withLocalState(const std::function<void(const QJsonObject &state)> &fn) const;
    void applyRemote(const QString &instance, const QString &topic, const QJsonObject &joins, const QJsonObject &leaves);
    /// An instance's whole state (withLocalState's shape) replaces what was known of it.
    void replaceRemote(const QString &instance, const QJsonObject &state);
    void dropRemote(const QString &instance);

private:
    struct Entry
    {
        QString key;
        QJsonObject meta; // with "phx_ref"
        QString owner;
    };
    using Entries = QHash<QString, QList<Entry>>; // by topic
    struct Diff
    {
        QJsonObject joins;
        QJsonObject leaves;
    };
    using Diffs = QHash<QString, Diff>; // by topic

    /// Removes entries of topic matching pred into diff.leaves.
    template<typename Pred>
    static void removeIf(Entries &entries, const QString &topic, Diff &diff, Pred pred);
    static void addMeta(QJsonObject &side, const QString &key, const QJsonObject &meta);
    static Entries fromState(const QJsonObject &state);
    void deliver(const Diffs &diffs);
    void replaceRemoteLocked(const QString &instance, Entries next);

    PubSub &m_pubsub;
    mutable std::mutex m_mutex;
    Entries m_local;
    QHash<QString, Entries> m_remote; // by instance
    Replicator m_replicator;
};

} // namespace LiveActor
