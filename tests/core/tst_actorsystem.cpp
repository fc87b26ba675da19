#include "support/actors.h"

#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace std::chrono_literals;

/// ActorSystem: placement, control-plane commands from another thread with results on the
/// caller's thread, whole-system shutdown (clean, and with an actor that ignores shutdown).
class tst_ActorSystem : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void placement_data()
    {
        QTest::addColumn<int>("executors");
        QTest::newRow("1") << 1;
        QTest::newRow("2") << 2;
        QTest::newRow("4") << 4;
    }
    void placement()
    {
        QFETCH(int, executors);
        ActorSystem sys({.executors = executors, .deterministic = true});
        QList<int> seen;
        for (int i = 0; i < executors * 2; ++i)
            seen << sys.pickExecutor(Placement::RoundRobin);
        for (int e = 0; e < executors; ++e)
            QCOMPARE(seen.count(e), 2);
        // Load one executor; least-loaded avoids it.
        for (int i = 0; i < 3; ++i)
            sys.spawn<Worker>({.executor = 0}, u"w"_qs, nullptr);
        if (executors > 1)
            QVERIFY(sys.pickExecutor(Placement::LeastLoaded) != 0);
        QCOMPARE(sys.executor(0).actorCount(), 3);
    }

    void commandsFromMainThread()
    {
        ActorSystem sys({.executors = 2});
        Log log = std::make_shared<SharedLog>();
        ActorRef sup = sys.spawn<Supervisor>({.kind = u"supervisor"_qs}, SupervisorFlags{},
                                             std::vector<ChildSpec>{workerSpec(u"v"_qs, nullptr)});
        QTRY_COMPARE(sys.registry().count(), 2);
        const QUuid vid = sys.registry().snapshot().actors[1].id;

        bool pinged = false;
        sys.ping(vid, 2000ms, this, [&](Result<std::chrono::microseconds> r) {
            QVERIFY(QThread::currentThread() == thread()); // delivered on the context's thread
            pinged = r.has_value();
        });
        QTRY_VERIFY(pinged);

        bool killed = false;
        sys.kill(vid, this, [&](Result<void> r) { killed = r.has_value(); });
        QTRY_VERIFY(killed);
        QTRY_COMPARE(sys.registry().find(vid)->restartCount, 1); // supervisor restarted it
        QCOMPARE(sys.registry().find(vid)->lastExit.message, u"by operator"_qs);

        std::optional<Result<ActorRef>> restarted;
        sys.restart(vid, this, [&](Result<ActorRef> r) { restarted = r; });
        QTRY_VERIFY(restarted.has_value());
        QVERIFY(restarted->has_value());
        QCOMPARE((*restarted)->incarnation(), 2u);

        bool stopped = false;
        sys.shutdownActor(sup.id(), 2000ms, this, [&](Result<void> r) { stopped = r.has_value(); });
        QTRY_VERIFY(stopped);
        QTRY_COMPARE(sys.registry().count(), 0);
    }

    void systemShutdown_data()
    {
        QTest::addColumn<bool>("stubborn");
        QTest::newRow("clean") << false;
        QTest::newRow("an actor ignores shutdown") << true;
    }
    void systemShutdown()
    {
        QFETCH(bool, stubborn);
        Log log = std::make_shared<SharedLog>();
        ActorSystem sys({.executors = 2});
        sys.spawn<Supervisor>({}, SupervisorFlags{},
                              std::vector<ChildSpec>{workerSpec(u"a"_qs, log), workerSpec(u"b"_qs, log)});
        ActorRef lone = sys.spawn<Worker>({}, u"lone"_qs, log, stubborn);
        QTRY_COMPARE(log->size(), 3);
        QElapsedTimer timer;
        timer.start();
        const bool clean = sys.shutdown(300ms);
        QCOMPARE(clean, !stubborn);
        QVERIFY(timer.elapsed() < 3000);
        QCOMPARE(sys.registry().count(), 0);
        QVERIFY(log->contains(u"stop:lone"_qs)); // killed at the timeout if stubborn
        QCOMPARE(log->indexOf(u"stop:b"_qs) < log->indexOf(u"stop:a"_qs), true);
        QVERIFY(sys.spawn<Worker>({}, u"late"_qs, nullptr).isNull());
        QCOMPARE(lone.tell(Value{1}), SendStatus::Closed);
    }
};

QTEST_GUILESS_MAIN(tst_ActorSystem)
#include "tst_actorsystem.moc"
