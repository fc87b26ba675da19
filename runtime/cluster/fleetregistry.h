#pragma once

#include "cluster/redisurl.h"
#include "core/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace LiveActor {

class RedisConnection;

/// One instance of a fleet as it describes itself in Redis (FleetRegistry writes it, FleetReader
/// reads it). A plain value type; JSON on the wire so redis-cli shows it as is.
struct FleetInstance
{
    QString name;       ///< --instance-name (unique in the fleet: a second one overwrites the first)
    QString controlUrl; ///< ws://host:port/ of its control plane; empty without --control-port
    QString httpUrl;    ///< http://host:port/ it serves pages on
    qint64 pid = 0;
    QDateTime started;  ///< UTC
    QString version;
    int sessions = 0;   ///< WebSockets open
    int views = 0;      ///< live views
    double load = 0;    ///< client events per second over the last refresh period
    QDateTime updated;  ///< UTC, when this record was written

    /// How long it has run at now, short: "42s", "17m", "5h" ("-" if started is unknown).
    QString uptime(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    QJsonObject toJson() const;
    /// Errors: InvalidArgument when the text is not a fleet record (no name).
    static Result<FleetInstance> fromJson(const QByteArray &text);
};

/// The Redis key of an instance's record: `liveactor:fleet:<db>:<name>`.
QByteArray fleetKey(int db, const QString &name);

/// Keeps this instance's record in Redis: `SET fleetKey(..) json PX ttl` now and every refresh
/// (ttl = 3 × refresh by default), so an instance that dies without cleaning up disappears after
/// the TTL; stop() deletes it at once. sample is asked on this object's thread at each write.
/// While Redis is away nothing is written (the record expires); the connection comes back by itself.
/// Thread affinity: the owning thread (it must run a Qt event loop).
class FleetRegistry : public QObject
{
    Q_OBJECT
public:
    /// sample fills the record (its name and updated time are set here).
    FleetRegistry(const RedisUrl &url, const QString &name, std::function<FleetInstance()> sample,
                  std::chrono::milliseconds refresh, QObject *parent = nullptr);
    ~FleetRegistry() override;

    void start();
    /// Deletes the record and closes; waits (running this thread's events) for Redis' answer at
    /// most timeout. False when the DEL was not confirmed (the record then expires with its TTL).
    bool stop(std::chrono::milliseconds timeout);
    /// Stops writing without deleting (as if the process died): for tests.
    void abandon();
    bool isConnected() const;
    std::chrono::milliseconds ttl() const { return m_refresh * 3; }
    /// Records Redis acknowledged.
    quint64 written() const { return m_written; }

private:
    void write();

    int m_db;
    QString m_name;
    std::function<FleetInstance()> m_sample;
    std::chrono::milliseconds m_refresh;
    QTimer m_timer;
    quint64 m_written = 0;
    std::unique_ptr<RedisConnection> m_conn; // last: destroyed first, before what its callbacks touch
};

/// Lists a fleet: SCAN for `liveactor:fleet:<db>:*`, then MGET. list() before the connection is
/// up waits for it. Thread affinity: the owning thread (it must run a Qt event loop).
class FleetReader : public QObject
{
    Q_OBJECT
public:
    using ListFn = std::function<void(Result<QList<FleetInstance>>)>;

    explicit FleetReader(const RedisUrl &url, QObject *parent = nullptr);
    ~FleetReader() override;

    void start();
    bool isConnected() const;
    /// done gets the instances sorted by name, or Io when the connection went away
    /// before the answer. Records that are not fleet records are skipped.
    void list(ListFn done);
    /// For a command-line tool: start(), list() and wait (running this thread's events) at most
    /// timeout. Errors: Io (Redis unreachable or gone), Timeout.
    static Result<QList<FleetInstance>> listBlocking(const RedisUrl &url, std::chrono::milliseconds timeout);

private:
    void scan(QByteArray cursor, std::shared_ptr<QList<QByteArray>> keys, ListFn done);
    void fetch(const QList<QByteArray> &keys, ListFn done);

    int m_db;
    std::vector<ListFn> m_waiting; // list() calls made before the connection was up
    std::unique_ptr<RedisConnection> m_conn; // last
};

} // namespace LiveActor
