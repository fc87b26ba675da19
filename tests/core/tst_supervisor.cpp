#include "support/actors.h"

#include "core/supervisor.h"

#include <QDateTime>
#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(LiveActor::RestartStrategy)
Q_DECLARE_METATYPE(LiveActor::RestartType)
Q_DECLARE_METATYPE(LiveActor::ChildExit)

namespace {

QList<ChildInfo> which(ActorSystem &sys, const ActorRef &sup)
{
    QList<ChildInfo> infos;
    Supervisor::which(sup, nullptr, [&](Result<QList<ChildInfo>> r) {
        if (r)
            infos = *r;
    });
    sys.runUntilIdle();
    return infos;
}

ActorRef childRef(ActorSystem &sys, const ActorRef &sup, const QString &id)
{
    for (const ChildInfo &c : which(sys, sup))
        if (c.id == id)
            return c.ref;
    return {};
}

/// A plain actor that owns a supervisor tree and crashes on Crash.
class Owner : public Actor
{
public:
    explicit Owner(Log log) : m_log(std::move(log)) { }
    Result<void> started() override
    {
        spawn<Supervisor>({.kind = u"supervisor"_qs}, SupervisorFlags{},
                          std::vector<ChildSpec>{workerSpec(u"a"_qs, m_log), workerSpec(u"b"_qs, m_log),
                                                 workerSpec(u"c"_qs, m_log)});
        return {};
    }
    Result<void> handle(Message &m) override
    {
        if (m.is<Crash>())
            return fail(ErrorCode::Internal, QStringLiteral("owner boom"));
        return {};
    }

private:
    Log m_log;
};

} // namespace

/// Supervisor: strategies, restart types, intensity window and escalation, shutdown order and
/// timeouts, stale refs after restart, dynamic children, operator restart.
class tst_Supervisor : public QObject
{
    Q_OBJECT
    /// What the workers log ("start:<id>", "stop:<id>"): a fresh one for every test function.
    Log log;

private Q_SLOTS:
    void init() { log = std::make_shared<SharedLog>(); }

    void strategies_data()
    {
        QTest::addColumn<RestartStrategy>("strategy");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("one_for_one") << RestartStrategy::OneForOne
                                     << QStringList{u"stop:b"_qs, u"start:b"_qs};
        QTest::newRow("one_for_all") << RestartStrategy::OneForAll
                                     << QStringList{u"stop:b"_qs, u"stop:c"_qs, u"stop:a"_qs,
                                                    u"start:a"_qs, u"start:b"_qs, u"start:c"_qs};
        QTest::newRow("rest_for_one") << RestartStrategy::RestForOne
                                      << QStringList{u"stop:b"_qs, u"stop:c"_qs, u"start:b"_qs, u"start:c"_qs};
    }
    void strategies()
    {
        QFETCH(RestartStrategy, strategy);
        QFETCH(QStringList, expected);
        ActorSystem sys({.executors = 1, .deterministic = true});
        std::vector<ChildSpec> specs{workerSpec(u"a"_qs, log), workerSpec(u"b"_qs, log), workerSpec(u"c"_qs, log)};
        ActorRef sup = sys.spawn<Supervisor>({.kind = u"supervisor"_qs},
                                             SupervisorFlags{strategy, 3, 5000ms}, std::move(specs));
        sys.runUntilIdle();
        QCOMPARE(log->lines(), (QStringList{u"start:a"_qs, u"start:b"_qs, u"start:c"_qs}));
        log->clear();
        const ActorRef b = childRef(sys, sup, u"b"_qs);
        QCOMPARE(b.tell(Crash{}), SendStatus::Ok);
        sys.runUntilIdle();
        QCOMPARE(log->lines(), expected);
        // Per-child restart count and last exit reason.
        for (const ChildInfo &c : which(sys, sup)) {
            QVERIFY(c.running);
            const bool restarted = expected.contains(u"start:" + c.id);
            QCOMPARE(c.restartCount, restarted ? 1 : 0);
            if (c.id == u"b"_qs) {
                QCOMPARE(c.lastExit.kind, ExitReason::Kind::Error);
                QCOMPARE(c.lastExit.message, u"internal: boom"_qs);
            } else if (restarted) {
                QCOMPARE(c.lastExit.kind, ExitReason::Kind::Shutdown);
            }
        }
        QVERIFY(sup.isAlive());
    }

