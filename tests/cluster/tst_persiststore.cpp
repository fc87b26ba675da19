// PersistStore against a real redis-server: two stores in this process are two instances.

#include "cluster/persiststore.h"
#include "support/redisserver.h"

#include <QTest>

#include <thread>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace {

std::unique_ptr<PersistStore> makeStore(const RedisServer &redis, std::chrono::milliseconds ttl = std::chrono::hours(1))
{
    auto url = RedisUrl::parse(redis.url());
    if (!url)
        return nullptr;
    auto store = std::make_unique<PersistStore>(*url, ttl);
    store->start();
    return store;
}

/// What get() answers, waiting for it on this thread's loop ("<none>" for nullopt).
QByteArray fetch(PersistStore &store, const QByteArray &key)
{
    std::optional<QByteArray> got;
    bool answered = false;
    store.get(key, [&](std::optional<QByteArray> r) {
        got = std::move(r);
        answered = true;
    });
    if (!QTest::qWaitFor([&] { return answered; }, 10000))
        return "<no answer>";
    return got.value_or("<none>");
}

} // namespace

class TestPersistStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysDependOnSecretTokenAndTopic()
    {
        const QByteArray k = PersistStore::keyFor("secret-0123456789", 0, "token-a", u"lv:phx-1"_s);
        QVERIFY(k.startsWith("liveactor:persist:0:"));
        QCOMPARE(k, PersistStore::keyFor("secret-0123456789", 0, "token-a", u"lv:phx-1"_s));
        QVERIFY(k != PersistStore::keyFor("secret-0123456789", 0, "token-b", u"lv:phx-1"_s));
        QVERIFY(k != PersistStore::keyFor("secret-0123456789", 0, "token-a", u"lv:phx-2"_s));
        QVERIFY(k != PersistStore::keyFor("other-secret-0123", 0, "token-a", u"lv:phx-1"_s));
        QVERIFY(k != PersistStore::keyFor("secret-0123456789", 1, "token-a", u"lv:phx-1"_s));
        // The separator keeps the parts apart: ("ab", "c") is not ("a", "bc").
        QVERIFY(PersistStore::keyFor("s", 0, "ab", u"c"_s) != PersistStore::keyFor("s", 0, "a", u"bc"_s));
    }

    void anotherInstanceReadsTheNewestRecord()
    {
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
        RedisServer redis;
        QVERIFY(redis.start());
        auto a = makeStore(redis);
        auto b = makeStore(redis);
        QTRY_VERIFY_WITH_TIMEOUT(a->isReady() && b->isReady(), 20000);

        // Many puts of one key from another thread (as a view's executor): the last one wins.
        std::thread view([&] {
            for (int i = 1; i <= 500; ++i)
                a->put("k1", QByteArray::number(i));
        });
        view.join();
        a->put("k2", "other");
        QVERIFY(a->flush(std::chrono::seconds(10)));
        QCOMPARE(fetch(*b, "k1"), "500"_ba);
        QCOMPARE(fetch(*b, "k2"), "other"_ba);
        QCOMPARE(fetch(*b, "missing"), "<none>"_ba);
        const auto stats = a->stats();
        QCOMPARE(stats.failed, 0u);
        QCOMPARE(stats.written + stats.coalesced, 501u); // each put written or replaced
        QVERIFY(stats.written < 501u);                  // and some were coalesced
    }

    void viewStatesSaveLoadAndReportWhenSaved()
    {
        // The server's ViewStateStore on Redis: whenSaved() answers once the record is written
        // (draining), load() then finds it under the same token and topic only.
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
        RedisServer redis;
        QVERIFY(redis.start());
        auto store = makeStore(redis);
        QTRY_VERIFY_WITH_TIMEOUT(store->isReady(), 20000);
        RedisViewStates states(store.get(), [] { return "secret-0123456789"_ba; }, 0);
        bool saved = false;
        std::thread view([&] {
            states.save("token-a", u"lv:phx-1"_s, "{\"count\":7}");
            states.whenSaved([&] { saved = true; });
        });
        view.join();
        QTRY_VERIFY_WITH_TIMEOUT(saved, 10000);
        QCOMPARE(store->stats().written, 1u); // answered after the SET, not before
        auto load = [&](const QByteArray &token, const QString &topic) {
            std::optional<QByteArray> got;
            bool answered = false;
            states.load(token, topic, [&](std::optional<QByteArray> r) {
                got = std::move(r);
                answered = true;
            });
            return QTest::qWaitFor([&] { return answered; }, 10000) ? got.value_or("<none>") : "<no answer>"_ba;
        };
        QCOMPARE(load("token-a", u"lv:phx-1"_s), "{\"count\":7}"_ba);
        QCOMPARE(load("token-b", u"lv:phx-1"_s), "<none>"_ba);
        QCOMPARE(load("token-a", u"lv:phx-2"_s), "<none>"_ba);
        bool idleNow = false;
        store->whenIdle([&] { idleNow = true; }); // nothing pending: at once
        QVERIFY(idleNow);
    }

    void recordsExpireAfterTheTtl()
    {
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
        RedisServer redis;
        QVERIFY(redis.start());
        auto a = makeStore(redis, std::chrono::milliseconds(300));
        QTRY_VERIFY_WITH_TIMEOUT(a->isReady(), 20000);
        a->put("k", "v");
        QVERIFY(a->flush(std::chrono::seconds(10)));
        QTRY_COMPARE_WITH_TIMEOUT(fetch(*a, "k"), "<none>"_ba, 10000);
    }

    void recordsPutWhileRedisIsAwayGoOutOnReconnect()
    {
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
        auto redis = std::make_unique<RedisServer>();
        QVERIFY(redis->start());
        auto a = makeStore(*redis);
        QTRY_VERIFY_WITH_TIMEOUT(a->isReady(), 20000);
        redis->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!a->isReady(), 20000);
        a->put("k", "kept");
        QVERIFY(!a->flush(std::chrono::milliseconds(200))); // nowhere to go yet
        QCOMPARE(fetch(*a, "k"), "<none>"_ba);              // Redis away: a miss, not a hang
        QVERIFY(redis->start());
        QTRY_VERIFY_WITH_TIMEOUT(a->isReady(), 20000);
        QVERIFY(a->flush(std::chrono::seconds(10)));
        QCOMPARE(fetch(*a, "k"), "kept"_ba);
    }
};

QTEST_GUILESS_MAIN(TestPersistStore)
#include "tst_persiststore.moc"
