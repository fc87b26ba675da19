#pragma once

#include "cluster/redisurl.h"
#include "liveview/viewstatestore.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

class QTimer;

namespace LiveActor {

class RedisConnection;

struct PersistStoreStats
{
    quint64 written = 0;   ///< SETs Redis acknowledged
    quint64 coalesced = 0; ///< records replaced by a newer one of the same key before they were sent
    quint64 failed = 0;    ///< SETs lost with the connection or refused by Redis
};

/// Views' persisted states in Redis (the storage side of `persist`): the latest record per key,
/// written with `SET key record PX ttl` on its own hiredis connection on this object's thread.
///
/// put() may be called from any thread (a view's executor after a handled message): it only
/// replaces the key's pending record under a mutex, so a view that handles 1,000 events between
/// two writes costs one write (coalesced), and one SET per key is in flight at a time (the
/// newest record always lands last). Writes go out in batches, at most writeDelay after the put
/// that started one (kDefaultWriteDelay): one wake-up of this thread and one pipelined socket
/// write for every record put in that window, instead of a wake-up, a write and a read per
/// handled message. The price: a SIGKILL can lose the last writeDelay of a view's changes. While Redis is away pending records wait — one per key,
/// bounded by the number of views — and go out on reconnect; a record lost with the connection
/// is not retried (at most once: the next put of that key writes again).
/// Thread affinity: the owning thread (it must run a Qt event loop); put() and stats() from any.
class PersistStore : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kDefaultWriteDelay{5};

    PersistStore(const RedisUrl &url, std::chrono::milliseconds ttl, QObject *parent = nullptr,
                 std::chrono::milliseconds writeDelay = kDefaultWriteDelay);
    ~PersistStore() override;

    /// The Redis key of a view's state: HMAC-SHA256 over the join's signed session token and the
    /// view's topic, keyed with the server secret. Only a holder of that token (and the server)
    /// can name the key; other sessions' tokens, or forged ones (which fail verification before
    /// this is ever asked), give other keys.
    static QByteArray keyFor(const QByteArray &secret, int db, const QByteArray &sessionToken, const QString &topic);

    void start();
    bool isReady() const;
    void put(const QByteArray &key, const QByteArray &record);
    /// On this object's thread: done gets the stored record, or nullopt when there is none, Redis
    /// is away or the connection went before the answer (a fresh mount is always correct).
    void get(const QByteArray &key, std::function<void(std::optional<QByteArray>)> done);
    /// Sends what is pending and waits (running this thread's events) until Redis has answered
    /// every write or timeout passes; false on timeout. For draining at shutdown.
    bool flush(std::chrono::milliseconds timeout);
    /// On this object's thread: done now if no write is pending or in flight, else once that is
    /// so (never while Redis stays away: the caller bounds its wait).
    void whenIdle(std::function<void()> done);
    PersistStoreStats stats() const;

private:
    void send();
    void scheduleSend(); ///< this thread: send() once the batch window has passed
    bool isIdle();
    void notifyIdle();

    std::chrono::milliseconds m_ttl;
    QTimer *m_batch; ///< single shot, writeDelay: closes the batch window
    std::mutex m_mutex;
    QHash<QByteArray, QByteArray> m_pending; // key -> newest record not sent yet
    bool m_sendQueued = false; ///< a batch is open: put() need not wake this thread again
    QSet<QByteArray> m_inFlight; // keys with a SET not answered yet (this thread only)
    std::vector<std::function<void()>> m_idleWaiters; // whenIdle() (this thread only)
    std::atomic<quint64> m_written{0};
    std::atomic<quint64> m_coalesced{0};
    std::atomic<quint64> m_failed{0};
    std::unique_ptr<RedisConnection> m_conn; // last: destroyed first, before what its callbacks touch
};

/// The server's ViewStateStore on a PersistStore: records named by keyFor(secret(), db, token,
/// topic). save() goes straight to put(); load() and whenSaved() hop to the store's thread.
/// secret is asked at each use (the server resolves its secret in listen(), after this is set;
/// it must be thread-safe). The store must outlive this object's last use (the server's shutdown).
class RedisViewStates final : public ViewStateStore
{
public:
    RedisViewStates(PersistStore *store, std::function<QByteArray()> secret, int db)
        : m_store(store), m_secret(std::move(secret)), m_db(db) { }
    void save(const QByteArray &sessionToken, const QString &topic, const QByteArray &record) override;
    void load(const QByteArray &sessionToken, const QString &topic,
              std::function<void(std::optional<QByteArray>)> done) override;
    void whenSaved(std::function<void()> done) override;

private:
    /// keyFor(), remembered per (token, topic): an HMAC per handled message was a measurable part
    /// of what persist costs (bench/cluster/run). Bounded: cleared when it holds kMaxKeys.
    QByteArray keyOf(const QByteArray &sessionToken, const QString &topic);
    static constexpr qsizetype kMaxKeys = 10000;

    PersistStore *m_store;
    std::function<QByteArray()> m_secret;
    int m_db;
    std::mutex m_keysMutex;
    QHash<QByteArray, QByteArray> m_keys; // token \0 topic -> key
};

} // namespace LiveActor
