// ActorTreeModel + ActorFilterProxy fed with hand-made Snapshot/Delta messages (no network).
#include "monitor_app/core/actorfilterproxy.h"
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/instanceconnection.h"

#include <google/protobuf/util/message_differencer.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;
namespace pb = ::liveactor::monitor::v1;

namespace {
pb::Actor actor(const QString &id, const QString &parent, const char *kind, int length, int capacity, int restarts = 0)
{
    pb::Actor a;
    a.set_id(id.toStdString());
    a.set_parent_id(parent.toStdString());
    a.set_kind(kind);
    a.set_state(pb::ACTOR_STATE_RUNNING);
    a.mutable_mailbox()->set_length(quint32(length));
    a.mutable_mailbox()->set_capacity(quint32(capacity));
    a.mutable_mailbox()->set_high_water(quint32(length));
    a.set_restart_count(quint32(restarts));
    a.set_started_at_ms(1000);
    (*a.mutable_metadata())["path"] = "/" + id.toStdString();
    return a;
}

void setStats(pb::InstanceStats *out, std::initializer_list<std::pair<const char *, const char *>> stats)
{
    out->Clear();
    for (const auto &[name, value] : stats) {
        pb::InstanceStat *stat = out->add_stats();
        stat->set_name(name);
        stat->set_value(value);
    }
}
}

