#include "cluster/redisbus.h"

#include "cluster/redisconnection_p.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QTimer>

#include <hiredis/hiredis.h>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcRedis)

namespace LiveActor {

RedisBus::RedisBus(RedisBusConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_prefix(m_config.instanceId.toUtf8() + '\n'),
      m_pub(std::make_unique<RedisConnection>(m_config.url, u"publish"_s)),
      m_sub(std::make_unique<RedisConnection>(m_config.url, u"subscribe"_s))
{
    m_pub->onReady = [this] { updateConnected(); flush(); };
    m_pub->onLost = [this](const QString &) { updateConnected(); };
    m_sub->onReady = [this] {
        m_sub->command({"SUBSCRIBE", m_config.channel}, {}, /*pushed=*/true);
    };
    m_sub->onLost = [this](const QString &) {
        m_subscribed = false;
        updateConnected();
    };
    m_sub->setPushHandler([this](redisReply *reply) {
        // ["subscribe", channel, n] once, then ["message", channel, payload] per message.
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
            return;
        const QByteArray kind(reply->element[0]->str, qsizetype(reply->element[0]->len));
        if (kind == "subscribe") {
            m_subscribed = true;
            updateConnected();
            return;
        }
        if (kind != "message" || reply->element[2]->type != REDIS_REPLY_STRING)
            return;
        const QByteArray raw(reply->element[2]->str, qsizetype(reply->element[2]->len));
        const qsizetype nl = raw.indexOf('\n');
        if (nl < 0 || raw.startsWith(m_prefix))
            return; // not ours to read, or our own echo
        m_received.fetch_add(1, std::memory_order_relaxed);
        Q_EMIT received(QString::fromUtf8(raw.left(nl)), raw.mid(nl + 1));
    });
}

RedisBus::~RedisBus() = default;

void RedisBus::start()
{
    m_pub->open();
    m_sub->open();
}

void RedisBus::publish(const QByteArray &message)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.append(message);
        if (m_flushQueued)
            return;
        m_flushQueued = true;
    }
    QMetaObject::invokeMethod(this, &RedisBus::flush, Qt::QueuedConnection);
}

void RedisBus::flush()
{
    QList<QByteArray> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_queue);
        m_flushQueued = false;
    }
    if (batch.isEmpty())
        return;
    if (!isConnected()) {
        drop(quint64(batch.size()), "Redis is away");
        return;
    }
    for (const QByteArray &message : std::as_const(batch)) {
        const bool sent = m_pub->command({"PUBLISH", m_config.channel, m_prefix + message}, [this](redisReply *reply) {
            --m_inFlight;
            if (!reply)
                drop(1, "the connection went before Redis answered");
        });
        if (sent) {
            ++m_inFlight;
            m_published.fetch_add(1, std::memory_order_relaxed);
        }
        else
            drop(1, "Redis is away");
    }
}

bool RedisBus::drain(std::chrono::milliseconds timeout)
{
    flush();
    QDeadlineTimer deadline(timeout);
    QTimer wake; // WaitForMoreEvents returns at the deadline at the latest
    wake.start(timeout);
    while (m_inFlight > 0 && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return m_inFlight == 0;
}

void RedisBus::drop(quint64 n, const char *why)
{
    m_dropped.fetch_add(n, std::memory_order_relaxed);
    m_droppedThisOutage += n;
    if (!m_warnedDrop) {
        qCWarning(lcRedis).noquote() << "cross-instance messages dropped:" << why
                                     << "(local delivery goes on; counted until Redis is back)";
        m_warnedDrop = true;
    }
}

void RedisBus::updateConnected()
{
    const bool now = m_pub->isReady() && m_sub->isReady() && m_subscribed;
    if (now == isConnected())
        return;
    m_connected.store(now, std::memory_order_relaxed);
    if (now) {
        if (m_everConnected)
            m_reconnects.fetch_add(1, std::memory_order_relaxed);
        m_everConnected = true;
        qCInfo(lcRedis).noquote() << "bus on" << m_config.url.toString() << "channel" << m_config.channel << "as"
                                  << m_config.instanceId
                                  << (m_droppedThisOutage ? u"(%1 messages dropped while away)"_s.arg(m_droppedThisOutage) : QString());
        m_droppedThisOutage = 0;
        m_warnedDrop = false;
    }
    Q_EMIT connectedChanged(now);
}

RedisBusStats RedisBus::stats() const
{
    return {m_published.load(std::memory_order_relaxed), m_received.load(std::memory_order_relaxed),
            m_dropped.load(std::memory_order_relaxed), m_reconnects.load(std::memory_order_relaxed)};
}

} // namespace LiveActor
