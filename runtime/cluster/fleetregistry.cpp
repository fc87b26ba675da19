#include "cluster/fleetregistry.h"

#include "cluster/redisconnection_p.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>

#include <hiredis/hiredis.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

QByteArray fleetPrefix(int db)
{
    return "liveactor:fleet:" + QByteArray::number(db) + ':';
}

QString utcText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

/// Runs this thread's events until ready() or the deadline (WaitForMoreEvents returns at the
/// deadline at the latest thanks to the timer).
template <typename Ready>
bool waitFor(Ready ready, std::chrono::milliseconds timeout)
{
    QDeadlineTimer deadline(timeout);
    QTimer wake;
    wake.start(timeout);
    while (!ready() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return ready();
}

} // namespace

QByteArray fleetKey(int db, const QString &name)
{
    return fleetPrefix(db) + name.toUtf8();
}

QString FleetInstance::uptime(const QDateTime &now) const
{
    if (!started.isValid())
        return u"-"_s;
    const qint64 s = std::max<qint64>(0, started.secsTo(now));
    if (s < 120)
        return u"%1s"_s.arg(s);
    if (s < 7200)
        return u"%1m"_s.arg(s / 60);
    return u"%1h"_s.arg(s / 3600);
}

QJsonObject FleetInstance::toJson() const
{
    return {{u"name"_s, name},         {u"control_url"_s, controlUrl}, {u"http_url"_s, httpUrl},
            {u"pid"_s, pid},           {u"started"_s, utcText(started)}, {u"version"_s, version},
            {u"sessions"_s, sessions}, {u"views"_s, views},             {u"load"_s, load},
            {u"updated"_s, utcText(updated)}};
}

Result<FleetInstance> FleetInstance::fromJson(const QByteArray &text)
{
    const QJsonObject o = QJsonDocument::fromJson(text).object();
    FleetInstance out;
    out.name = o.value(u"name"_s).toString();
    if (out.name.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"not a fleet record (no name)"_s);
    out.controlUrl = o.value(u"control_url"_s).toString();
    out.httpUrl = o.value(u"http_url"_s).toString();
    out.pid = o.value(u"pid"_s).toInteger();
    out.started = QDateTime::fromString(o.value(u"started"_s).toString(), Qt::ISODateWithMs);
    out.version = o.value(u"version"_s).toString();
    out.sessions = o.value(u"sessions"_s).toInt();
    out.views = o.value(u"views"_s).toInt();
    out.load = o.value(u"load"_s).toDouble();
    out.updated = QDateTime::fromString(o.value(u"updated"_s).toString(), Qt::ISODateWithMs);
    return out;
}

FleetRegistry::FleetRegistry(const RedisUrl &url, const QString &name, std::function<FleetInstance()> sample,
                             std::chrono::milliseconds refresh, QObject *parent)
    : QObject(parent), m_db(url.db), m_name(name), m_sample(std::move(sample)), m_refresh(refresh),
      m_conn(std::make_unique<RedisConnection>(url, u"fleet"_s))
{
    m_timer.setInterval(m_refresh);
    connect(&m_timer, &QTimer::timeout, this, &FleetRegistry::write);
    m_conn->onReady = [this] { write(); }; // back after an outage: visible again at once
}

FleetRegistry::~FleetRegistry() = default;

void FleetRegistry::start()
{
    m_conn->open();
    m_timer.start();
}

bool FleetRegistry::isConnected() const
{
    return m_conn->isReady();
}

void FleetRegistry::write()
{
    if (!m_conn->isReady())
        return; // the record expires while Redis is away; onReady writes again
    FleetInstance record = m_sample();
    record.name = m_name;
    record.updated = QDateTime::currentDateTimeUtc();
    const QByteArray json = QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact);
    m_conn->command({"SET", fleetKey(m_db, m_name), json, "PX", QByteArray::number(qint64(ttl().count()))},
                    [this](redisReply *reply) {
                        if (reply && reply->type == REDIS_REPLY_STATUS)
                            ++m_written;
                    });
}

bool FleetRegistry::stop(std::chrono::milliseconds timeout)
{
    m_timer.stop();
    auto deleted = std::make_shared<bool>(false);
    const bool sent = m_conn->command({"DEL", fleetKey(m_db, m_name)}, [deleted](redisReply *reply) {
        *deleted = reply && reply->type == REDIS_REPLY_INTEGER;
    });
    // The reply callback runs inside hiredis or at close(): *deleted outlives both.
    const bool ok = sent && waitFor([deleted] { return *deleted; }, timeout);
    m_conn->close();
    return ok;
}

