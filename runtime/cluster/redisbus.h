#pragma once

#include "cluster/redisurl.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace LiveActor {

class RedisConnection;

struct RedisBusConfig
{
    RedisUrl url;
    /// The Redis channel every instance of one deployment shares. Redis pub/sub ignores the
    /// database number, so the default name carries it ("liveactor:0").
    QByteArray channel;
    /// Unique per process ("name:random"); no newline. Messages published under it come back
    /// from Redis and are dropped here, so an instance never receives its own messages.
    QString instanceId;
};

struct RedisBusStats
{
    quint64 published = 0; ///< handed to Redis
    quint64 received = 0;  ///< from other instances
    quint64 dropped = 0;   ///< not sent: Redis was away, or the connection went before the answer
    quint64 reconnects = 0;
};

/// A message bus between instances on one Redis channel (PUBLISH on one connection, SUBSCRIBE on
/// another, both hiredis async on this object's thread's event loop).
///
/// publish() may be called from any thread (executors too): it only appends to a queue under a
/// mutex; this object's thread sends the queue in order on its one publishing connection, so the
/// messages of one publisher (one thread) reach every other instance in publish order.
/// At most once: while Redis is away messages are not queued for later but counted as dropped
/// and logged (the first of each outage, and the count when Redis is back); a broken connection
/// reconnects by itself with backoff. received() carries other instances' messages only.
/// Thread affinity: the thread that owns it (it must run a Qt event loop); publish() and stats()
/// from any thread.
class RedisBus : public QObject
{
    Q_OBJECT
public:
    explicit RedisBus(RedisBusConfig config, QObject *parent = nullptr);
    ~RedisBus() override;

    /// Connects (and keeps reconnecting). Does not wait: see connectedChanged().
    void start();
    void publish(const QByteArray &message);
    /// Sends what is queued and waits (running this thread's events) until Redis has answered
    /// every publish or timeout passes; false on timeout. For shutdown.
    bool drain(std::chrono::milliseconds timeout);

    bool isConnected() const { return m_connected.load(std::memory_order_relaxed); }
    RedisBusStats stats() const;
    const RedisBusConfig &config() const { return m_config; }

Q_SIGNALS:
    void received(const QString &origin, const QByteArray &message);
    /// Both connections up and subscribed (true), or one of them lost (false).
    void connectedChanged(bool connected);

private:
    void flush();
    void updateConnected();
    void drop(quint64 n, const char *why);

    RedisBusConfig m_config;
    QByteArray m_prefix; // instanceId + '\n'
    std::mutex m_mutex;
    QList<QByteArray> m_queue;
    bool m_flushQueued = false;
    std::atomic<bool> m_connected{false};
    bool m_subscribed = false;
    bool m_warnedDrop = false;
    quint64 m_droppedThisOutage = 0;
    std::atomic<quint64> m_published{0};
    std::atomic<quint64> m_received{0};
    std::atomic<quint64> m_dropped{0};
    std::atomic<quint64> m_reconnects{0};
    bool m_everConnected = false;
    int m_inFlight = 0; // PUBLISHes not answered yet
    // Last: destroyed first, while the counters their pending callbacks touch still exist.
    std::unique_ptr<RedisConnection> m_pub;
    std::unique_ptr<RedisConnection> m_sub;
};

} // namespace LiveActor
