#pragma once

#include "cluster/redisbus.h"
#include "core/result.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

namespace LiveActor {

class PubSub;

struct ClusterConfig
{
    RedisUrl url;
    /// Shown in logs and sent with heartbeats; the instance id adds a random part to it.
    QString instanceName;
    /// Another instance's presence entries expire this long after its last heartbeat (heartbeats
    /// go out every third of it).
    std::chrono::milliseconds presenceTtl{15000};
};

struct ClusterStats
{
    RedisBusStats bus;
    int peers = 0;            ///< other instances heard from within the TTL
    quint64 notEncodable = 0; ///< broadcasts delivered locally only (payload not JSON-able)
};

/// Joins this instance's PubSub — broadcasts and presence — to the other instances on one Redis
/// (one RedisBus channel, "liveactor:<db>").
///
/// Broadcasts: the PubSub's relay encodes the payload as JSON (the encoder: Python objects need
/// the interpreter) and publishes {"k":"bc","t":topic,"p":payload}; other instances deliver it
/// to their local subscribers. A payload that is not JSON-able stays local (logged once per topic).
/// Presence: every local change goes out as a numbered diff ("pd"); every instance sends a
/// heartbeat ("hb") with its number every presenceTtl/3. An instance that sees a gap in another's
/// numbers (it started late, or Redis was away) asks for its whole state ("rq" → "st"); an
/// instance not heard from for presenceTtl is dropped, and its entries leave.
/// At most once, like the bus: nothing is replayed after an outage, presence converges again.
/// Thread affinity: the thread that owns it (an event loop: the main thread in `liveactor serve`);
/// the relay and the presence replicator run on the broadcasting thread and only enqueue.
/// Destroy it after the actor system has stopped (the PubSub may still call it until then).
class ClusterNode : public QObject
{
public:
    /// A broadcast payload as JSON; errors keep the broadcast local.
    using Encoder = std::function<Result<QJsonValue>(const QVariant &payload)>;

    ClusterNode(ClusterConfig config, PubSub &pubsub, Encoder encoder = {}, QObject *parent = nullptr);
    ~ClusterNode() override;

    void start();
    /// Tells the others this instance leaves (its presence goes at once, not after the TTL) and
    /// waits up to timeout for Redis to take the last messages. Main thread, at shutdown.
    void stop(std::chrono::milliseconds timeout);

    QString instanceId() const { return m_bus->config().instanceId; }
    RedisBus &bus() { return *m_bus; }
    ClusterStats stats() const;

private:
    struct Peer
    {
        QString name;
        quint64 seq = 0;
        bool synced = false;
        bool asked = false; // a state request is out
        std::chrono::steady_clock::time_point lastSeen;
    };

    void relay(const QString &topic, const QVariant &payload);
    void replicate(const QString &topic, const QJsonObject &joins, const QJsonObject &leaves);
    void received(const QString &origin, const QByteArray &message);
    void onPresenceDiff(Peer &peer, const QString &origin, const QJsonObject &m);
    void sendState();
    void requestState(const QString &to);
    void resync(Peer &peer, const QString &origin);
    void tick();
    void send(const QJsonObject &message);

    ClusterConfig m_config;
    PubSub &m_pubsub;
    Encoder m_encoder;
    std::unique_ptr<RedisBus> m_bus;
    QTimer m_heartbeat;
    QHash<QString, Peer> m_peers; // by instance id; this thread only
    std::mutex m_mutex;           // m_seq with the publish it numbers; m_unencodable
    quint64 m_seq = 0;
    QSet<QString> m_unencodable;
    std::atomic<quint64> m_notEncodable{0};
    std::atomic<int> m_peerCount{0};
};

} // namespace LiveActor
