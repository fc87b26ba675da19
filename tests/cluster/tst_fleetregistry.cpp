// FleetRegistry and FleetReader against a real redis-server: registries in this process are the
// instances of a fleet.

#include "cluster/fleetregistry.h"
#include "cluster/redisconnection_p.h"
#include "support/redisserver.h"

#include <QJsonDocument>
#include <QTimeZone>
#include <QTcpServer>
#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

constexpr auto kRefresh = 200ms; // TTL 600 ms: an abandoned record goes quickly

std::unique_ptr<FleetRegistry> makeRegistry(const RedisServer &redis, const QString &name, int *sessions = nullptr)
{
    auto registry = std::make_unique<FleetRegistry>(*RedisUrl::parse(redis.url()), name, [name, sessions] {
        FleetInstance i;
        i.controlUrl = u"ws://127.0.0.1:4001/"_s;
        i.httpUrl = u"http://127.0.0.1:4000/"_s;
        i.pid = 4242;
        i.started = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
        i.version = u"1.2.3"_s;
        i.sessions = sessions ? *sessions : 7;
        i.views = 9;
        i.load = 12.5;
        return i;
    }, kRefresh);
    registry->start();
    return registry;
}

/// The fleet's names as the reader lists them now (an empty list on error, with a warning).
QStringList names(FleetReader &reader)
{
    std::optional<Result<QList<FleetInstance>>> got;
    reader.list([&got](Result<QList<FleetInstance>> r) { got = std::move(r); });
    if (!QTest::qWaitFor([&] { return got.has_value(); }, 20000) || !*got) {
        qWarning() << "list failed";
        return {};
    }
    QStringList out;
    for (const FleetInstance &i : **got)
        out << i.name;
    return out;
}

} // namespace

class TestFleetRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
    }

    void recordsRoundTrip()
    {
        FleetInstance i;
        i.name = u"a"_s;
        i.pid = 12;
        i.started = QDateTime(QDate(2026, 5, 6), QTime(7, 8, 9, 10), Qt::UTC);
        i.load = 1.5;
        auto back = FleetInstance::fromJson(QJsonDocument(i.toJson()).toJson());
        QVERIFY(back);
        QCOMPARE(back->name, u"a"_s);
        QCOMPARE(back->pid, 12);
        QCOMPARE(back->started, i.started);
        QCOMPARE(back->load, 1.5);
        QVERIFY(!FleetInstance::fromJson("not json"));
        QVERIFY(!FleetInstance::fromJson(R"({"pid": 1})"));
        QCOMPARE(fleetKey(3, u"web-1"_s), "liveactor:fleet:3:web-1");
    }

    void registriesSeeEachOtherAndRefresh()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        int sessions = 1;
        auto a = makeRegistry(redis, u"a"_s, &sessions);
        auto b = makeRegistry(redis, u"b"_s);
        FleetReader reader(*RedisUrl::parse(redis.url()));
        reader.start();
        QTRY_COMPARE_WITH_TIMEOUT(names(reader), (QStringList{u"a"_s, u"b"_s}), 20000);

        auto list = FleetReader::listBlocking(*RedisUrl::parse(redis.url()), 20s);
        QVERIFY(list);
        const FleetInstance &b0 = list->at(1);
        QCOMPARE(b0.name, u"b"_s);
        QCOMPARE(b0.controlUrl, u"ws://127.0.0.1:4001/"_s);
        QCOMPARE(b0.httpUrl, u"http://127.0.0.1:4000/"_s);
        QCOMPARE(b0.pid, 4242);
        QCOMPARE(b0.version, u"1.2.3"_s);
        QCOMPARE(b0.sessions, 7);
        QCOMPARE(b0.views, 9);
        QCOMPARE(b0.load, 12.5);
        QVERIFY(b0.updated.isValid());

        sessions = 5; // the next refresh carries it
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto l = FleetReader::listBlocking(*RedisUrl::parse(redis.url()), 20s);
                return l && !l->isEmpty() && l->first().sessions == 5;
            }(),
            20000);
    }

    void abandonedRecordExpiresCleanStopRemovesAtOnce()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        auto a = makeRegistry(redis, u"a"_s);
        auto b = makeRegistry(redis, u"b"_s);
        auto c = makeRegistry(redis, u"c"_s);
        FleetReader reader(*RedisUrl::parse(redis.url()));
        reader.start();
        QTRY_COMPARE_WITH_TIMEOUT(names(reader), (QStringList{u"a"_s, u"b"_s, u"c"_s}), 20000);

        c->abandon(); // as after SIGKILL: no DEL, the TTL removes it
        QTRY_COMPARE_WITH_TIMEOUT(names(reader), (QStringList{u"a"_s, u"b"_s}), 20000);
        QVERIFY(a->written() > 0);

        QVERIFY(b->stop(10s));
        QCOMPARE(names(reader), QStringList{u"a"_s}); // confirmed DEL: gone before any TTL
    }

    void skipsForeignRecordsAndWaitsForRedis()
    {
        RedisServer redis;
        // The reader asks before Redis is up: the list comes once it is.
        FleetReader reader(*RedisUrl::parse(redis.url()));
        reader.start();
        std::optional<Result<QList<FleetInstance>>> early;
        reader.list([&early](Result<QList<FleetInstance>> r) { early = std::move(r); });
        QVERIFY(redis.start());
        QTRY_VERIFY_WITH_TIMEOUT(early.has_value(), 30000);
        QVERIFY(*early);
        QVERIFY((*early)->isEmpty());

        RedisConnection raw(*RedisUrl::parse(redis.url()), u"test"_s);
        raw.open();
        QTRY_VERIFY_WITH_TIMEOUT(raw.isReady(), 20000);
        bool set = false;
        raw.command({"SET", fleetKey(0, u"junk"_s), "not a record"}, [&set](redisReply *) { set = true; });
        raw.command({"SET", "liveactor:fleet:1:other-db", R"({"name":"x"})"}, [&set](redisReply *) { set = true; });
        QTRY_VERIFY_WITH_TIMEOUT(set, 20000);
        auto a = makeRegistry(redis, u"a"_s);
        QTRY_COMPARE_WITH_TIMEOUT(names(reader), QStringList{u"a"_s}, 20000);
    }

    void unreachableRedisIsAClearError()
    {
        QTcpServer probe; // a port nothing listens on once closed
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        auto r = FleetReader::listBlocking(*RedisUrl::parse(u"redis://127.0.0.1:%1/0"_s.arg(port)), 1500ms);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Io);
        QVERIFY2(r.error().message.contains(u"cannot reach Redis"_s), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestFleetRegistry)
#include "tst_fleetregistry.moc"
