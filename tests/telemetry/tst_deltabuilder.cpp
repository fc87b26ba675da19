// DeltaBuilder: a snapshot, then deltas, against a deterministic ActorSystem; no sockets.
#include "support/actors.h"

#include "core/actorsystem.h"
#include "telemetry/deltabuilder.h"
#include "telemetry/restartjournal.h"

#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace pb = ::liveactor::monitor::v1;

/// A deterministic ActorSystem with a supervisor and two views, its RestartJournal and a DeltaBuilder.
struct Runtime
{
    ActorSystem system{SystemConfig{.executors = 1, .deterministic = true}};
    RestartJournal restarts{system.registry(), 10};
    DeltaBuilder builder{system.registry(), restarts};

    Runtime()
    {
        spawnSupervised(system, 2, u"view"_s);
        system.runUntilIdle();
        restarts.start();
    }
};

class tst_DeltaBuilder : public QObject
{
    Q_OBJECT
    static QUuid uuid(const std::string &id) { return QUuid::fromString(QString::fromStdString(id)); }

private Q_SLOTS:
    void snapshotThenDeltas()
    {
        Runtime runtime;
        ActorSystem &system = runtime.system;
        DeltaBuilder &builder = runtime.builder;
        DeltaBuilder::Subscription subscription;

        pb::Snapshot snapshot;
        builder.snapshot(subscription, &snapshot);
        QCOMPARE(snapshot.actors_size(), 3); // the supervisor and its two views
        QCOMPARE(snapshot.version(), system.registry().snapshot().version);
        pb::Delta unchanged;
        QVERIFY(!builder.delta(subscription, &unchanged));
        QCOMPARE(unchanged.ByteSizeLong(), 0u);

        // Spawned: added, based on the snapshot.
        ActorRef worker = system.spawn<Worker>({.kind = u"session"_s, .capacity = 100});
        system.runUntilIdle();
        pb::Delta added;
        QVERIFY(builder.delta(subscription, &added));
        QCOMPARE(added.base_version(), snapshot.version());
        QVERIFY(added.version() > snapshot.version());
        QCOMPARE(added.added_size(), 1);
        QCOMPARE(uuid(added.added(0).id()), worker.id());
        QCOMPARE(QString::fromStdString(added.added(0).kind()), u"session"_s);
        QCOMPARE(added.removed_size() + added.changed_size() + added.mailbox_size(), 0);

        // Mailbox counters moved: a mailbox update only.
        for (int i = 0; i < 3; ++i)
            worker.tell(Sleep{0}); // queued, not run
        pb::Delta mailbox;
        QVERIFY(builder.delta(subscription, &mailbox));
        QCOMPARE(mailbox.base_version(), added.version());
        QCOMPARE(mailbox.added_size() + mailbox.removed_size() + mailbox.changed_size(), 0);
        QCOMPARE(mailbox.mailbox_size(), 1);
        QCOMPARE(uuid(mailbox.mailbox(0).id()), worker.id());
        QCOMPARE(mailbox.mailbox(0).mailbox().length(), 3u);

        // Stopped: removed.
        system.kill(worker.id());
        system.runUntilIdle();
        pb::Delta removed;
        QVERIFY(builder.delta(subscription, &removed));
        QCOMPARE(removed.removed_size(), 1);
        QCOMPARE(uuid(removed.removed(0)), worker.id());
        QCOMPARE(removed.added_size() + removed.changed_size(), 0);
        QVERIFY(!builder.delta(subscription, &unchanged));
    }

    void kindFilterAndRestarts()
    {
        Runtime runtime;
        ActorSystem &system = runtime.system;
        DeltaBuilder &builder = runtime.builder;
        DeltaBuilder::Subscription subscription{.kinds = {u"view"_s}};

        pb::Snapshot snapshot;
        builder.snapshot(subscription, &snapshot);
        QCOMPARE(snapshot.actors_size(), 2);
        for (const pb::Actor &actor : snapshot.actors())
            QCOMPARE(QString::fromStdString(actor.kind()), u"view"_s);
        QCOMPARE(snapshot.restarts_size(), 0);

        // An actor of another kind: nothing to send.
        system.spawn<Worker>({.kind = u"session"_s});
        system.runUntilIdle();
        pb::Delta unchanged;
        QVERIFY(!builder.delta(subscription, &unchanged));

        // A killed view comes back from its supervisor: changed, with a restart record.
        const pb::Actor &before = snapshot.actors(0);
        system.kill(uuid(before.id()));
        system.runUntilIdle();
        pb::Delta restarted;
        QVERIFY(builder.delta(subscription, &restarted));
        QCOMPARE(restarted.added_size() + restarted.removed_size(), 0);
        QCOMPARE(restarted.changed_size(), 1);
        QCOMPARE(restarted.changed(0).id(), before.id());
        QVERIFY(restarted.changed(0).incarnation() > before.incarnation());
        QCOMPARE(restarted.changed(0).restart_count(), 1u);
        QCOMPARE(restarted.restarts_size(), 1);
        QCOMPARE(restarted.restarts(0).id(), before.id());
        QCOMPARE(restarted.restarts(0).incarnation(), restarted.changed(0).incarnation());

        // Sent once: the next delta has no restarts; a new subscriber's snapshot has the record.
        QVERIFY(!builder.delta(subscription, &unchanged));
        DeltaBuilder::Subscription late;
        pb::Snapshot lateSnapshot;
        builder.snapshot(late, &lateSnapshot);
        QCOMPARE(lateSnapshot.actors_size(), 4);
        QCOMPARE(lateSnapshot.restarts_size(), 1);
    }

