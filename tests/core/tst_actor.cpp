#include "support/actors.h"

#include "core/actorsystem.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <semaphore>
#include <thread>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace std::chrono_literals;

namespace {

struct Tagged { int sender; int seq; };

/// Checks that each sender's messages arrive in the order sent.
class OrderChecker : public Actor
{
public:
    std::atomic<int> *violations;
    std::atomic<int> *received;
    std::vector<int> last = std::vector<int>(16, -1);
    OrderChecker(std::atomic<int> *v, std::atomic<int> *r) : violations(v), received(r) { }
    Result<void> handle(Message &m) override
    {
        if (auto *t = m.as<Tagged>()) {
            if (t->seq != last[size_t(t->sender)] + 1)
                violations->fetch_add(1);
            last[size_t(t->sender)] = t->seq;
            received->fetch_add(1);
        }
        return {};
    }
};

struct Ball { int remaining; };

/// Bounces a Ball back to its sender until remaining hits 0; records the thread it ran on.
class Bouncer : public Actor
{
public:
    QThread **thread;
    std::counting_semaphore<> *done;
    Bouncer(QThread **t, std::counting_semaphore<> *d) : thread(t), done(d) { }
    Result<void> handle(Message &m) override
    {
        *thread = QThread::currentThread();
        if (auto *b = m.as<Ball>()) {
            if (b->remaining == 0) {
                done->release();
                return {};
            }
            if (send(sender(), Ball{b->remaining - 1}) != SendStatus::Ok)
                return fail(ErrorCode::Full, QStringLiteral("bounce"));
        }
        return {};
    }
};

struct Serve { ActorRef to; int n; };
class Server : public Bouncer
{
public:
    using Bouncer::Bouncer;
    Result<void> handle(Message &m) override
    {
        if (auto *s = m.as<Serve>()) {
            send(s->to, Ball{s->n});
            return {};
        }
        return Bouncer::handle(m);
    }
};

/// Records timer and exit messages.
class Watcher : public Actor
{
public:
    QStringList *log;
    ActorRef target;
    bool trap;
    bool doLink;
    Watcher(QStringList *l, ActorRef t, bool trapExits, bool link_) : log(l), target(std::move(t)), trap(trapExits), doLink(link_) { }
    Result<void> started() override
    {
        setTrapExit(trap);
        if (doLink)
            link(target);
        else
            monitor(target);
        return {};
    }
    Result<void> handle(Message &m) override
    {
        if (auto *d = m.as<Down>())
            log->append(u"down:" + d->reason.kindName());
        else if (auto *x = m.as<ExitSignal>())
            log->append(u"exit:" + x->reason.kindName());
        else if (auto *v = m.as<Value>())
            log->append(u"value:" + QString::number(v->v));
        return {};
    }
    void stopping(const ExitReason &r) override { log->append(u"stopped:" + r.kindName()); }
};

class TimerUser : public Actor
{
public:
    QStringList *log;
    explicit TimerUser(QStringList *l) : log(l) { }
    Result<void> started() override
    {
        sendAfter(100ms, Value{1});
        const auto cancelled = sendAfter(150ms, Value{2});
        sendAfter(200ms, Value{3});
        if (!cancelTimer(cancelled))
            return fail(ErrorCode::Internal, QStringLiteral("cancel failed"));
        return {};
    }
    Result<void> handle(Message &m) override
    {
        if (auto *v = m.as<Value>())
            log->append(QString::number(v->v));
        return {};
    }
};

class SlowFirst : public Actor
{
public:
    std::atomic<int> *count;
    explicit SlowFirst(std::atomic<int> *c) : count(c) { }
    Result<void> handle(Message &) override
    {
        if (count->fetch_add(1) == 0)
            QThread::msleep(100);
        return {};
    }
};

/// Owns a QTimer on its executor thread (the pattern a session uses for its QWebSocket).
class QtOwner : public Actor
{
public:
    std::atomic<int> *ticks;
    std::atomic<bool> *rightThread;
    std::atomic<bool> *deletedOnThread;
    QtOwner(std::atomic<int> *t, std::atomic<bool> *r, std::atomic<bool> *d) : ticks(t), rightThread(r), deletedOnThread(d) { }
    Result<void> started() override
    {
        m_timer = new QTimer; // created here, so it lives on this executor's thread
        QObject::connect(m_timer, &QTimer::timeout, m_timer, [this] {
            rightThread->store(QThread::currentThread() == executor().thread() && m_timer->thread() == executor().thread());
            if (ticks->fetch_add(1) == 2)
                stop(); // from a slot, outside any handler
        });
        m_timer->start(5);
        return {};
    }
    Result<void> handle(Message &) override { return {}; }
    void stopping(const ExitReason &) override
    {
        deletedOnThread->store(QThread::currentThread() == executor().thread());
        delete m_timer;
        m_timer = nullptr;
    }

private:
    QTimer *m_timer = nullptr;
};

} // namespace

