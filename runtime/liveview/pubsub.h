#pragma once

#include "core/actorref.h"
#include "liveview/viewinfo.h"

#include <QHash>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace LiveActor {

class Presence;

/// In-process publish/subscribe between view actors (Phoenix.PubSub, one node).
///
/// subscribe(topic, actor) registers an actor; broadcast(topic, payload) tells every subscriber a
/// ViewInfo{topic, payload} through its normal mailbox lane. A subscriber whose mailbox is Full
/// misses that message: it is counted in dropped() and logged, never silently lost. Subscribers
/// that answer Closed are removed. Subscribing twice is a no-op.
/// Thread-safe (one mutex; tell() happens outside it). Owned by the server; outlives the views.
///
/// With a relay set (runtime/cluster), a broadcast also goes to the other instances, which
/// deliver it with deliverLocal(): every subscriber on every instance gets it once. Topics that
/// start with "_la_" are this process's own (liveactor's async results) and are never relayed.
/// presence() is the topic presence (Phoenix.Presence) that delivers its diffs through this.
class PubSub
{
public:
    /// Gets every relayed broadcast after its local delivery, on the broadcasting thread.
    using Relay = std::function<void(const QString &topic, const QVariant &payload)>;

    PubSub();
    ~PubSub();

    void subscribe(const QString &topic, const ActorRef &subscriber);
    void unsubscribe(const QString &topic, const ActorRef &subscriber);
    /// Removes subscriber from every topic (a view that exits).
    void unsubscribeAll(const ActorRef &subscriber);
    /// Returns how many subscribers (on this instance) accepted the message.
    int broadcast(const QString &topic, const QVariant &payload);
    /// Delivers to this instance's subscribers only (a broadcast that came from another instance).
    int deliverLocal(const QString &topic, const QVariant &payload);
    /// Set before serving; an empty one stops relaying.
    void setRelay(Relay relay);
    Presence &presence() { return *m_presence; }

    int subscriberCount(const QString &topic) const;
    quint64 dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    mutable std::mutex m_mutex;
    QHash<QString, QList<ActorRef>> m_topics;
    std::shared_ptr<const Relay> m_relay;
    std::unique_ptr<Presence> m_presence;
    std::atomic<quint64> m_dropped{0};
};

} // namespace LiveActor
