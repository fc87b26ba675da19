#include "cluster/clusternode.h"

#include "liveview/presence.h"
#include "liveview/pubsub.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUuid>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcRedis)

namespace LiveActor {

namespace {

QString newInstanceId(const QString &name)
{
    return name + u':' + QUuid::createUuid().toString(QUuid::Id128).left(12);
}

Result<QJsonValue> plainJson(const QVariant &payload)
{
    const QJsonValue json = payload.canConvert<QJsonValue>() ? payload.value<QJsonValue>() : QJsonValue::fromVariant(payload);
    if (json.isNull() && !payload.isNull())
        return fail(ErrorCode::InvalidArgument, u"a %1 is not JSON-able"_s.arg(QString::fromLatin1(payload.typeName())));
    return json;
}

} // namespace

ClusterNode::ClusterNode(ClusterConfig config, PubSub &pubsub, Encoder encoder, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_pubsub(pubsub),
      m_encoder(encoder ? std::move(encoder) : Encoder(&plainJson)),
      m_bus(std::make_unique<RedisBus>(RedisBusConfig{m_config.url, "liveactor:" + QByteArray::number(m_config.url.db),
                                                      newInstanceId(m_config.instanceName)}))
{
    connect(m_bus.get(), &RedisBus::received, this, &ClusterNode::received);
    connect(m_bus.get(), &RedisBus::connectedChanged, this, [this](bool up) {
        if (!up)
            return;
        requestState(u"*"_s); // whoever is there: their presence, now rather than at their heartbeat
        tick();
    });
    m_heartbeat.setInterval(std::max<std::chrono::milliseconds>(m_config.presenceTtl / 3, std::chrono::milliseconds(50)));
    connect(&m_heartbeat, &QTimer::timeout, this, &ClusterNode::tick);
}

ClusterNode::~ClusterNode()
{
    m_pubsub.setRelay({});
    m_pubsub.presence().setReplicator({});
}

void ClusterNode::start()
{
    m_pubsub.setRelay([this](const QString &topic, const QVariant &payload) { relay(topic, payload); });
    m_pubsub.presence().setReplicator([this](const QString &topic, const QJsonObject &joins, const QJsonObject &leaves) {
        replicate(topic, joins, leaves);
    });
    m_bus->start();
    m_heartbeat.start();
    qCInfo(lcRedis).noquote() << "cluster: instance" << instanceId() << "on" << m_config.url.toString()
                              << "presence TTL" << m_config.presenceTtl.count() << "ms";
}

void ClusterNode::stop(std::chrono::milliseconds timeout)
{
    m_heartbeat.stop();
    m_pubsub.setRelay({});
    m_pubsub.presence().setReplicator({});
    if (m_bus->isConnected()) {
        send({{u"k"_s, u"bye"_s}});
        m_bus->drain(timeout);
    }
}

ClusterStats ClusterNode::stats() const
{
    return {m_bus->stats(), m_peerCount.load(std::memory_order_relaxed), m_notEncodable.load(std::memory_order_relaxed)};
}

void ClusterNode::send(const QJsonObject &message)
{
    m_bus->publish(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

void ClusterNode::relay(const QString &topic, const QVariant &payload)
{
    auto json = m_encoder(payload);
    if (!json) {
        m_notEncodable.fetch_add(1, std::memory_order_relaxed);
        std::lock_guard lock(m_mutex);
        if (!m_unencodable.contains(topic)) {
            m_unencodable.insert(topic);
            qCWarning(lcRedis).noquote() << "cluster: broadcasts on" << topic << "stay on this instance:"
                                         << json.error().message << "(only JSON-able messages cross instances)";
        }
        return;
    }
    send({{u"k"_s, u"bc"_s}, {u"t"_s, topic}, {u"p"_s, *json}});
}

// Under the Presence lock: numbered and queued in the order of the changes.
void ClusterNode::replicate(const QString &topic, const QJsonObject &joins, const QJsonObject &leaves)
{
    std::lock_guard lock(m_mutex);
    send({{u"k"_s, u"pd"_s}, {u"s"_s, double(++m_seq)}, {u"t"_s, topic}, {u"j"_s, joins}, {u"l"_s, leaves}});
}

void ClusterNode::sendState()
{
    m_pubsub.presence().withLocalState([this](const QJsonObject &state) {
        std::lock_guard lock(m_mutex);
        send({{u"k"_s, u"st"_s}, {u"s"_s, double(m_seq)}, {u"e"_s, state}});
    });
}

void ClusterNode::requestState(const QString &to)
{
    send({{u"k"_s, u"rq"_s}, {u"to"_s, to}});
}

void ClusterNode::received(const QString &origin, const QByteArray &message)
{
    const QJsonObject m = QJsonDocument::fromJson(message).object();
    const QString kind = m.value(u"k"_s).toString();
    if (kind == u"bc") {
        m_pubsub.deliverLocal(m.value(u"t"_s).toString(), QVariant(m.value(u"p"_s)));
        return;
    }
    if (kind == u"bye") {
        if (m_peers.remove(origin)) {
            m_pubsub.presence().dropRemote(origin);
            m_peerCount.store(int(m_peers.size()), std::memory_order_relaxed);
            qCInfo(lcRedis).noquote() << "cluster: instance" << origin << "left";
        }
        return;
    }
    auto it = m_peers.find(origin);
    if (it == m_peers.end()) {
        it = m_peers.insert(origin, Peer{});
        m_peerCount.store(int(m_peers.size()), std::memory_order_relaxed);
        qCInfo(lcRedis).noquote() << "cluster: instance" << origin << "joined";
    }
    Peer &peer = *it;
    peer.lastSeen = std::chrono::steady_clock::now();
    const quint64 seq = quint64(m.value(u"s"_s).toDouble());
    if (kind == u"pd") {
        onPresenceDiff(peer, origin, m);
    } else if (kind == u"hb") {
        peer.name = m.value(u"n"_s).toString();
        if (!peer.synced || seq != peer.seq) {
            peer.asked = false; // ask again: a request or its answer may have been lost
            resync(peer, origin);
        }
    } else if (kind == u"rq") {
        const QString to = m.value(u"to"_s).toString();
        if (to == u"*" || to == instanceId())
            sendState();
    } else if (kind == u"st") {
        m_pubsub.presence().replaceRemote(origin, m.value(u"e"_s).toObject());
        peer.seq = seq;
        peer.synced = true;
        peer.asked = false;
    }
}

void ClusterNode::resync(Peer &peer, const QString &origin)
{
    peer.synced = false;
    if (!std::exchange(peer.asked, true))
        requestState(origin);
}

void ClusterNode::onPresenceDiff(Peer &peer, const QString &origin, const QJsonObject &m)
{
    const quint64 seq = quint64(m.value(u"s"_s).toDouble());
    if (!peer.synced || seq != peer.seq + 1) {
        // Unknown so far, or a diff went missing (Redis was away): its whole state, which
        // includes this diff.
        resync(peer, origin);
        return;
    }
    peer.seq = seq;
    m_pubsub.presence().applyRemote(origin, m.value(u"t"_s).toString(), m.value(u"j"_s).toObject(), m.value(u"l"_s).toObject());
}

void ClusterNode::tick()
{
    const auto now = std::chrono::steady_clock::now();
    for (auto it = m_peers.begin(); it != m_peers.end();) {
        if (now - it->lastSeen <= m_config.presenceTtl) {
            ++it;
            continue;
        }
        qCWarning(lcRedis).noquote() << "cluster: no heartbeat from" << it.key() << "for" << m_config.presenceTtl.count()
                                     << "ms; its presence entries expire";
        m_pubsub.presence().dropRemote(it.key());
        it = m_peers.erase(it);
    }
    m_peerCount.store(int(m_peers.size()), std::memory_order_relaxed);
    std::lock_guard lock(m_mutex);
    send({{u"k"_s, u"hb"_s}, {u"s"_s, double(m_seq)}, {u"n"_s, m_config.instanceName}});
}

} // namespace LiveActor