    void restartTypes_data()
    {
        QTest::addColumn<RestartType>("type");
        QTest::addColumn<int>("exit"); // 0 normal, 1 shutdown, 2 abnormal
        QTest::addColumn<bool>("restarted");
        const char *exits[] = {"normal", "shutdown", "abnormal"};
        const RestartType types[] = {RestartType::Permanent, RestartType::Transient, RestartType::Temporary};
        const char *typeNames[] = {"permanent", "transient", "temporary"};
        for (int t = 0; t < 3; ++t)
            for (int e = 0; e < 3; ++e) {
                const bool restarted = t == 0 || (t == 1 && e == 2);
                QTest::addRow("%s, %s exit", typeNames[t], exits[e]) << types[t] << e << restarted;
            }
    }
    void restartTypes()
    {
        QFETCH(RestartType, type);
        QFETCH(int, exit);
        QFETCH(bool, restarted);
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef sup = sys.spawn<Supervisor>({}, SupervisorFlags{RestartStrategy::OneForOne, 3, 5000ms},
                                             std::vector<ChildSpec>{workerSpec(u"x"_qs, log, type)});
        sys.runUntilIdle();
        const ActorRef x = childRef(sys, sup, u"x"_qs);
        const QUuid id = x.id();
        if (exit == 0)
            x.tell(StopNormal{});
        else if (exit == 1)
            x.tell(StopShutdown{});
        else
            x.tell(Crash{});
        sys.runUntilIdle();
        QCOMPARE(log->count(u"start:x"_qs), restarted ? 2 : 1);
        const auto infos = which(sys, sup);
        const auto registryEntry = sys.registry().find(id);
        if (type == RestartType::Temporary) {
            QVERIFY(infos.isEmpty()); // temporary children are forgotten when they exit
            QVERIFY(!registryEntry);
        } else {
            QCOMPARE(infos.size(), 1);
            QCOMPARE(infos[0].running, restarted);
            QCOMPARE(infos[0].restartCount, restarted ? 1 : 0);
            QVERIFY(registryEntry);
            QCOMPARE(registryEntry->state, restarted ? ActorState::Running : ActorState::Stopped);
            QCOMPARE(registryEntry->restartCount, restarted ? 1 : 0);
            QVERIFY(registryEntry->hasExited);
        }
    }

    void intensity_data()
    {
        QTest::addColumn<int>("spacingMs");
        QTest::addColumn<bool>("trips");
        QTest::newRow("600 ms apart: third crash trips") << 600 << true;
        QTest::newRow("999 ms apart: trips") << 999 << true;
        QTest::newRow("1000 ms apart (boundary): new burst") << 1000 << false;
        QTest::newRow("1100 ms apart: never trips") << 1100 << false;
    }
    void intensity()
    {
        QFETCH(int, spacingMs);
        QFETCH(bool, trips);
        ActorSystem sys({.executors = 1, .deterministic = true});
        // inner: intensity 2 per 1 s, a permanent child of outer (which tolerates it restarting).
        ChildSpec innerSpec;
        innerSpec.id = u"inner"_qs;
        innerSpec.shutdownTimeout = 10000ms;
        innerSpec.options.kind = u"supervisor"_qs;
        innerSpec.start = [log = log] {
            return std::make_unique<Supervisor>(SupervisorFlags{RestartStrategy::OneForOne, 2, 1000ms},
                                                std::vector<ChildSpec>{workerSpec(u"w"_qs, log)});
        };
        ActorRef outer = sys.spawn<Supervisor>({}, SupervisorFlags{RestartStrategy::OneForOne, 5, 60000ms},
                                               std::vector<ChildSpec>{innerSpec});
        sys.runUntilIdle();
        const ActorRef inner0 = childRef(sys, outer, u"inner"_qs);
        for (int crash = 1; crash <= 3; ++crash) {
            const ActorRef inner = childRef(sys, outer, u"inner"_qs);
            const ActorRef w = childRef(sys, inner, u"w"_qs);
            QVERIFY(w.isAlive());
            w.tell(Crash{});
            sys.runUntilIdle();
            if (crash < 3)
                QCOMPARE(childRef(sys, outer, u"inner"_qs), inner0); // no escalation yet
            sys.advanceTime(std::chrono::milliseconds(spacingMs));
        }
        const auto outerChildren = which(sys, outer);
        QCOMPARE(outerChildren.size(), 1);
        const ChildInfo inner = outerChildren[0];
        QVERIFY(inner.running);
        if (trips) {
            QCOMPARE(inner.restartCount, 1); // escalated: outer restarted inner
            QCOMPARE(inner.lastExit.kind, ExitReason::Kind::Shutdown);
            QCOMPARE(inner.lastExit.message, u"reached_max_restart_intensity"_qs);
            QVERIFY(inner0.isStale());
            QCOMPARE(log->count(u"start:w"_qs), 4); // 1 + 2 restarts + fresh start under new inner
        } else {
            QCOMPARE(inner.restartCount, 0);
            QVERIFY(!inner0.isStale());
            QCOMPARE(which(sys, inner.ref).value(0).restartCount, 3);
        }
    }