class tst_ActorTreeModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    /// The restart-budget column: text, gauge fill and level (ok / near / at the limit) from the
    /// Supervision the runtime sends; a burst that has ended counts 0 without any new message.
    void restartBudgetColumn_data()
    {
        QTest::addColumn<int>("intensity");
        QTest::addColumn<int>("restarts");
        QTest::addColumn<qint64>("windowEndsAt");
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("fill");
        QTest::addColumn<int>("level");
        const int ok = int(ActorRecord::Level::Ok), near = int(ActorRecord::Level::Near), at = int(ActorRecord::Level::AtLimit);
        QTest::newRow("none used") << 5 << 0 << qint64(0) << u"0/5 in 10 s"_s << 0.0 << ok;
        QTest::newRow("1 of 5") << 5 << 1 << qint64(15000) << u"1/5 in 10 s"_s << 0.2 << ok;
        QTest::newRow("4 of 5: one left") << 5 << 4 << qint64(15000) << u"4/5 in 10 s"_s << 0.8 << near;
        QTest::newRow("5 of 5: at the limit") << 5 << 5 << qint64(15000) << u"5/5 in 10 s"_s << 1.0 << at;
        QTest::newRow("burst over") << 5 << 5 << qint64(9000) << u"0/5 in 10 s"_s << 0.0 << ok;
        QTest::newRow("intensity 0: any restart escalates") << 0 << 0 << qint64(0) << u"0/0 in 10 s"_s << 1.0 << at;
    }
    void restartBudgetColumn()
    {
        QFETCH(int, intensity);
        QFETCH(int, restarts);
        QFETCH(qint64, windowEndsAt);
        QFETCH(QString, text);
        QFETCH(double, fill);
        QFETCH(int, level);
        ActorTreeModel model;
        model.setNowForTesting(10000);
        InstanceConnection conn(QUrl(u"ws://127.0.0.1:1/"_s), u"t"_s);
        model.addInstance(&conn);
        pb::Snapshot s;
        s.set_time_ms(10000);
        pb::Actor sup = actor(u"sup"_s, {}, "supervisor", 0, 1000);
        pb::Supervision *budget = sup.mutable_supervision();
        budget->set_strategy("one_for_all");
        budget->set_intensity(quint32(intensity));
        budget->set_period_ms(10000);
        budget->set_restarts_in_window(quint32(restarts));
        budget->set_window_ends_at_ms(windowEndsAt);
        *s.add_actors() = sup;
        *s.add_actors() = actor(u"w"_s, u"sup"_s, "view", 0, 50);
        model.applySnapshot(&conn, s);
        const QModelIndex row = model.indexOf(&conn, u"sup"_s);
        const QModelIndex cell = model.index(row.row(), ActorTreeModel::BudgetColumn, row.parent());
        QCOMPARE(cell.data().toString(), text);
        QCOMPARE(cell.data(ActorTreeModel::FillRole).toDouble(), fill);
        QCOMPARE(cell.data(ActorTreeModel::LevelRole).toInt(), level);
        QVERIFY(cell.data(Qt::ToolTipRole).toString().startsWith(u"one_for_all, restarts: "_s));
        // An actor without a budget: empty cell, no gauge.
        const QModelIndex w = model.indexOf(&conn, u"w"_s);
        const QModelIndex wCell = model.index(w.row(), ActorTreeModel::BudgetColumn, w.parent());
        QCOMPARE(wCell.data().toString(), QString());
        QVERIFY(!wCell.data(ActorTreeModel::FillRole).isValid());
    }

    /// snapshotOf (what a saved snapshot keeps) gives back every field the runtime sent, as of the
    /// last delta, parents before children.
    void snapshotOfIsWhatTheModelKnows()
    {
        ActorTreeModel model;
        InstanceConnection conn(QUrl(u"ws://127.0.0.1:1/"_s), u"t"_s);
        model.addInstance(&conn);
        pb::Snapshot s;
        s.set_time_ms(10000);
        pb::Actor sup = actor(u"sup"_s, {}, "supervisor", 1, 1000);
        sup.set_name("sessions");
        sup.set_executor(1);
        sup.mutable_supervision()->set_strategy("one_for_one");
        sup.mutable_supervision()->set_intensity(3);
        sup.mutable_supervision()->set_period_ms(5000);
        sup.mutable_supervision()->set_restarts_in_window(2);
        sup.mutable_supervision()->set_window_ends_at_ms(14000);
        pb::MailboxStats *m = sup.mutable_mailbox();
        m->set_system_length(2);
        m->set_enqueued(40);
        m->set_processed(37);
        m->set_rejected(3);
        m->set_wait_time_us(12.5);
        m->set_processing_time_us(80.25);
        *s.add_actors() = sup;
        *s.add_actors() = actor(u"a"_s, u"sup"_s, "session", 2, 100);
        *s.add_actors() = actor(u"gone"_s, u"sup"_s, "session", 0, 100);
        *s.add_actors() = actor(u"v"_s, u"a"_s, "view", 5, 50, 1);
        setStats(s.mutable_instance_stats(), {{"async tasks", "3"}});
        model.applySnapshot(&conn, s);
        pb::Delta d;
        d.set_time_ms(10250);
        d.add_removed("gone");
        pb::Actor v = actor(u"v"_s, u"a"_s, "view", 7, 50, 2);
        v.set_incarnation(2);
        v.set_state(pb::ACTOR_STATE_RESTARTING);
        v.mutable_last_exit()->set_kind("exception");
        v.mutable_last_exit()->set_message("ValueError: boom");
        v.mutable_last_exit()->set_traceback("Traceback …");
        *d.add_changed() = v;
        *d.add_added() = actor(u"c"_s, u"v"_s, "component", 0, 20);
        model.applyDelta(&conn, d);

        pb::Snapshot expected;
        *expected.add_actors() = sup;
        *expected.add_actors() = actor(u"a"_s, u"sup"_s, "session", 2, 100);
        *expected.add_actors() = v;
        *expected.add_actors() = actor(u"c"_s, u"v"_s, "component", 0, 20);
        setStats(expected.mutable_instance_stats(), {{"async tasks", "3"}});
        const pb::Snapshot got = model.snapshotOf(&conn);
        QVERIFY2(google::protobuf::util::MessageDifferencer::Equals(got, expected), got.DebugString().c_str());
        QCOMPARE(model.snapshotOf(nullptr).actors_size(), 0);
    }

    void snapshotBuildsTree()
    {
        ActorTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        InstanceConnection conn(QUrl(u"ws://127.0.0.1:1/"_s), u"t"_s);
        model.addInstance(&conn);
        QCOMPARE(model.rowCount(), 1);
        pb::Snapshot s;
        s.set_time_ms(10000);
        *s.add_actors() = actor(u"sup"_s, {}, "supervisor", 0, 1000);
        *s.add_actors() = actor(u"s1"_s, u"sup"_s, "session", 10, 100);
        *s.add_actors() = actor(u"s2"_s, u"sup"_s, "session", 90, 100);
        *s.add_actors() = actor(u"v1"_s, u"s1"_s, "view", 25, 50, 2);
        *s.add_actors() = actor(u"c1"_s, u"v1"_s, "component", 0, 20);
        model.applySnapshot(&conn, s);
        QCOMPARE(model.actorCount(&conn), 5);
        const QModelIndex inst = model.index(0, 0);
        QCOMPARE(model.rowCount(inst), 1);
        const QModelIndex sup = model.index(0, 0, inst);
        QCOMPARE(sup.data(ActorTreeModel::IdRole).toString(), u"sup"_s);
        QCOMPARE(model.rowCount(sup), 2);
        const QModelIndex v1 = model.indexOf(&conn, u"v1"_s);
        QCOMPARE(v1.parent(), model.indexOf(&conn, u"s1"_s));
        QCOMPARE(model.index(v1.row(), ActorTreeModel::MailboxColumn, v1.parent()).data().toString(), u"25/50"_s);
        QCOMPARE(model.index(v1.row(), ActorTreeModel::MailboxColumn, v1.parent()).data(ActorTreeModel::FillRole).toDouble(), 0.5);
        QCOMPARE(model.index(v1.row(), ActorTreeModel::RestartsColumn, v1.parent()).data().toInt(), 2);
        QCOMPARE(model.index(v1.row(), ActorTreeModel::PathColumn, v1.parent()).data().toString(), u"/v1"_s);
        QCOMPARE(model.index(0, ActorTreeModel::MailboxColumn).data().toString(), u"5 actors"_s);

        // Delta: add, remove (with a child), change, mailbox.
        pb::Delta d;
        d.set_time_ms(11000);
        *d.add_added() = actor(u"v2"_s, u"s2"_s, "view", 1, 50);
        d.add_removed("v1");
        pb::Actor changed = actor(u"s2"_s, u"sup"_s, "session", 90, 100, 1);
        changed.set_state(pb::ACTOR_STATE_RESTARTING);
        *d.add_changed() = changed;
        pb::MailboxUpdate *mu = d.add_mailbox();
        mu->set_id("s1");
        mu->mutable_mailbox()->set_length(50);
        mu->mutable_mailbox()->set_capacity(100);
        mu->mutable_mailbox()->set_processed(500);
        model.applyDelta(&conn, d);
        QCOMPARE(model.actorCount(&conn), 4); // c1 went with v1
        QVERIFY(!model.indexOf(&conn, u"v1"_s).isValid());
        QVERIFY(!model.indexOf(&conn, u"c1"_s).isValid());
        QCOMPARE(model.find(&conn, u"s2"_s)->restartCount, 1);
        QCOMPARE(model.find(&conn, u"s2"_s)->state, u"restarting"_s);
        QCOMPARE(model.find(&conn, u"s1"_s)->length, 50);
        QCOMPARE(model.find(&conn, u"s1"_s)->history.size(), 2);
        QCOMPARE(model.indexOf(&conn, u"v2"_s).parent(), model.indexOf(&conn, u"s2"_s));
        // msgs/s from processed deltas: 500 in 1 s.
        model.setNowForTesting(11100);
        QCOMPARE(model.find(&conn, u"s1"_s)->messagesPerSecond, 500.0);
        // A second snapshot replaces everything.
        pb::Snapshot s2;
        s2.set_time_ms(12000);
        *s2.add_actors() = actor(u"sup"_s, {}, "supervisor", 0, 1000);
        model.applySnapshot(&conn, s2);
        QCOMPARE(model.actorCount(&conn), 1);
        QCOMPARE(model.rowCount(model.index(0, 0, model.index(0, 0))), 0);
    }

    void proxySortsAndFilters()
    {
        ActorTreeModel model;
        ActorFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        InstanceConnection conn(QUrl(u"ws://127.0.0.1:1/"_s), u"t"_s);
        model.addInstance(&conn);
        pb::Snapshot s;
        s.set_time_ms(10000);
        *s.add_actors() = actor(u"sup"_s, {}, "supervisor", 0, 1000);
        const int fills[] = {10, 80, 45, 99, 0};
        for (int i = 0; i < 5; ++i)
            *s.add_actors() = actor(u"s%1"_s.arg(i), u"sup"_s, "session", fills[i], 100, i == 2 ? 3 : 0);
        *s.add_actors() = actor(u"v0"_s, u"s0"_s, "view", 45, 50);
        model.applySnapshot(&conn, s);
        // Proxy indexes are not persistent: look the supervisor row up again after each change.
#define sup (proxy.index(0, 0, proxy.index(0, 0)))
        QCOMPARE(proxy.rowCount(sup), 5);

        proxy.sort(ActorTreeModel::MailboxColumn, Qt::DescendingOrder);
        QStringList order;
        for (int r = 0; r < proxy.rowCount(sup); ++r)
            order << proxy.index(r, 0, sup).data(ActorTreeModel::IdRole).toString();
        QCOMPARE(order, (QStringList{u"s3"_s, u"s1"_s, u"s2"_s, u"s0"_s, u"s4"_s}));
        proxy.sort(ActorTreeModel::RestartsColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, 0, sup).data(ActorTreeModel::IdRole).toString(), u"s2"_s);

        // fill>50%: s1, s3, and v0 (90 %) whose parent s0 stays as its ancestor.
        QVERIFY(proxy.setFilterExpression(u"fill>50%"_s));
        QStringList shown;
        for (int r = 0; r < proxy.rowCount(sup); ++r)
            shown << proxy.index(r, 0, sup).data(ActorTreeModel::IdRole).toString();
        shown.sort();
        QCOMPARE(shown, (QStringList{u"s0"_s, u"s1"_s, u"s3"_s}));
        QVERIFY(proxy.setFilterExpression(u"restarts>0"_s));
        QCOMPARE(proxy.rowCount(sup), 1);
        QVERIFY(proxy.setFilterExpression(u"kind:view"_s));
        QCOMPARE(proxy.rowCount(sup), 1);
        QCOMPARE(proxy.rowCount(proxy.index(0, 0, sup)), 1);
        QVERIFY(!proxy.setFilterExpression(u"nonsense>1"_s));
        QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 0);
        QVERIFY(proxy.setFilterExpression(QString()));
        QCOMPARE(proxy.rowCount(sup), 5);

        // Dynamic filter: a mailbox delta moves s4 into fill>50%.
        QVERIFY(proxy.setFilterExpression(u"fill>50% kind:session"_s));
        QCOMPARE(proxy.rowCount(sup), 2);
        pb::Delta d;
        d.set_time_ms(11000);
        pb::MailboxUpdate *mu = d.add_mailbox();
        mu->set_id("s4");
        mu->mutable_mailbox()->set_length(70);
        mu->mutable_mailbox()->set_capacity(100);
        model.applyDelta(&conn, d);
        proxy.refresh();
        QCOMPARE(proxy.rowCount(sup), 3);
        // Sorting follows the new values after refresh() too.
        QVERIFY(proxy.setFilterExpression(QString()));
        proxy.sort(ActorTreeModel::MailboxColumn, Qt::AscendingOrder);
        pb::Delta d2;
        d2.set_time_ms(12000);
        pb::MailboxUpdate *mu2 = d2.add_mailbox();
        mu2->set_id("s3");
        mu2->mutable_mailbox()->set_length(0);
        mu2->mutable_mailbox()->set_capacity(100);
        model.applyDelta(&conn, d2);
        proxy.refresh();
        QCOMPARE(proxy.index(0, 0, sup).data(ActorTreeModel::IdRole).toString(), u"s3"_s);