void FleetRegistry::abandon()
{
    m_timer.stop();
    m_conn->close();
}

FleetReader::FleetReader(const RedisUrl &url, QObject *parent)
    : QObject(parent), m_db(url.db), m_conn(std::make_unique<RedisConnection>(url, u"fleet reader"_s))
{
    m_conn->onReady = [this] {
        for (ListFn &done : std::exchange(m_waiting, {}))
            list(std::move(done));
    };
}

FleetReader::~FleetReader() = default;

void FleetReader::start()
{
    m_conn->open();
}

bool FleetReader::isConnected() const
{
    return m_conn->isReady();
}

void FleetReader::list(ListFn done)
{
    if (!m_conn->isReady()) {
        m_waiting.push_back(std::move(done));
        return;
    }
    scan("0", std::make_shared<QList<QByteArray>>(), std::move(done));
}

void FleetReader::scan(QByteArray cursor, std::shared_ptr<QList<QByteArray>> keys, ListFn done)
{
    auto lost = [done] { done(fail(ErrorCode::Io, u"the Redis connection went away"_s)); };
    const bool sent = m_conn->command(
        {"SCAN", cursor, "MATCH", fleetPrefix(m_db) + '*', "COUNT", "500"}, [this, keys, done, lost](redisReply *reply) {
            if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2
                || reply->element[0]->type != REDIS_REPLY_STRING || reply->element[1]->type != REDIS_REPLY_ARRAY)
                return lost();
            const redisReply *found = reply->element[1];
            for (size_t i = 0; i < found->elements; ++i) {
                if (found->element[i]->type == REDIS_REPLY_STRING)
                    keys->append(QByteArray(found->element[i]->str, qsizetype(found->element[i]->len)));
            }
            const QByteArray next(reply->element[0]->str, qsizetype(reply->element[0]->len));
            if (next == "0")
                fetch(*keys, done); // SCAN may return a key twice: fetch() keeps one record per name
            else
                scan(next, keys, done);
        });
    if (!sent)
        lost();
}

void FleetReader::fetch(const QList<QByteArray> &keys, ListFn done)
{
    if (keys.isEmpty())
        return done(QList<FleetInstance>{});
    QList<QByteArray> argv{"MGET"};
    argv += keys;
    const bool sent = m_conn->command(argv, [done](redisReply *reply) {
        if (!reply || reply->type != REDIS_REPLY_ARRAY)
            return done(fail(ErrorCode::Io, u"the Redis connection went away"_s));
        QList<FleetInstance> out;
        for (size_t i = 0; i < reply->elements; ++i) {
            const redisReply *value = reply->element[i];
            if (value->type != REDIS_REPLY_STRING) // expired between SCAN and MGET
                continue;
            auto record = FleetInstance::fromJson(QByteArray(value->str, qsizetype(value->len)));
            const bool seen = record && std::any_of(out.cbegin(), out.cend(),
                                                    [&](const FleetInstance &i) { return i.name == record->name; });
            if (record && !seen)
                out.append(*record);
        }
        std::sort(out.begin(), out.end(), [](const FleetInstance &a, const FleetInstance &b) { return a.name < b.name; });
        done(out);
    });
    if (!sent)
        done(fail(ErrorCode::Io, u"the Redis connection went away"_s));
}

Result<QList<FleetInstance>> FleetReader::listBlocking(const RedisUrl &url, std::chrono::milliseconds timeout)
{
    std::optional<Result<QList<FleetInstance>>> result; // before the reader: its close() may still answer
    FleetReader reader(url);
    reader.start();
    reader.list([&result](Result<QList<FleetInstance>> r) { result = std::move(r); });
    if (waitFor([&result] { return result.has_value(); }, timeout))
        return *result;
    if (!reader.isConnected())
        return fail(ErrorCode::Io, u"cannot reach Redis at %1"_s.arg(url.toString()));
    return fail(ErrorCode::Timeout, u"Redis at %1 did not answer in %2 ms"_s.arg(url.toString()).arg(timeout.count()));
}

} // namespace LiveActor
