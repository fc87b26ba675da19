// RedisBus against a real redis-server: two buses in this process are two instances.

#include "cluster/redisbus.h"
#include "support/redisserver.h"

#include <QSignalSpy>
#include <QTest>

#include <thread>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace {

std::unique_ptr<RedisBus> makeBus(const RedisServer &redis, const QString &id)
{
    auto url = RedisUrl::parse(redis.url());
    if (!url)
        return nullptr;
    auto bus = std::make_unique<RedisBus>(RedisBusConfig{*url, "liveactor-test", id});
    bus->start();
    return bus;
}

/// What a bus received, as "origin:message" strings.
struct Inbox
{
    explicit Inbox(RedisBus &bus)
    {
        QObject::connect(&bus, &RedisBus::received, &bus, [this](const QString &origin, const QByteArray &m) {
            messages << origin + u':' + QString::fromUtf8(m);
        });
    }
    QStringList messages;
};

} // namespace

class TestRedisBus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
    }

    void parsesUrls()
    {
        auto u = RedisUrl::parse(u"redis://:secret@10.0.0.5:6380/3"_s);
        QVERIFY(u);
        QCOMPARE(u->host, u"10.0.0.5"_s);
        QCOMPARE(u->port, 6380);
        QCOMPARE(u->db, 3);
        QCOMPARE(u->password, u"secret"_s);
        QCOMPARE(u->toString(), u"redis://10.0.0.5:6380/3"_s); // no password in logs
        auto d = RedisUrl::parse(u"redis://localhost"_s);
        QVERIFY(d);
        QCOMPARE(d->port, 6379);
        QCOMPARE(d->db, 0);
        for (const QString &bad : {u"http://host:1/0"_s, u"redis://"_s, u"redis://h:1/x"_s, u"redis://h:99999/0"_s, u"nonsense"_s})
            QVERIFY2(!RedisUrl::parse(bad), qPrintable(bad));
    }

    void othersGetEachMessageOnceInOrderAndNoEcho()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        auto a = makeBus(redis, u"a:1"_s);
        auto b = makeBus(redis, u"b:1"_s);
        Inbox inA(*a), inB(*b);
        QTRY_VERIFY_WITH_TIMEOUT(a->isConnected() && b->isConnected(), 20000);

        // One publisher on another thread (as an executor publishes): its order is kept.
        std::thread publisher([&] {
            for (int i = 0; i < 500; ++i)
                a->publish(QByteArray::number(i));
        });
        publisher.join();
        b->publish("from b");
        QTRY_COMPARE_WITH_TIMEOUT(inB.messages.size(), 500, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(inA.messages.size(), 1, 20000);
        for (int i = 0; i < 500; ++i)
            QCOMPARE(inB.messages.at(i), u"a:1:"_s + QString::number(i));
        QCOMPARE(inA.messages, QStringList{u"b:1:from b"_s}); // none of its own 500
        QCOMPARE(a->stats().published, 500u);
        QCOMPARE(a->stats().dropped, 0u);
        QCOMPARE(b->stats().received, 500u);
    }

    void dropsWhileRedisIsAwayAndRecovers()
    {
        RedisServer redis;
        QVERIFY(redis.start());
        auto a = makeBus(redis, u"a:2"_s);
        auto b = makeBus(redis, u"b:2"_s);
        Inbox inB(*b);
        QTRY_VERIFY_WITH_TIMEOUT(a->isConnected() && b->isConnected(), 20000);
        a->publish("before");
        QTRY_COMPARE_WITH_TIMEOUT(inB.messages, QStringList{u"a:2:before"_s}, 20000);

        redis.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!a->isConnected() && !b->isConnected(), 20000);
        for (int i = 0; i < 5; ++i)
            a->publish("while away");
        QTRY_COMPARE_WITH_TIMEOUT(a->stats().dropped, 5u, 20000);

        QVERIFY(redis.start()); // same port: the buses find it again by themselves
        QTRY_VERIFY_WITH_TIMEOUT(a->isConnected() && b->isConnected(), 30000);
        a->publish("after");
        QTRY_COMPARE_WITH_TIMEOUT(inB.messages.size(), 2, 20000);
        QCOMPARE(inB.messages.last(), u"a:2:after"_s); // nothing of the outage arrives late
        QCOMPARE(a->stats().dropped, 5u);
        QVERIFY(a->stats().reconnects >= 1);
    }

    void absentRedisIsRetriedNotFatal()
    {
        RedisServer redis; // not started yet
        auto a = makeBus(redis, u"a:3"_s);
        QSignalSpy up(a.get(), &RedisBus::connectedChanged);
        a->publish("nobody hears this");
        QTRY_COMPARE_WITH_TIMEOUT(a->stats().dropped, 1u, 20000);
        QVERIFY(!a->isConnected());
        QVERIFY(redis.start());
        QTRY_VERIFY_WITH_TIMEOUT(a->isConnected(), 30000);
        QCOMPARE(up.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRedisBus)
#include "tst_redisbus.moc"