    void instanceStats()
    {
        Runtime runtime;
        DeltaBuilder &builder = runtime.builder;
        DeltaBuilder::Subscription subscription;

        // No provider: no figures at all.
        pb::Snapshot bare;
        builder.snapshot(subscription, &bare);
        QVERIFY(!bare.has_instance_stats());

        InstanceStats stats{{u"python workers"_s, u"0/2 busy, 0 queued, 0 leaked"_s}, {u"async tasks"_s, u"0"_s}};
        int calls = 0;
        builder.setInstanceStatsProvider([&] {
            ++calls;
            return stats;
        });

        // A snapshot has them, in the provider's order.
        pb::Snapshot snapshot;
        builder.snapshot(subscription, &snapshot);
        QCOMPARE(calls, 1);
        QCOMPARE(snapshot.instance_stats().stats_size(), 2);
        QCOMPARE(snapshot.instance_stats().stats(0).name(), "python workers");
        QCOMPARE(snapshot.instance_stats().stats(0).value(), "0/2 busy, 0 queued, 0 leaked");
        QCOMPARE(snapshot.instance_stats().stats(1).name(), "async tasks");

        // Unchanged: no delta; the same subscriber asking again is asked a fresh call.
        pb::Delta unchanged;
        QVERIFY(!builder.delta(subscription, &unchanged));
        QCOMPARE(calls, 2);

        // Changed: a delta with the whole new list and nothing else, at the same version.
        stats.figures[0].second = u"1/2 busy, 0 queued, 0 leaked"_s;
        pb::Delta changed;
        QVERIFY(builder.delta(subscription, &changed));
        QCOMPARE(calls, 3);
        QVERIFY(changed.has_instance_stats());
        QCOMPARE(changed.instance_stats().stats_size(), 2);
        QCOMPARE(changed.instance_stats().stats(0).value(), "1/2 busy, 0 queued, 0 leaked");
        QCOMPARE(changed.instance_stats().stats(1).value(), "0");
        QCOMPARE(changed.added_size() + changed.removed_size() + changed.changed_size() + changed.mailbox_size(), 0);
        QCOMPARE(changed.base_version(), snapshot.version());
        QCOMPARE(changed.version(), snapshot.version());
        QVERIFY(!builder.delta(subscription, &unchanged));

        // An actor change without a figure change: the delta leaves them out.
        runtime.system.spawn<Worker>({.kind = u"session"_s});
        runtime.system.runUntilIdle();
        pb::Delta added;
        QVERIFY(builder.delta(subscription, &added));
        QCOMPARE(added.added_size(), 1);
        QVERIFY(!added.has_instance_stats());

        // Another subscriber is sent the change too, from its own baseline.
        DeltaBuilder::Subscription other;
        pb::Snapshot otherSnapshot;
        builder.snapshot(other, &otherSnapshot);
        QCOMPARE(otherSnapshot.instance_stats().stats(0).value(), "1/2 busy, 0 queued, 0 leaked");
        stats.figures[1].second = u"3"_s;
        pb::Delta mine, theirs;
        QVERIFY(builder.delta(subscription, &mine));
        QVERIFY(builder.delta(other, &theirs));
        QCOMPARE(mine.instance_stats().stats(1).value(), "3");
        QCOMPARE(theirs.instance_stats().stats(1).value(), "3");

        // The upload numbers are figures too: a change is sent, typed.
        stats.uploads = UploadFigures{.inFlight = 2, .bytesInFlight = 3000, .bytesBudget = 1 << 30,
                                      .bytesReceived = 9000, .completed = 4, .errors = 1};
        pb::Delta uploads;
        QVERIFY(builder.delta(subscription, &uploads));
        QVERIFY(uploads.instance_stats().has_uploads());
        QCOMPARE(uploads.instance_stats().uploads().in_flight(), 2u);
        QCOMPARE(uploads.instance_stats().uploads().bytes_in_flight(), 3000u);
        QCOMPARE(uploads.instance_stats().uploads().bytes_received_total(), 9000u);
        QCOMPARE(uploads.instance_stats().uploads().errors_total(), 1u);
        QCOMPARE(uploads.instance_stats().stats_size(), 2); // the whole set, as for text figures
        QVERIFY(!builder.delta(subscription, &unchanged));

        // None any more: set and empty, unlike "unchanged" (unset).
        stats = {};
        pb::Delta cleared;
        QVERIFY(builder.delta(subscription, &cleared));
        QVERIFY(cleared.has_instance_stats());
        QCOMPARE(cleared.instance_stats().stats_size(), 0);
        QVERIFY(!cleared.instance_stats().has_uploads());
        QVERIFY(!builder.delta(subscription, &unchanged));
    }
};

QTEST_GUILESS_MAIN(tst_DeltaBuilder)
#include "tst_deltabuilder.moc"