#undef sup
    }

    void instanceRowShowsFigures()
    {
        ActorTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        InstanceConnection conn(QUrl(u"ws://127.0.0.1:1/"_s), u"t"_s);
        model.addInstance(&conn);
        const QModelIndex figures = model.index(0, ActorTreeModel::LastEventColumn);
        const QModelIndex name = model.index(0, ActorTreeModel::IdColumn);

        // A snapshot without figures: nothing shown.
        pb::Snapshot bare;
        *bare.add_actors() = actor(u"sup"_s, {}, "supervisor", 0, 1000);
        model.applySnapshot(&conn, bare);
        QVERIFY(model.instanceStats(&conn).isEmpty());
        QCOMPARE(figures.data().toString(), QString());
        QCOMPARE(name.data(Qt::ToolTipRole).toString(), name.data().toString());

        pb::Snapshot s = bare;
        setStats(s.mutable_instance_stats(), {{"python workers", "2/16 busy, 0 queued, 0 leaked"}, {"async tasks", "3"}});
        model.applySnapshot(&conn, s);
        QCOMPARE(model.instanceStats(&conn),
                 (InstanceStatList{{u"python workers"_s, u"2/16 busy, 0 queued, 0 leaked"_s}, {u"async tasks"_s, u"3"_s}}));
        QCOMPARE(figures.data().toString(), u"python workers: 2/16 busy, 0 queued, 0 leaked · async tasks: 3"_s);
        QCOMPARE(name.data(Qt::ToolTipRole).toString(), u"python workers: 2/16 busy, 0 queued, 0 leaked\nasync tasks: 3"_s);
        QCOMPARE(model.index(0, ActorTreeModel::MailboxColumn).data().toString(), u"1 actors"_s);

        // A delta without instance_stats leaves them; one with them replaces them and repaints the row.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        pb::Delta mailboxOnly;
        pb::MailboxUpdate *mu = mailboxOnly.add_mailbox();
        mu->set_id("sup");
        mu->mutable_mailbox()->set_length(1);
        mu->mutable_mailbox()->set_capacity(1000);
        model.applyDelta(&conn, mailboxOnly);
        QCOMPARE(model.instanceStats(&conn).size(), 2);
        changed.clear();
        pb::Delta d;
        setStats(d.mutable_instance_stats(), {{"python workers", "16/16 busy, 4 queued, 1 leaked"}});
        model.applyDelta(&conn, d);
        QCOMPARE(figures.data().toString(), u"python workers: 16/16 busy, 4 queued, 1 leaked"_s);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), name);

        // Set and empty: none any more.
        pb::Delta cleared;
        cleared.mutable_instance_stats();
        model.applyDelta(&conn, cleared);
        QVERIFY(model.instanceStats(&conn).isEmpty());
        QCOMPARE(figures.data().toString(), QString());
    }
};

QTEST_GUILESS_MAIN(tst_ActorTreeModel)
#include "tst_actortreemodel.moc"
