#include "monitor_app/core/restartlogmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;
namespace pb = ::liveactor::monitor::v1;

class tst_RestartLogModel : public QObject
{
    Q_OBJECT
    static pb::RestartRecord rec(const char *id, quint32 incarnation, qint64 timeMs, const char *kind = "killed")
    {
        pb::RestartRecord r;
        r.set_id(id);
        r.set_kind("view");
        r.set_incarnation(incarnation);
        r.set_restart_count(incarnation);
        r.mutable_reason()->set_kind(kind);
        r.mutable_reason()->set_message("boom");
        r.mutable_reason()->set_traceback("Traceback (most recent call last):\n  ValueError: boom");
        r.mutable_reason()->set_time_ms(timeMs);
        return r;
    }
private Q_SLOTS:
    void newestFirstAndDeduplicated()
    {
        RestartLogModel model;
        QAbstractItemModelTester tester(&model);
        google::protobuf::RepeatedPtrField<pb::RestartRecord> batch;
        *batch.Add() = rec("a", 1, 1000);
        *batch.Add() = rec("b", 1, 3000);
        model.addRecords(u"inst"_s, batch);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0, RestartLogModel::ActorColumn)).toString(), u"b"_s);
        // The same records again (a new snapshot) add nothing.
        model.addRecords(u"inst"_s, batch);
        QCOMPARE(model.rowCount(), 2);
        // Same actor on another instance is distinct.
        model.addRecords(u"other"_s, batch);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.data(model.index(0, RestartLogModel::ReasonColumn)).toString(), u"killed: boom"_s);
        QVERIFY(model.data(model.index(0, 0), RestartLogModel::TracebackRole).toString().contains(u"ValueError"_s));
        QCOMPARE(model.entriesFor(u"inst"_s, u"a"_s).size(), 1);
    }

    void restartLoopDetected()
    {
        RestartLogModel model;
        model.setLoopDetection(3, 60000);
        QSignalSpy spy(&model, &RestartLogModel::restartLoopDetected);
        google::protobuf::RepeatedPtrField<pb::RestartRecord> batch;
        *batch.Add() = rec("x", 1, 1000);
        *batch.Add() = rec("x", 2, 20000);
        model.addRecords(u"inst"_s, batch);
        QVERIFY(!model.isLooping(u"inst"_s, u"x"_s));
        QCOMPARE(spy.count(), 0);
        batch.Clear();
        *batch.Add() = rec("x", 3, 40000);
        model.addRecords(u"inst"_s, batch);
        QVERIFY(model.isLooping(u"inst"_s, u"x"_s));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(2).toInt(), 3);
        QVERIFY(model.data(model.index(0, RestartLogModel::CountColumn)).toString().contains(u"restart loop"_s));
        QVERIFY(model.data(model.index(0, 0), RestartLogModel::LoopingRole).toBool());
        // Spread-out restarts are not a loop.
        batch.Clear();
        *batch.Add() = rec("y", 1, 0);
        *batch.Add() = rec("y", 2, 70000);
        *batch.Add() = rec("y", 3, 140000);
        model.addRecords(u"inst"_s, batch);
        QVERIFY(!model.isLooping(u"inst"_s, u"y"_s));
        QCOMPARE(spy.count(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_RestartLogModel)
#include "tst_restartlogmodel.moc"