/// Actor lifecycle and messaging: ordering, ask, ping, shutdown, kill, crash, timers, links,
/// cross-executor sends, one wake per idle executor.
struct StartChild { QUuid id; quint32 incarnation; };
struct ForgetChild { QUuid id; };

/// A hand-written supervisor: restarts its child only when told (as a LiveView session does).
class Keeper : public Actor
{
public:
    explicit Keeper(ActorRef *child) : m_child(child) { }
    Result<void> started() override
    {
        setTrapExit(true);
        return {};
    }
    Result<void> handle(Message &m) override
    {
        if (auto *s = m.as<StartChild>())
            *m_child = spawnRestartable<Worker>({}, s->id, s->incarnation, QStringLiteral("child"), nullptr);
        else if (auto *f = m.as<ForgetChild>())
            forgetChild(f->id);
        return {}; // ExitSignals of the child: trapped and ignored
    }

private:
    ActorRef *m_child;
};

class tst_Actor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void askReply()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef w = sys.spawn<Worker>({}, QStringLiteral("w"), nullptr);
        QCOMPARE(w.tell(Value{1}), SendStatus::Ok);
        QCOMPARE(w.tell(Value{2}), SendStatus::Ok);
        std::optional<Result<Message>> answer;
        w.ask(Get{}, 1000ms, nullptr, [&](Result<Message> r) { answer = std::move(r); });
        QVERIFY(!answer);
        sys.runUntilIdle();
        QVERIFY(answer && answer->has_value());
        QCOMPARE(*(*answer)->as<int>(), 3);
    }

    void askErrors_data()
    {
        QTest::addColumn<int>("request"); // 0 = Hold (timeout), 1 = Value (no reply), 2 = Crash
        QTest::addColumn<int>("code");
        QTest::addColumn<qint64>("atMs");
        QTest::newRow("timeout") << 0 << int(ErrorCode::Timeout) << qint64(250);
        QTest::newRow("no reply") << 1 << int(ErrorCode::NoReply) << qint64(0);
        QTest::newRow("crashed") << 2 << int(ErrorCode::Crashed) << qint64(0);
    }
    void askErrors()
    {
        QFETCH(int, request);
        QFETCH(int, code);
        QFETCH(qint64, atMs);
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef w = sys.spawn<Worker>({}, QStringLiteral("w"), nullptr);
        std::optional<Result<Message>> answer;
        qint64 answeredAt = -1;
        Message req = request == 0 ? Message(Hold{}) : request == 1 ? Message(Value{1}) : Message(Crash{});
        w.ask(std::move(req), 250ms, nullptr, [&](Result<Message> r) {
            answer = std::move(r);
            answeredAt = sys.elapsed().count();
        });
        sys.runUntilIdle();
        sys.advanceTime(249ms);
        if (atMs > 0)
            QVERIFY(!answer); // not before the timeout
        sys.advanceTime(10ms);
        QVERIFY(answer);
        QVERIFY(!answer->has_value());
        QCOMPARE(int(answer->error().code), code);
        QCOMPARE(answeredAt, atMs);
    }

    void ping()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef w = sys.spawn<Worker>({}, QStringLiteral("w"), nullptr);
        std::optional<Result<std::chrono::microseconds>> rtt;
        sys.ping(w.id(), 1000ms, nullptr, [&](Result<std::chrono::microseconds> r) { rtt = r; });
        sys.runUntilIdle();
        QVERIFY(rtt && rtt->has_value());
        sys.ping(QUuid::createUuid(), 1000ms, nullptr, [&](Result<std::chrono::microseconds> r) { rtt = r; });
        QCOMPARE(int(rtt->error().code), int(ErrorCode::NotFound));
    }

    void shutdownDrains()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        auto *worker = new Worker(QStringLiteral("w"), nullptr);
        ActorRef w = sys.spawnActor(std::unique_ptr<Actor>(worker), {});
        sys.runUntilIdle();
        for (int i = 0; i < 10; ++i)
            QCOMPARE(w.tell(Value{i}), SendStatus::Ok);
        int handledAtExit = -1;
        std::optional<ExitReason> reason;
        // stopping() runs before destruction: read the count through the log instead.
        sys.watch(w, nullptr, [&](ExitReason r) { reason = r; });
        bool done = false;
        sys.shutdownActor(w.id(), 1000ms, nullptr, [&](Result<void> r) { done = r.has_value(); });
        QCOMPARE(w.tell(Value{99}), SendStatus::Ok); // still queued before the request is seen
        sys.runUntilIdle();
        QVERIFY(done);
        QVERIFY(reason);
        QCOMPARE(reason->kind, ExitReason::Kind::Shutdown);
        QCOMPARE(w.tell(Value{100}), SendStatus::Closed);
        const auto stats = sys.registry().find(w.id());
        QVERIFY(!stats); // unsupervised: removed from the registry
        Q_UNUSED(handledAtExit);
    }

    void shutdownHandlesEverythingQueued()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef w = sys.spawn<Worker>({}, QStringLiteral("w"), nullptr);
        sys.runUntilIdle();
        for (int i = 0; i < 10; ++i)
            w.tell(Value{i});
        // Ask queued before the shutdown request is answered (drained), with all 11 handled.
        std::optional<Result<Message>> answer;
        w.ask(Get{}, 1000ms, nullptr, [&](Result<Message> r) { answer = std::move(r); });
        sys.shutdownActor(w.id(), 1000ms, nullptr, {});
        QCOMPARE(w.tell(Value{0}), SendStatus::Ok); // not yet processed the request
        sys.runUntilIdle();
        QVERIFY(answer && answer->has_value());
        QCOMPARE(*(*answer)->as<int>(), 11);
        QVERIFY(!w.isAlive());
    }

    void kill()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef w = sys.spawn<Worker>({}, QStringLiteral("w"), nullptr);
        sys.runUntilIdle();
        for (int i = 0; i < 10; ++i)
            w.tell(Value{i});
        std::optional<Result<Message>> answer;
        w.ask(Get{}, 1000ms, nullptr, [&](Result<Message> r) { answer = std::move(r); });
        std::optional<ExitReason> reason;
        sys.watch(w, nullptr, [&](ExitReason r) { reason = r; });
        sys.kill(w.id());
        sys.runUntilIdle();
        QVERIFY(reason);
        QCOMPARE(reason->kind, ExitReason::Kind::Killed);
        QCOMPARE(reason->message, QStringLiteral("by operator"));
        QCOMPARE(reason->toString(), QStringLiteral("killed: by operator")); // no repeated word
        // Nothing queued was handled: the pending ask failed with Closed.
        QVERIFY(answer && !answer->has_value());
        QCOMPARE(int(answer->error().code), int(ErrorCode::Closed));
    }

    void suspendedMailboxQueuesInOrder()
    {
        // While suspended only the system lane is served (pings, ActorRef::call); normal messages
        // wait in order, meet Full at capacity, and are handled after resumeMailbox().
        struct Pausing : Actor
        {
            QList<int> *seen;
            explicit Pausing(QList<int> *s) : seen(s) { }
            using Actor::isMailboxSuspended;
            using Actor::resumeMailbox;
            Result<void> handle(Message &m) override
            {
                if (auto *v = m.as<int>()) {
                    seen->append(*v);
                    if (*v == 0)
                        suspendMailbox();
                }
                return {};
            }
        };
        ActorSystem sys({.executors = 1, .deterministic = true});
        QList<int> seen;
        ActorRef a = sys.spawn<Pausing>({.capacity = 4}, &seen);
        QCOMPARE(a.tell(0), SendStatus::Ok);
        sys.runUntilIdle();
        for (int i = 1; i <= 4; ++i)
            QCOMPARE(a.tell(i), SendStatus::Ok);
        QCOMPARE(a.tell(5), SendStatus::Full);
        sys.runUntilIdle();
        QCOMPARE(seen, QList<int>{0});
        bool pinged = false;
        sys.ping(a.id(), std::chrono::milliseconds(1000), nullptr,
                 [&](Result<std::chrono::microseconds> r) { pinged = bool(r); });
        sys.runUntilIdle();
        QVERIFY(pinged);
        bool called = false;
        QCOMPARE(a.call([&](Actor &actor) {
                     called = true;
                     QVERIFY(static_cast<Pausing &>(actor).isMailboxSuspended());
                     static_cast<Pausing &>(actor).resumeMailbox();
                 }),
                 SendStatus::Ok);
        sys.runUntilIdle();
        QVERIFY(called);
        QCOMPARE(seen, (QList<int>{0, 1, 2, 3, 4}));
    }

    void restartableChildKeepsItsIdentity()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef child;
        ActorRef keeper = sys.spawn<Keeper>({}, &child);
        auto entry = [&](const QUuid &id) { return sys.registry().find(id); };
        keeper.tell(StartChild{});
        sys.runUntilIdle();
        const ActorRef first = child;
        QVERIFY(!first.isNull());
        const QUuid id = first.id();
        QCOMPARE(entry(id)->state, ActorState::Running);
        QCOMPARE(entry(id)->parent, keeper.id());

        // It crashes: the entry stays, "restarting", with the reason, until the keeper decides.
        first.tell(Crash{});
        sys.runUntilIdle();
        QVERIFY(entry(id));
        QCOMPARE(entry(id)->state, ActorState::Restarting);
        QCOMPARE(entry(id)->lastExit.kind, ExitReason::Kind::Error);
        QCOMPARE(first.tell(Value{1}), SendStatus::Closed);

        // Restarted under the same id: the registry counts it; the old ref stays stale.
        keeper.tell(StartChild{id, first.incarnation() + 1});
        sys.runUntilIdle();
        QCOMPARE(child.id(), id);
        QCOMPARE(entry(id)->incarnation, 1u);
        QCOMPARE(entry(id)->restartCount, 1);
        QCOMPARE(entry(id)->state, ActorState::Running);
        QCOMPARE(first.tell(Value{1}), SendStatus::Closed);
        QCOMPARE(child.tell(Value{1}), SendStatus::Ok);

        // A running child is not forgotten; an exited one is.
        keeper.tell(ForgetChild{id});
        sys.runUntilIdle();
        QCOMPARE(entry(id)->state, ActorState::Running);
        child.tell(Crash{});
        sys.runUntilIdle();
        QCOMPARE(entry(id)->state, ActorState::Restarting);
        keeper.tell(ForgetChild{id});
        sys.runUntilIdle();
        QVERIFY(!entry(id));

        // Left waiting when the keeper exits: nobody can restart it, so the entry goes too.
        keeper.tell(StartChild{});
        sys.runUntilIdle();
        const QUuid second = child.id();
        child.tell(Crash{});
        sys.runUntilIdle();
        QCOMPARE(entry(second)->state, ActorState::Restarting);
        sys.kill(keeper.id());
        sys.runUntilIdle();
        QVERIFY(!entry(second));
        QVERIFY(!entry(keeper.id()));
    }

    void crash_data()
    {
        QTest::addColumn<bool>("throws");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("error returned") << false << int(ExitReason::Kind::Error) << QStringLiteral("internal: boom");
        QTest::newRow("exception thrown") << true << int(ExitReason::Kind::Exception) << QStringLiteral("thrown boom");
    }
    void crash()
    {
        QFETCH(bool, throws);
        QFETCH(int, kind);
        QFETCH(QString, message);
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef w = sys.spawn<Worker>({}, QStringLiteral("w"), nullptr);
        std::optional<ExitReason> reason;
        sys.watch(w, nullptr, [&](ExitReason r) { reason = r; });
        if (throws)
            w.tell(Throw{});
        else
            w.tell(Crash{});
        w.tell(Value{1});
        sys.runUntilIdle();
        QVERIFY(reason);
        QCOMPARE(int(reason->kind), kind);
        QCOMPARE(reason->message, message);
        QVERIFY(reason->isAbnormal());
        QCOMPARE(w.tell(Value{2}), SendStatus::Closed);
    }

    void timers()
    {
        QStringList log; // outlives the system (actors log in stopping())
        ActorSystem sys({.executors = 1, .deterministic = true});
        sys.spawn<TimerUser>({}, &log);
        sys.advanceTime(99ms);
        QCOMPARE(log, QStringList());
        sys.advanceTime(1ms);
        QCOMPARE(log, QStringList{QStringLiteral("1")});
        sys.advanceTime(500ms);
        QCOMPARE(log, (QStringList{QStringLiteral("1"), QStringLiteral("3")}));
    }

    void linksAndMonitors_data()
    {
        QTest::addColumn<bool>("link");
        QTest::addColumn<bool>("trap");
        QTest::addColumn<bool>("crash");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("monitor, crash") << false << false << true << QStringList{u"down:error"_qs};
        QTest::newRow("monitor, normal") << false << false << false << QStringList{u"down:normal"_qs};
        QTest::newRow("link, crash") << true << false << true << QStringList{u"stopped:linked"_qs};
        QTest::newRow("link, normal") << true << false << false << QStringList{};
        QTest::newRow("link+trap, crash") << true << true << true << QStringList{u"exit:error"_qs};
        QTest::newRow("link+trap, normal") << true << true << false << QStringList{u"exit:normal"_qs};
    }
    void linksAndMonitors()
    {
        QFETCH(bool, link);
        QFETCH(bool, trap);
        QFETCH(bool, crash);
        QFETCH(QStringList, expected);
        QStringList log; // outlives the system (actors log in stopping())
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef target = sys.spawn<Worker>({}, QStringLiteral("t"), nullptr);
        ActorRef watcher = sys.spawn<Watcher>({}, &log, target, trap, link);
        sys.runUntilIdle();
        if (crash)
            target.tell(Crash{});
        else
            target.tell(StopNormal{});
        sys.runUntilIdle();
        QCOMPARE(log, expected);
        // Monitoring an actor that is already gone delivers Down(noproc) at once.
        if (!link && watcher.isAlive()) {
            ActorRef late = sys.spawn<Watcher>({}, &log, target, false, false);
            sys.runUntilIdle();
            QCOMPARE(log.last(), u"down:noproc"_qs);
        }
    }

    void perSenderOrdering_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::newRow("tiny ring (Full and retry)") << 4;
        QTest::newRow("roomy ring") << 4096;
    }
    void perSenderOrdering()
    {
        QFETCH(int, capacity);
        std::atomic<int> violations{0}, received{0};
        ActorSystem sys({.executors = 2});
        ActorRef checker = sys.spawn<OrderChecker>({.capacity = capacity, .executor = 1}, &violations, &received);
        constexpr int senders = 4, perSender = 20000;
        std::vector<std::thread> threads;
        for (int s = 0; s < senders; ++s)
            threads.emplace_back([&, s] {
                for (int i = 0; i < perSender;) {
                    const SendStatus st = checker.tell(Tagged{s, i});
                    if (st == SendStatus::Ok)
                        ++i;
                    else
                        std::this_thread::yield(); // Full: back off and retry the same message
                }
            });
        for (auto &t : threads)
            t.join();
        QTRY_COMPARE_WITH_TIMEOUT(received.load(), senders * perSender, 20000);
        QCOMPARE(violations.load(), 0);
        const auto info = sys.registry().find(checker.id());
        QVERIFY(info);
        QCOMPARE(info->mailbox.processed, quint64(senders * perSender));
        QVERIFY(info->mailbox.highWater <= capacity);
        if (capacity == 4)
            QVERIFY(info->mailbox.rejected > 0);
    }

    void crossExecutor_data()
    {
        QTest::addColumn<bool>("sameExecutor");
        QTest::newRow("different executors") << false;
        QTest::newRow("same executor") << true;
    }
    void crossExecutor()
    {
        QFETCH(bool, sameExecutor);
        std::counting_semaphore<> done{0}; // not QSemaphore: ThreadSanitizer cannot see Qt's futexes
        QThread *t0 = nullptr, *t1 = nullptr;
        ActorSystem sys({.executors = 2});
        ActorRef a = sys.spawn<Server>({.executor = 0}, &t0, &done);
        ActorRef b = sys.spawn<Bouncer>({.executor = sameExecutor ? 0 : 1}, &t1, &done);
        QCOMPARE(a.executorIndex(), 0);
        QCOMPARE(b.executorIndex(), sameExecutor ? 0 : 1);
        a.tell(Serve{b, 2000});
        QVERIFY(done.try_acquire_for(10s));
        QCOMPARE(t0, sys.executor(0).thread());
        QCOMPARE(t1, sys.executor(sameExecutor ? 0 : 1).thread());
        QVERIFY(t0 != QThread::currentThread());
    }

    void ownsQObjectsAndPosts()
    {
        std::atomic<int> ticks{0};
        std::atomic<bool> rightThread{false}, deletedOnThread{false};
        ActorSystem sys({.executors = 2});
        ActorRef owner = sys.spawn<QtOwner>({.executor = 1}, &ticks, &rightThread, &deletedOnThread);
        std::optional<ExitReason> reason;
        sys.watch(owner, this, [&](ExitReason r) { reason = r; });
        QTRY_VERIFY(reason.has_value());
        QCOMPARE(reason->kind, ExitReason::Kind::Normal);
        QVERIFY(ticks.load() >= 3);
        QVERIFY(rightThread.load());
        QVERIFY(deletedOnThread.load());

        // post() and startTimer() run on the executor thread, timers no earlier than asked.
        std::counting_semaphore<> done{0};
        std::atomic<bool> postedOnThread{false}, timerOnThread{false};
        std::atomic<qint64> timerAfterMs{0};
        Executor &ex = sys.executor(0);
        ex.post([&] {
            postedOnThread = QThread::currentThread() == ex.thread() && Executor::current() == &ex;
            done.release();
        });
        QElapsedTimer elapsed;
        elapsed.start();
        ex.startTimer(30ms, [&] {
            timerOnThread = QThread::currentThread() == ex.thread();
            timerAfterMs = elapsed.elapsed();
            done.release();
        });
        const auto cancelled = ex.startTimer(10ms, [&] { timerOnThread = false; });
        QVERIFY(ex.cancelTimer(cancelled));
        QVERIFY(done.try_acquire_for(5s));
        QVERIFY(done.try_acquire_for(5s));
        QVERIFY(postedOnThread.load());
        QVERIFY(timerOnThread.load());
        QVERIFY(timerAfterMs.load() >= 29);
    }

    void oneWakePerIdleExecutor()
    {
        std::atomic<int> count{0};
        ActorSystem sys({.executors = 1});
        ActorRef slow = sys.spawn<SlowFirst>({.capacity = 1000}, &count);
        QTRY_VERIFY(slow.isAlive());
        QTest::qWait(20);
        const quint64 before = sys.executor(0).wakeCount();
        slow.tell(Value{0}); // wakes the idle executor, which then sleeps 100 ms in the handler
        QTest::qWait(20);
        for (int i = 0; i < 500; ++i)
            QCOMPARE(slow.tell(Value{i}), SendStatus::Ok);
        QTRY_COMPARE(count.load(), 501);
        // One wake for the first message; the other 500 arrived while it was busy.
        QVERIFY2(sys.executor(0).wakeCount() - before <= 2,
                 qPrintable(QString::number(sys.executor(0).wakeCount() - before)));
    }
};

QTEST_GUILESS_MAIN(tst_Actor)
#include "tst_actor.moc"
