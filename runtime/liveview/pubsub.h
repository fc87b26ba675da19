#pragma once

#include "core/actorref.h"
#include "liveview/viewinfo.h"

#include <QHash>
#include <QList>
#include <QString>

#include <atomic>
#include <mutex>

namespace LiveActor {

/// In-process publish/subscribe between view actors (Phoenix.PubSub, one node).
///
/// subscribe(topic, actor) registers an actor; broadcast(topic, payload) tells every subscriber a
/// ViewInfo{topic, payload} through its normal mailbox lane. A subscriber whose mailbox is Full
/// misses that message: it is counted in dropped() and logged, never silently lost. Subscribers
/// that answer Closed are removed. Subscribing twice is a no-op.
/// Thread-safe (one mutex; tell() happens outside it). Owned by the server; outlives the views.
class PubSub
{
public:
    void subscribe(const QString &topic, const ActorRef &subscriber);
    void unsubscribe(const QString &topic, const ActorRef &subscriber);
    /// Removes subscriber from every topic (a view that exits).
    void unsubscribeAll(const ActorRef &subscriber);
    /// Returns how many subscribers accepted the message.
    int broadcast(const QString &topic, const QVariant &payload);

    int subscriberCount(const QString &topic) const;
    quint64 dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    mutable std::mutex m_mutex;
    QHash<QString, QList<ActorRef>> m_topics;
    std::atomic<quint64> m_dropped{0};
};

} // namespace LiveActor