    /// RestartIntensity on its own: the burst rule at its boundary, used() and wouldExceed().
    void restartIntensityBurstRule()
    {
        RestartIntensity budget(2, 1000ms);
        const RestartIntensity::Clock::time_point t0{};
        QCOMPARE(budget.used(t0), 0);
        QVERIFY(budget.record(t0 + 10ms));
        QVERIFY(budget.record(t0 + 900ms));  // 890 ms after the first: same burst
        QCOMPARE(budget.used(t0 + 1899ms), 2);
        QVERIFY(budget.wouldExceed(t0 + 1899ms));
        QCOMPARE(budget.used(t0 + 1900ms), 0); // a whole period after the last: over
        QVERIFY(!budget.wouldExceed(t0 + 1900ms));
        QVERIFY(budget.record(t0 + 1900ms));
        QVERIFY(budget.record(t0 + 2500ms));
        QVERIFY(!budget.record(t0 + 3400ms)); // third within the burst: exceeds
        const SupervisionInfo info = budget.info(u"one_for_one"_qs, t0 + 3500ms, 100000);
        QCOMPARE(info.restartsInWindow, 3);
        QCOMPARE(info.windowEndsAtMs, 100000 + 900); // 3400 + 1000 - 3500
    }

    /// The registry reports the restart budget: strategy, intensity, the open burst's restarts
    /// and when it ends; after the period without a restart a new burst starts from 1.
    void reportsRestartBudget()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef sup = sys.spawn<Supervisor>({}, SupervisorFlags{RestartStrategy::RestForOne, 3, 1000ms},
                                             std::vector<ChildSpec>{workerSpec(u"w"_qs, log)});
        sys.runUntilIdle();
        auto budget = [&] { return sys.registry().find(sup.id()).value().supervision; };
        QVERIFY(budget());
        QCOMPARE(budget()->strategy, u"rest_for_one"_qs);
        QCOMPARE(budget()->intensity, 3);
        QCOMPARE(budget()->periodMs, 1000);
        QCOMPARE(budget()->restartsInWindow, 0);
        QCOMPARE(budget()->windowEndsAtMs, 0);
        for (int crash = 1; crash <= 2; ++crash) {
            const qint64 before = QDateTime::currentMSecsSinceEpoch();
            childRef(sys, sup, u"w"_qs).tell(Crash{});
            sys.runUntilIdle();
            QCOMPARE(budget()->restartsInWindow, crash);
            // The burst ends one period after this restart (wall clock; the test's clock is virtual).
            QVERIFY(budget()->windowEndsAtMs >= before + 1000);
            QVERIFY(budget()->windowEndsAtMs <= QDateTime::currentMSecsSinceEpoch() + 1000);
            sys.advanceTime(400ms);
        }
        sys.advanceTime(1000ms); // a whole period without a restart: the burst is over
        childRef(sys, sup, u"w"_qs).tell(Crash{});
        sys.runUntilIdle();
        QCOMPARE(budget()->restartsInWindow, 1);
        QVERIFY(!sys.registry().find(childRef(sys, sup, u"w"_qs).id())->supervision); // workers have none
    }

    /// The restart preview is the runtime's own rule: for each case, the preview of an action
    /// taken on "b" (inside "inner", under a one_for_one "top") names exactly the actors that then
    /// stop and restart.
    void previewEqualsWhatHappens_data()
    {
        QTest::addColumn<RestartStrategy>("strategy");
        QTest::addColumn<int>("intensity");
        QTest::addColumn<RestartType>("typeOfB");
        QTest::addColumn<ChildExit>("cause");
        QTest::addColumn<int>("steps");
        QTest::addColumn<int>("stopped");
        QTest::addColumn<int>("restarted");
        QTest::newRow("one_for_one kill") << RestartStrategy::OneForOne << 3 << RestartType::Permanent << ChildExit::Crash << 1 << 1 << 1;
        QTest::newRow("one_for_all kill") << RestartStrategy::OneForAll << 3 << RestartType::Permanent << ChildExit::Crash << 1 << 4 << 3;
        QTest::newRow("rest_for_one kill") << RestartStrategy::RestForOne << 3 << RestartType::Permanent << ChildExit::Crash << 1 << 3 << 2;
        // d is temporary: stopped by one_for_all, not restarted
        QTest::newRow("escalation") << RestartStrategy::OneForAll << 0 << RestartType::Permanent << ChildExit::Crash << 2 << 5 << 1;
        QTest::newRow("transient shutdown") << RestartStrategy::OneForAll << 3 << RestartType::Transient << ChildExit::Shutdown << 1 << 1 << 0;
        QTest::newRow("operator restart") << RestartStrategy::OneForAll << 0 << RestartType::Permanent << ChildExit::Restart << 1 << 1 << 1;
    }
    void previewEqualsWhatHappens()
    {
        QFETCH(RestartStrategy, strategy);
        QFETCH(int, intensity);
        QFETCH(RestartType, typeOfB);
        QFETCH(ChildExit, cause);
        QFETCH(int, steps);
        QFETCH(int, stopped);
        QFETCH(int, restarted);
        ActorSystem sys({.executors = 1, .deterministic = true});
        ChildSpec inner;
        inner.id = u"inner"_qs;
        inner.options.kind = u"supervisor"_qs;
        inner.shutdownTimeout = 10000ms;
        inner.start = [=, this] {
            return std::make_unique<Supervisor>(
                SupervisorFlags{strategy, intensity, 5000ms},
                std::vector<ChildSpec>{workerSpec(u"a"_qs, log), workerSpec(u"b"_qs, log, typeOfB),
                                       workerSpec(u"c"_qs, log), workerSpec(u"d"_qs, log, RestartType::Temporary)});
        };
        ActorRef top = sys.spawn<Supervisor>({.kind = u"supervisor"_qs}, SupervisorFlags{RestartStrategy::OneForOne, 3, 5000ms},
                                             std::vector<ChildSpec>{inner});
        sys.runUntilIdle();
        const ActorRef innerRef = childRef(sys, top, u"inner"_qs);
        const ActorRef b = childRef(sys, innerRef, u"b"_qs);

        std::optional<Result<QList<PreviewStep>>> preview;
        sys.previewExit(b.id(), cause, nullptr, [&](Result<QList<PreviewStep>> r) { preview = r; });
        sys.runUntilIdle();
        QVERIFY(preview && preview->has_value());
        QCOMPARE((*preview)->size(), steps);
        QCOMPARE((*preview)->first().parent, innerRef.id());
        QCOMPARE((*preview)->first().parentKind, u"supervisor"_qs);
        QCOMPARE((*preview)->first().plan.stops.first(), b.id());
        QVERIFY(!(*preview)->first().plan.note.isEmpty());
        QSet<QUuid> stops, restarts;
        for (const PreviewStep &step : **preview) {
            QCOMPARE(step.plan.escalates, &step != &(*preview)->last()); // the chain goes up while it escalates
            stops.unite(QSet<QUuid>(step.plan.stops.begin(), step.plan.stops.end()));
            restarts.unite(QSet<QUuid>(step.plan.restarts.begin(), step.plan.restarts.end()));
        }
        QCOMPARE(stops.size(), stopped);
        QCOMPARE(restarts.size(), restarted);

        QHash<QUuid, quint32> before;
        for (const ActorInfo &info : sys.registry().snapshot().actors)
            before.insert(info.id, info.incarnation);
        if (cause == ChildExit::Crash)
            sys.kill(b.id());
        else if (cause == ChildExit::Shutdown)
            sys.shutdownActor(b.id(), 1000ms);
        else
            sys.restart(b.id());
        sys.runUntilIdle();
        QSet<QUuid> didStop, didRestart;
        for (auto it = before.cbegin(); it != before.cend(); ++it) {
            const std::optional<ActorInfo> now = sys.registry().find(it.key());
            const bool running = now && now->state == ActorState::Running;
            if (!running || now->incarnation != it.value())
                didStop.insert(it.key());
            if (running && now->incarnation > it.value())
                didRestart.insert(it.key());
        }
        QCOMPARE(didStop, stops);
        QCOMPARE(didRestart, restarts);
    }

    void previewOfTopLevelAndUnsupervised()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef lone = sys.spawn<Worker>({}, u"lone"_qs, nullptr);
        sys.runUntilIdle();
        std::optional<Result<QList<PreviewStep>>> preview;
        sys.previewExit(lone.id(), ChildExit::Crash, nullptr, [&](Result<QList<PreviewStep>> r) { preview = r; });
        sys.runUntilIdle();
        QVERIFY(preview && preview->has_value() && (*preview)->isEmpty()); // nothing restarts it
        sys.previewExit(lone.id(), ChildExit::Restart, nullptr, [&](Result<QList<PreviewStep>> r) { preview = r; });
        sys.runUntilIdle();
        QCOMPARE(int(preview->error().code), int(ErrorCode::NotSupported)); // as restart() answers
        sys.previewExit(QUuid::createUuid(), ChildExit::Crash, nullptr, [&](Result<QList<PreviewStep>> r) { preview = r; });
        QCOMPARE(int(preview->error().code), int(ErrorCode::NotFound));
    }

    void escalatesToTopLevelExit()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef sup = sys.spawn<Supervisor>({}, SupervisorFlags{RestartStrategy::OneForOne, 0, 1000ms},
                                             std::vector<ChildSpec>{workerSpec(u"a"_qs, log), workerSpec(u"b"_qs, log)});
        std::optional<ExitReason> reason;
        sys.watch(sup, nullptr, [&](ExitReason r) { reason = r; });
        sys.runUntilIdle();
        childRef(sys, sup, u"a"_qs).tell(Crash{});
        sys.runUntilIdle();
        QVERIFY(reason);
        QCOMPARE(reason->message, u"reached_max_restart_intensity"_qs);
        QCOMPARE(log->last(), u"stop:b"_qs); // the remaining child was terminated first
        QCOMPARE(sys.registry().count(), 0);
    }

    void shutdownOrderAndTimeout_data()
    {
        QTest::addColumn<bool>("middleIgnoresShutdown");
        QTest::addColumn<qint64>("expectedMs");
        QTest::newRow("all cooperate") << false << qint64(0);
        QTest::newRow("b ignores shutdown: killed at its 500 ms timeout") << true << qint64(500);
    }
    void shutdownOrderAndTimeout()
    {
        QFETCH(bool, middleIgnoresShutdown);
        QFETCH(qint64, expectedMs);
        ActorSystem sys({.executors = 1, .deterministic = true});
        std::vector<ChildSpec> specs{workerSpec(u"a"_qs, log),
                                     workerSpec(u"b"_qs, log, RestartType::Permanent, 500ms, middleIgnoresShutdown),
                                     workerSpec(u"c"_qs, log)};
        ActorRef sup = sys.spawn<Supervisor>({}, SupervisorFlags{}, std::move(specs));
        sys.runUntilIdle();
        const ActorRef b = childRef(sys, sup, u"b"_qs);
        std::optional<ExitReason> bReason;
        qint64 bExitAt = -1;
        sys.watch(b, nullptr, [&](ExitReason r) {
            bReason = r;
            bExitAt = sys.elapsed().count();
        });
        bool done = false;
        log->clear();
        sys.shutdownActor(sup.id(), 10000ms, nullptr, [&](Result<void>) { done = true; });
        sys.runUntilIdle();
        if (middleIgnoresShutdown) {
            QVERIFY(!done);
            sys.advanceTime(499ms);
            QVERIFY(!bReason);
            sys.advanceTime(1ms);
        }
        QVERIFY(done);
        QCOMPARE(log->lines(), (QStringList{u"stop:c"_qs, u"stop:b"_qs, u"stop:a"_qs})); // reverse start order
        QVERIFY(bReason);
        QCOMPARE(bExitAt, expectedMs);
        QCOMPARE(bReason->kind, middleIgnoresShutdown ? ExitReason::Kind::Killed : ExitReason::Kind::Shutdown);
        QCOMPARE(sys.registry().count(), 0);
    }

    void parentCrashStopsTree()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef owner = sys.spawn<Owner>({.kind = u"owner"_qs}, log);
        sys.runUntilIdle();
        QCOMPARE(sys.registry().count(), 5);
        log->clear();
        owner.tell(Crash{});
        sys.runUntilIdle();
        QCOMPARE(log->lines(), (QStringList{u"stop:c"_qs, u"stop:b"_qs, u"stop:a"_qs}));
        QCOMPARE(sys.registry().count(), 0);
    }

    void staleRefAfterRestart()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef sup = sys.spawn<Supervisor>({}, SupervisorFlags{}, std::vector<ChildSpec>{workerSpec(u"x"_qs, log)});
        sys.runUntilIdle();
        const ActorRef old = childRef(sys, sup, u"x"_qs);
        QCOMPARE(old.incarnation(), 0u);
        QVERIFY(!old.isStale());
        old.tell(Crash{});
        sys.runUntilIdle();
        QVERIFY(old.isStale());
        QVERIFY(!old.isAlive());
        QCOMPARE(old.tell(Value{1}), SendStatus::Closed);
        const ActorRef current = sys.resolve(old.id());
        QCOMPARE(current.id(), old.id());
        QCOMPARE(current.incarnation(), 1u);
        QCOMPARE(current.tell(Value{1}), SendStatus::Ok);
        QVERIFY(!current.isStale());
    }

    void dynamicChildrenAndOperatorRestart()
    {
        ActorSystem sys({.executors = 2, .deterministic = true});
        ActorRef sup = sys.spawn<Supervisor>({.executor = 0}, SupervisorFlags{});
        sys.runUntilIdle();
        ChildSpec spec = workerSpec(u"s1"_qs, log, RestartType::Temporary);
        spec.options.executor = 1; // e.g. the executor a session's socket was moved to
        std::optional<Result<ActorRef>> started;
        Supervisor::startChild(sup, spec, nullptr, [&](Result<ActorRef> r) { started = r; });
        sys.runUntilIdle();
        QVERIFY(started && started->has_value());
        const ActorRef s1 = **started;
        QCOMPARE(s1.executorIndex(), 1);
        Supervisor::startChild(sup, spec, nullptr, [&](Result<ActorRef> r) { started = r; });
        sys.runUntilIdle();
        QCOMPARE(int(started->error().code), int(ErrorCode::InvalidArgument)); // duplicate id

        // The control plane's Restart: even a temporary child gets a new incarnation.
        std::optional<Result<ActorRef>> restarted;
        sys.restart(s1.id(), nullptr, [&](Result<ActorRef> r) { restarted = r; });
        sys.runUntilIdle();
        QVERIFY(restarted && restarted->has_value());
        QCOMPARE((*restarted)->id(), s1.id());
        QCOMPARE((*restarted)->incarnation(), 1u);
        QCOMPARE(log->count(u"start:s1"_qs), 2);
        QCOMPARE(sys.registry().find(s1.id())->restartCount, 1);

        // Unsupervised actors cannot be restarted.
        ActorRef lone = sys.spawn<Worker>({}, u"lone"_qs, nullptr);
        sys.restart(lone.id(), nullptr, [&](Result<ActorRef> r) { restarted = r; });
        QCOMPARE(int(restarted->error().code), int(ErrorCode::NotSupported));
    }

    void commandToDeadSupervisorAnswersClosed()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef sup = sys.spawn<Supervisor>({}, SupervisorFlags{});
        sys.runUntilIdle();
        sys.kill(sup.id());
        sys.runUntilIdle();
        std::optional<Result<ActorRef>> started;
        Supervisor::startChild(sup, workerSpec(u"x"_qs, nullptr), nullptr, [&](Result<ActorRef> r) { started = r; });
        sys.runUntilIdle();
        QVERIFY(started);
        QCOMPARE(int(started->error().code), int(ErrorCode::Closed));
    }
};

QTEST_GUILESS_MAIN(tst_Supervisor)
#include "tst_supervisor.moc"
