#include "core/mailbox.h"

#include <QTest>

using namespace LiveActor;

namespace {
struct Seq { int n; };
Envelope env(int n) { return Envelope(Message(Seq{n})); }
} // namespace

/// Mailbox: bounds, Full while the system lane still accepts, counters, FIFO, close, scheduling.
class tst_Mailbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bounds_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("offered");
        QTest::newRow("component 20") << 20 << 25;
        QTest::newRow("view 50") << 50 << 50;
        QTest::newRow("session 100") << 100 << 300;
        QTest::newRow("one") << 1 << 3;
    }
    void bounds()
    {
        QFETCH(int, capacity);
        QFETCH(int, offered);
        Mailbox box(capacity);
        int ok = 0, full = 0;
        bool wake = false;
        for (int i = 0; i < offered; ++i) {
            const SendStatus s = box.push(env(i), wake);
            if (s == SendStatus::Ok)
                ++ok;
            else if (s == SendStatus::Full)
                ++full;
            if (i == 0)
                QVERIFY(wake); // first message: the owner must be scheduled…
            else
                QVERIFY(!wake); // …exactly once
        }
        QCOMPARE(ok, std::min(capacity, offered));
        QCOMPARE(full, offered - ok);
        // The system lane is never Full.
        for (int i = 0; i < 10; ++i)
            QCOMPARE(box.pushSystem(env(-1), wake), SendStatus::Ok);
        const MailboxStats s = box.stats();
        QCOMPARE(s.length, ok);
        QCOMPARE(s.capacity, capacity);
        QCOMPARE(s.highWater, ok);
        QCOMPARE(s.systemLength, 10);
        QCOMPARE(s.enqueued, quint64(ok + 10));
        QCOMPARE(s.rejected, quint64(full));
        QCOMPARE(s.processed, quint64(0));
    }
    void fifoAndCounters()
    {
        Mailbox box(8);
        bool wake;
        int next = 0, expect = 0;
        // Interleave pushes and partial batches so the ring wraps several times.
        for (int round = 0; round < 20; ++round) {
            while (box.push(env(next), wake) == SendStatus::Ok)
                ++next;
            const int n = box.acquire(3);
            QCOMPARE(n, 3);
            for (int i = 0; i < n; ++i)
                QCOMPARE(box.at(i).message.as<Seq>()->n, expect++);
            box.release(n, 1000);
        }
        const MailboxStats s = box.stats();
        QCOMPARE(s.processed, quint64(60));
        QCOMPARE(s.length, 5); // refilled to 8, then 3 taken
        QCOMPARE(s.highWater, 8);
        QVERIFY(s.rejected >= 20);
        QVERIFY(s.processingTimeUs > 0);
    }
    void acquiredSlotsStayCounted()
    {
        Mailbox box(4);
        bool wake;
        for (int i = 0; i < 4; ++i)
            QCOMPARE(box.push(env(i), wake), SendStatus::Ok);
        QCOMPARE(box.acquire(4), 4);
        QCOMPARE(box.push(env(9), wake), SendStatus::Full); // in-flight batch still occupies the ring
        box.release(2, 0);
        QCOMPARE(box.push(env(9), wake), SendStatus::Ok);
        QCOMPARE(box.acquire(10), 3);
        QCOMPARE(box.at(0).message.as<Seq>()->n, 2);
        QCOMPARE(box.at(2).message.as<Seq>()->n, 9);
    }
    void systemFirstAndScheduling()
    {
        Mailbox box(4);
        bool wake;
        box.push(env(1), wake);
        QVERIFY(wake);
        box.pushSystem(env(-1), wake);
        QVERIFY(!wake);
        QVERIFY(box.hasSystem());
        Envelope e;
        QVERIFY(box.popSystem(e));
        QCOMPARE(e.message.as<Seq>()->n, -1);
        QVERIFY(!box.hasSystem());
        QVERIFY(box.finishActivation()); // a normal message is left: stays scheduled
        QCOMPARE(box.acquire(10), 1);
        box.release(1, 0);
        QVERIFY(!box.finishActivation()); // empty: idle now
        box.push(env(2), wake);
        QVERIFY(wake); // idle → runnable again
    }
    void close()
    {
        Mailbox box(4);
        bool wake;
        box.push(env(1), wake);
        box.closeNormal();
        QCOMPARE(box.push(env(2), wake), SendStatus::Closed);
        QCOMPARE(box.pushSystem(env(3), wake), SendStatus::Ok); // system lane open while draining
        QCOMPARE(box.length(), 1);
        box.closeAll();
        QCOMPARE(box.pushSystem(env(4), wake), SendStatus::Closed);
        QCOMPARE(box.length(), 0);
        QCOMPARE(box.stats().rejected, quint64(1)); // system-lane Closed is not a tell() rejection
    }
};

QTEST_GUILESS_MAIN(tst_Mailbox)
#include "tst_mailbox.moc"
