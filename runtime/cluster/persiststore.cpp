#include "cluster/persiststore.h"

#include "cluster/redisconnection_p.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMessageAuthenticationCode>
#include <QTimer>

#include <hiredis/hiredis.h>

using namespace Qt::StringLiterals;

namespace LiveActor {

PersistStore::PersistStore(const RedisUrl &url, std::chrono::milliseconds ttl, QObject *parent,
                           std::chrono::milliseconds writeDelay)
    : QObject(parent), m_ttl(ttl), m_batch(new QTimer(this)),
      m_conn(std::make_unique<RedisConnection>(url, u"persist"_s))
{
    m_batch->setSingleShot(true);
    m_batch->setInterval(writeDelay);
    connect(m_batch, &QTimer::timeout, this, &PersistStore::send);
    m_conn->onReady = [this] { send(); }; // what waited while Redis was away
}

PersistStore::~PersistStore() = default;

QByteArray PersistStore::keyFor(const QByteArray &secret, int db, const QByteArray &sessionToken, const QString &topic)
{
    // The NUL separator keeps (token, topic) pairs apart: tokens are base64url, never contain it.
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    mac.addData("liveactor persist\0"_ba);
    mac.addData(sessionToken);
    mac.addData("\0"_ba);
    mac.addData(topic.toUtf8());
    return "liveactor:persist:" + QByteArray::number(db) + ':' + mac.result().toHex();
}

void PersistStore::start()
{
    m_conn->open();
}

bool PersistStore::isReady() const
{
    return m_conn->isReady();
}

void PersistStore::put(const QByteArray &key, const QByteArray &record)
{
    {
        std::lock_guard lock(m_mutex);
        auto it = m_pending.find(key);
        if (it != m_pending.end()) {
            *it = record;
            m_coalesced.fetch_add(1, std::memory_order_relaxed);
        }
        else
            m_pending.insert(key, record);
        if (m_sendQueued)
            return;
        m_sendQueued = true;
    }
    QMetaObject::invokeMethod(this, &PersistStore::scheduleSend, Qt::QueuedConnection);
}

void PersistStore::scheduleSend()
{
    if (!m_batch->isActive())
        m_batch->start();
}

void PersistStore::send()
{
    m_batch->stop(); // flush() and whenIdle() send before the window closes
    QHash<QByteArray, QByteArray> batch;
    {
        std::lock_guard lock(m_mutex);
        m_sendQueued = false;
        if (!m_conn->isReady())
            return; // onReady sends them
        // Keys with a write in flight wait for its answer, so the newest record lands last.
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            if (m_inFlight.contains(it.key())) {
                ++it;
                continue;
            }
            batch.insert(it.key(), it.value());
            it = m_pending.erase(it);
        }
    }
    const QByteArray px = QByteArray::number(qint64(m_ttl.count()));
    for (auto it = batch.cbegin(); it != batch.cend(); ++it) {
        const QByteArray key = it.key();
        const bool sent = m_conn->command({"SET", key, it.value(), "PX", px}, [this, key](redisReply *reply) {
            m_inFlight.remove(key);
            if (reply && reply->type == REDIS_REPLY_STATUS)
                m_written.fetch_add(1, std::memory_order_relaxed);
            else
                m_failed.fetch_add(1, std::memory_order_relaxed);
            bool more = false;
            {
                std::lock_guard lock(m_mutex);
                more = m_pending.contains(key);
            }
            if (more) // written meanwhile: in the next batch, with whatever else comes
                scheduleSend();
            notifyIdle();
        });
        if (sent)
            m_inFlight.insert(key);
        else
            m_failed.fetch_add(1, std::memory_order_relaxed);
    }
    notifyIdle(); // every write refused at once leaves nothing to answer
}

void PersistStore::get(const QByteArray &key, std::function<void(std::optional<QByteArray>)> done)
{
    const bool sent = m_conn->command({"GET", key}, [done](redisReply *reply) {
        if (reply && reply->type == REDIS_REPLY_STRING)
            done(QByteArray(reply->str, qsizetype(reply->len)));
        else
            done(std::nullopt);
    });
    if (!sent)
        done(std::nullopt);
}

bool PersistStore::flush(std::chrono::milliseconds timeout)
{
    send();
    QDeadlineTimer deadline(timeout);
    QTimer wake; // WaitForMoreEvents returns at the deadline at the latest
    wake.start(timeout);
    while (!isIdle() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return isIdle();
}

bool PersistStore::isIdle()
{
    std::lock_guard lock(m_mutex);
    return m_pending.isEmpty() && m_inFlight.isEmpty();
}

void PersistStore::whenIdle(std::function<void()> done)
{
    if (isIdle()) {
        done();
        return;
    }
    m_idleWaiters.push_back(std::move(done));
    send(); // draining: what waits for the batch window goes now
}

void PersistStore::notifyIdle()
{
    if (m_idleWaiters.empty() || !isIdle())
        return;
    for (auto &done : std::exchange(m_idleWaiters, {}))
        done();
}

QByteArray RedisViewStates::keyOf(const QByteArray &sessionToken, const QString &topic)
{
    const QByteArray id = sessionToken + '\0' + topic.toUtf8();
    {
        std::lock_guard lock(m_keysMutex);
        if (auto it = m_keys.constFind(id); it != m_keys.cend())
            return *it;
    }
    const QByteArray key = PersistStore::keyFor(m_secret(), m_db, sessionToken, topic);
    std::lock_guard lock(m_keysMutex);
    if (m_keys.size() >= kMaxKeys)
        m_keys.clear();
    m_keys.insert(id, key);
    return key;
}

void RedisViewStates::save(const QByteArray &sessionToken, const QString &topic, const QByteArray &record)
{
    m_store->put(keyOf(sessionToken, topic), record);
}

void RedisViewStates::load(const QByteArray &sessionToken, const QString &topic,
                           std::function<void(std::optional<QByteArray>)> done)
{
    QMetaObject::invokeMethod(m_store, [store = m_store, key = keyOf(sessionToken, topic),
                                        done = std::move(done)] { store->get(key, done); },
                              Qt::QueuedConnection);
}

void RedisViewStates::whenSaved(std::function<void()> done)
{
    QMetaObject::invokeMethod(m_store, [store = m_store, done = std::move(done)] { store->whenIdle(done); },
                              Qt::QueuedConnection);
}

PersistStoreStats PersistStore::stats() const
{
    return {m_written.load(std::memory_order_relaxed), m_coalesced.load(std::memory_order_relaxed),
            m_failed.load(std::memory_order_relaxed)};
}

} // namespace LiveActor
