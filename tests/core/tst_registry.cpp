#include "support/actors.h"

#include "core/registry.h"

#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <set>
#include <thread>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace std::chrono_literals;

namespace {
struct SetDetail { QString key; QVariant value; };
class DetailActor : public Actor
{
    Result<void> handle(Message &m) override
    {
        if (auto *d = m.as<SetDetail>())
            setDetail(d->key, d->value);
        if (m.is<StopNormal>())
            stop();
        if (m.is<Crash>())
            return fail(ErrorCode::Internal, QStringLiteral("boom"));
        return {};
    }
};
} // namespace

/// Registry: entries and their fields, change notifications (signal and listener), restart
/// bookkeeping, and consistent snapshots while other threads spawn and stop actors.
class tst_Registry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void entriesAndNotifications()
    {
        ActorSystem sys({.executors = 2, .deterministic = true});
        QSignalSpy spy(&sys.registry(), &Registry::changed);
        std::vector<RegistryEvent> heard;
        const int handle = sys.registry().addListener([&](const RegistryEvent &e) { heard.push_back(e); });

        ActorRef parent = sys.spawn<DetailActor>({.kind = u"session"_qs, .name = u"s"_qs, .capacity = 100, .executor = 1,
                                                  .detail = {{u"peer"_qs, u"127.0.0.1:5000"_qs}}});
        ActorRef child = sys.spawn<DetailActor>({.kind = u"view"_qs, .capacity = 50, .parent = parent, .linkToParent = false});
        sys.runUntilIdle();
        child.tell(SetDetail{u"path"_qs, u"/counter"_qs});
        child.tell(Value{1});
        sys.runUntilIdle();

        RegistrySnapshot snap = sys.registry().snapshot();
        QCOMPARE(snap.actors.size(), 2);
        const ActorInfo &p = snap.actors[0];
        const ActorInfo &c = snap.actors[1];
        QCOMPARE(p.id, parent.id());
        QCOMPARE(p.kind, u"session"_qs);
        QCOMPARE(p.name, u"s"_qs);
        QCOMPARE(p.executor, 1);
        QCOMPARE(p.detail.value(u"peer"_qs).toString(), u"127.0.0.1:5000"_qs);
        QCOMPARE(p.mailbox.capacity, 100);
        QCOMPARE(c.parent, parent.id());
        QCOMPARE(c.executor, 1); // children go to the parent's executor by default
        QCOMPARE(c.state, ActorState::Running);
        QCOMPARE(c.detail.value(u"path"_qs).toString(), u"/counter"_qs);
        QCOMPARE(c.mailbox.capacity, 50);
        QCOMPARE(c.mailbox.processed, quint64(2));

        child.tell(Crash{});
        sys.runUntilIdle();
        snap = sys.registry().snapshot();
        QCOMPARE(snap.actors.size(), 1);

        // Events: added ×2, running ×2, detail, then removed with the exit reason.
        QCOMPARE(int(heard.size()), spy.count());
        QCOMPARE(heard.front().type, RegistryEvent::Type::Added);
        QCOMPARE(heard.back().type, RegistryEvent::Type::Removed);
        QCOMPARE(heard.back().info.id, child.id());
        QCOMPARE(heard.back().info.lastExit.kind, ExitReason::Kind::Error);
        QVERIFY(std::any_of(heard.begin(), heard.end(), [](const RegistryEvent &e) {
            return e.type == RegistryEvent::Type::Changed && e.info.detail.contains(u"path"_qs);
        }));
        for (size_t i = 1; i < heard.size(); ++i)
            QCOMPARE(heard[i].version, heard[i - 1].version + 1);
        QCOMPARE(snap.version, heard.back().version);
        sys.registry().removeListener(handle);
    }

    void restartBookkeeping()
    {
        Log log = std::make_shared<SharedLog>();
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef sup = sys.spawn<Supervisor>({.kind = u"supervisor"_qs}, SupervisorFlags{RestartStrategy::OneForOne, 5, 1000ms},
                                             std::vector<ChildSpec>{workerSpec(u"w"_qs, log)});
        sys.runUntilIdle();
        const auto snap0 = sys.registry().snapshot();
        QCOMPARE(snap0.actors.size(), 2);
        const QUuid wid = snap0.actors[1].id;
        for (int i = 0; i < 2; ++i) {
            sys.resolve(wid).tell(Throw{});
            sys.runUntilIdle();
        }
        const auto info = sys.registry().find(wid);
        QVERIFY(info);
        QCOMPARE(info->incarnation, 2u);
        QCOMPARE(info->restartCount, 2);
        QCOMPARE(info->state, ActorState::Running);
        QCOMPARE(info->lastExit.kind, ExitReason::Kind::Exception);
        QCOMPARE(info->lastExit.message, u"thrown boom"_qs);
        QCOMPARE(info->parent, sup.id());
    }

    void changesSinceAVersion()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef a = sys.spawn<DetailActor>({.kind = u"session"_qs});
        ActorRef b = sys.spawn<DetailActor>({.kind = u"session"_qs});
        sys.runUntilIdle();
        const quint64 base = sys.registry().snapshot().version;
        QVERIFY(!sys.registry().changesSince(0).complete);        // no base: take a snapshot
        QVERIFY(!sys.registry().changesSince(base + 1).complete); // from the future

        RegistryChanges none = sys.registry().changesSince(base);
        QVERIFY(none.complete);
        QCOMPARE(none.version, base);
        QVERIFY(none.changed.isEmpty() && none.removed.isEmpty());
        QCOMPARE(none.mailboxes.size(), 2); // counters of every actor, always

        ActorRef c = sys.spawn<DetailActor>({.kind = u"view"_qs, .parent = a});
        b.tell(SetDetail{u"path"_qs, u"/x"_qs});
        b.tell(SetDetail{u"path"_qs, u"/y"_qs}); // two changes of one actor: reported once
        a.tell(Value{1});                        // mailbox traffic is not a change
        sys.runUntilIdle();
        const QUuid removedId = c.id();
        c.tell(StopNormal{});
        sys.runUntilIdle();
        ActorRef d = sys.spawn<DetailActor>({.kind = u"view"_qs, .parent = a});
        sys.runUntilIdle();

        RegistryChanges ch = sys.registry().changesSince(base);
        QVERIFY(ch.complete);
        QCOMPARE(ch.version, sys.registry().snapshot().version);
        QCOMPARE(ch.changed.size(), 2); // b (detail) and d (added); c came and went
        QCOMPARE(ch.changed[0].id, b.id());
        QCOMPARE(ch.changed[0].detail.value(u"path"_qs).toString(), u"/y"_qs);
        QCOMPARE(ch.changed[1].id, d.id());
        QCOMPARE(ch.removed, QList<QUuid>{removedId});
        QCOMPARE(ch.mailboxes.size(), 3);
        for (const auto &[id, mailbox] : ch.mailboxes)
            if (id == a.id())
                QVERIFY(mailbox.processed >= 1); // (plus system messages such as the child's exit)
        // From the newest version on, nothing again.
        QVERIFY(sys.registry().changesSince(ch.version).changed.isEmpty());
    }

    void concurrentSnapshots()
    {
        ActorSystem sys({.executors = 2});
        ActorRef root = sys.spawn<DetailActor>({.kind = u"root"_qs});
        std::atomic<bool> stop{false};
        std::atomic<int> bad{0}, snapshots{0}, events{0};
        sys.registry().addListener([&](const RegistryEvent &) { events.fetch_add(1, std::memory_order_relaxed); });
        std::thread reader([&] {
            quint64 lastVersion = 0;
            while (!stop.load()) {
                const RegistrySnapshot snap = sys.registry().snapshot();
                if (snap.version < lastVersion)
                    bad.fetch_add(1);
                lastVersion = snap.version;
                std::set<QUuid> ids;
                for (const ActorInfo &a : snap.actors) {
                    if (!ids.insert(a.id).second)
                        bad.fetch_add(1); // duplicate id
                    if (a.kind.isEmpty() || a.mailbox.capacity <= 0 || a.executor < 0)
                        bad.fetch_add(1);
                }
                if (snap.actors.isEmpty() || snap.actors.first().id != root.id())
                    bad.fetch_add(1); // spawn order: root first, it never exits
                snapshots.fetch_add(1);
            }
        });
        constexpr int threads = 3, perThread = 300;
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                for (int i = 0; i < perThread; ++i) {
                    ActorRef a = sys.spawn<DetailActor>({.kind = u"view"_qs, .executor = (t + i) % 2, .parent = root,
                                                         .linkToParent = false});
                    a.tell(SetDetail{u"i"_qs, i});
                    a.tell(i % 3 == 0 ? Message(Crash{}) : Message(StopNormal{}));
                }
            });
        for (auto &w : workers)
            w.join();
        QTRY_COMPARE_WITH_TIMEOUT(sys.registry().count(), 1, 20000);
        stop = true;
        reader.join();
        QCOMPARE(bad.load(), 0);
        QVERIFY(snapshots.load() > 0);
        QVERIFY(events.load() >= threads * perThread * 2); // at least added + removed each
        QVERIFY(root.isAlive()); // unlinked children's crashes did not take the root down
    }
};

QTEST_GUILESS_MAIN(tst_Registry)
#include "tst_registry.moc"
