#include "liveview/pubsub.h"

#include "liveview/logging.h"
#include "liveview/presence.h"

namespace LiveActor {

PubSub::PubSub() : m_presence(std::make_unique<Presence>(*this)) { }

PubSub::~PubSub() = default;

void PubSub::setRelay(Relay relay)
{
    std::lock_guard lock(m_mutex);
    m_relay = relay ? std::make_shared<const Relay>(std::move(relay)) : nullptr;
}

void PubSub::subscribe(const QString &topic, const ActorRef &subscriber)
{
    std::lock_guard lock(m_mutex);
    QList<ActorRef> &subs = m_topics[topic];
    if (!subs.contains(subscriber))
        subs.append(subscriber);
}

void PubSub::unsubscribe(const QString &topic, const ActorRef &subscriber)
{
    std::lock_guard lock(m_mutex);
    auto it = m_topics.find(topic);
    if (it == m_topics.end())
        return;
    it->removeAll(subscriber);
    if (it->isEmpty())
        m_topics.erase(it);
}

void PubSub::unsubscribeAll(const ActorRef &subscriber)
{
    std::lock_guard lock(m_mutex);
    for (auto it = m_topics.begin(); it != m_topics.end();) {
        it->removeAll(subscriber);
        it = it->isEmpty() ? m_topics.erase(it) : std::next(it);
    }
}

int PubSub::broadcast(const QString &topic, const QVariant &payload)
{
    std::shared_ptr<const Relay> relay;
    {
        std::lock_guard lock(m_mutex);
        relay = m_relay;
    }
    const int accepted = deliverLocal(topic, payload);
    if (relay && !topic.startsWith(QLatin1String("_la_")))
        (*relay)(topic, payload);
    return accepted;
}

int PubSub::deliverLocal(const QString &topic, const QVariant &payload)
{
    QList<ActorRef> subs;
    {
        std::lock_guard lock(m_mutex);
        subs = m_topics.value(topic);
    }
    int accepted = 0;
    QList<ActorRef> closed;
    for (const ActorRef &s : std::as_const(subs)) {
        switch (s.tell(ViewInfo{topic, payload})) {
        case SendStatus::Ok:
            ++accepted;
            break;
        case SendStatus::Full:
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            qCWarning(lcLiveView) << "pubsub: mailbox full, message on" << topic << "not delivered to"
                                  << s.toString();
            break;
        case SendStatus::Closed:
            closed.append(s);
            break;
        }
    }
    for (const ActorRef &s : std::as_const(closed))
        unsubscribeAll(s);
    return accepted;
}

int PubSub::subscriberCount(const QString &topic) const
{
    std::lock_guard lock(m_mutex);
    return int(m_topics.value(topic).size());
}

} // namespace LiveActor
