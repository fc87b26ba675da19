#include "liveview/presence.h"

#include "liveview/pubsub.h"

#include <QJsonArray>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace LiveActor {

void Presence::addMeta(QJsonObject &side, const QString &key, const QJsonObject &meta)
{
    QJsonObject slot = side.value(key).toObject();
    QJsonArray metas = slot.value(u"metas"_s).toArray();
    metas.append(meta);
    slot.insert(u"metas"_s, metas);
    side.insert(key, slot);
}

template<typename Pred>
void Presence::removeIf(Entries &entries, const QString &topic, Diff &diff, Pred pred)
{
    auto it = entries.find(topic);
    if (it == entries.end())
        return;
    it->removeIf([&](const Entry &e) {
        if (!pred(e))
            return false;
        addMeta(diff.leaves, e.key, e.meta);
        return true;
    });
    if (it->isEmpty())
        entries.erase(it);
}

Presence::Entries Presence::fromState(const QJsonObject &state)
{
    Entries out;
    for (auto topic = state.begin(); topic != state.end(); ++topic) {
        const QJsonObject keys = topic.value().toObject();
        for (auto key = keys.begin(); key != keys.end(); ++key) {
            for (const QJsonValue &meta : key.value().toObject().value(u"metas"_s).toArray())
                out[topic.key()].append({key.key(), meta.toObject(), {}});
        }
    }
    return out;
}

QString Presence::track(const QString &topic, const QString &key, const QJsonObject &meta, const QString &owner)
{
    Entry entry{key, meta, owner};
    const QString ref = QString::fromLatin1(QUuid::createUuid().toRfc4122().toBase64(QByteArray::OmitTrailingEquals));
    entry.meta.insert(u"phx_ref"_s, ref);
    Diffs diffs;
    std::lock_guard lock(m_mutex);
    m_local[topic].append(entry);
    addMeta(diffs[topic].joins, key, entry.meta);
    if (m_replicator)
        m_replicator(topic, diffs[topic].joins, {});
    deliver(diffs);
    return ref;
}

int Presence::untrack(const QString &topic, const QString &key, const QString &owner)
{
    Diffs diffs;
    std::lock_guard lock(m_mutex);
    removeIf(m_local, topic, diffs[topic], [&](const Entry &e) { return e.key == key && e.owner == owner; });
    if (m_replicator && !diffs[topic].leaves.isEmpty())
        m_replicator(topic, {}, diffs[topic].leaves);
    deliver(diffs);
    int n = 0;
    for (const QJsonValue &slot : std::as_const(diffs[topic].leaves))
        n += int(slot.toObject().value(u"metas"_s).toArray().size());
    return n;
}

void Presence::untrackOwner(const QString &owner)
{
    if (owner.isEmpty())
        return;
    Diffs diffs;
    std::lock_guard lock(m_mutex);
    const QStringList topics = m_local.keys();
    for (const QString &topic : topics) {
        Diff diff;
        removeIf(m_local, topic, diff, [&](const Entry &e) { return e.owner == owner; });
        if (diff.leaves.isEmpty())
            continue;
        if (m_replicator)
            m_replicator(topic, {}, diff.leaves);
        diffs.insert(topic, diff);
    }
    deliver(diffs);
}

QJsonObject Presence::list(const QString &topic) const
{
    QJsonObject out;
    std::lock_guard lock(m_mutex);
    for (const Entry &e : m_local.value(topic))
        addMeta(out, e.key, e.meta);
    for (const Entries &remote : m_remote) {
        for (const Entry &e : remote.value(topic))
            addMeta(out, e.key, e.meta);
    }
    return out;
}

void Presence::setReplicator(Replicator replicator)
{
    std::lock_guard lock(m_mutex);
    m_replicator = std::move(replicator);
}

void Presence::withLocalState(const std::function<void(const QJsonObject &state)> &fn) const
{
    std::lock_guard lock(m_mutex);
    QJsonObject state;
    for (auto it = m_local.begin(); it != m_local.end(); ++it) {
        QJsonObject keys;
        for (const Entry &e : it.value())
            addMeta(keys, e.key, e.meta);
        state.insert(it.key(), keys);
    }
    fn(state);
}

void Presence::applyRemote(const QString &instance, const QString &topic, const QJsonObject &joins, const QJsonObject &leaves)
{
    Diffs diffs;
    std::lock_guard lock(m_mutex);
    {
        Entries &entries = m_remote[instance];
        QSet<QString> gone;
        for (const QJsonValue &slot : leaves) {
            for (const QJsonValue &meta : slot.toObject().value(u"metas"_s).toArray())
                gone.insert(meta.toObject().value(u"phx_ref"_s).toString());
        }
        removeIf(entries, topic, diffs[topic], [&](const Entry &e) { return gone.contains(e.meta.value(u"phx_ref"_s).toString()); });
        for (auto key = joins.begin(); key != joins.end(); ++key) {
            for (const QJsonValue &meta : key.value().toObject().value(u"metas"_s).toArray()) {
                entries[topic].append({key.key(), meta.toObject(), {}});
                addMeta(diffs[topic].joins, key.key(), meta.toObject());
            }
        }
    }
    deliver(diffs);
}

void Presence::replaceRemote(const QString &instance, const QJsonObject &state)
{
    std::lock_guard lock(m_mutex);
    replaceRemoteLocked(instance, fromState(state));
}

void Presence::replaceRemoteLocked(const QString &instance, Entries next)
{
    Diffs diffs;
    {
        Entries &known = m_remote[instance];
        // Leaves: known refs that the new state lacks; joins: the new state's unknown refs.
        auto refs = [](const Entries &entries, const QString &topic) {
            QSet<QString> out;
            for (const Entry &e : entries.value(topic))
                out.insert(e.meta.value(u"phx_ref"_s).toString());
            return out;
        };
        QSet<QString> topics(known.keyBegin(), known.keyEnd());
        topics.unite(QSet<QString>(next.keyBegin(), next.keyEnd()));
        for (const QString &topic : std::as_const(topics)) {
            const QSet<QString> before = refs(known, topic), after = refs(next, topic);
            for (const Entry &e : known.value(topic)) {
                if (!after.contains(e.meta.value(u"phx_ref"_s).toString()))
                    addMeta(diffs[topic].leaves, e.key, e.meta);
            }
            for (const Entry &e : next.value(topic)) {
                if (!before.contains(e.meta.value(u"phx_ref"_s).toString()))
                    addMeta(diffs[topic].joins, e.key, e.meta);
            }
        }
        known = std::move(next);
    }
    deliver(diffs);
}

void Presence::dropRemote(const QString &instance)
{
    std::lock_guard lock(m_mutex);
    replaceRemoteLocked(instance, {});
    m_remote.remove(instance);
}

// Under the lock: the subscribers see the diffs in the order of the changes. (PubSub never calls
// back into Presence, so this lock is always taken before PubSub's.)
void Presence::deliver(const Diffs &diffs)
{
    for (auto it = diffs.begin(); it != diffs.end(); ++it) {
        if (it->joins.isEmpty() && it->leaves.isEmpty())
            continue;
        const QJsonObject payload{{u"joins"_s, it->joins}, {u"leaves"_s, it->leaves}};
        m_pubsub.deliverLocal(it.key(), QVariant(QJsonValue(QJsonObject{
            {u"event"_s, u"presence_diff"_s}, {u"topic"_s, it.key()}, {u"payload"_s, payload}})));
    }
}

} // namespace LiveActor
