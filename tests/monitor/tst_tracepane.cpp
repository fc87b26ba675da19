// The "Trace" pane: against a live runtime through the window (Trace on a session → records of
// its views arrive, Stop ends it in the runtime), and its filter, drop counter and Clear on
// batches given directly. Offscreen.
#include "support/liveruntime.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/widgets/mainwindow.h"
#include "monitor_app/widgets/tracepane.h"

#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace {

namespace pb = ::liveactor::monitor::v1;

pb::TraceBatch batch(const QString &root, const QStringList &types, quint64 dropped, bool stopped = false)
{
    pb::TraceBatch b;
    b.set_actor_id(root.toStdString());
    b.set_dropped(dropped);
    b.set_stopped(stopped);
    if (stopped)
        b.set_stop_reason("stopped");
    for (const QString &type : types) {
        pb::TraceRecord *r = b.add_records();
        r->set_time_us(1'700'000'000'000'000);
        r->set_actor_id(root.toStdString());
        r->set_actor_kind("view");
        r->set_type(type.toStdString());
        r->set_wait_ns(1500);
        r->set_processing_ns(25'000);
    }
    return b;
}

} // namespace

class tst_TracePane : public QObject
{
    Q_OBJECT
    LiveRuntime m_runtime;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_runtime.start(2, 2));
        QTRY_COMPARE(m_runtime.system->registry().count(), 1 + 2 + 2 * 2);
    }

    void traceFromTheWindow()
    {
        MainWindow window;
        InstanceConnection *connection = window.addInstance(m_runtime.server->url(), m_runtime.server->operateToken(), false);
        window.show();
        QTRY_COMPARE(window.model()->actorCount(connection), 7);
        const QString session = m_runtime.ids(u"session"_s).at(0);
        QVERIFY(window.selectActor(connection, session));
        QVERIFY(window.traceSelected());
        QTRY_COMPARE(m_runtime.server->traceCount(), 1);
        TracePane *pane = window.tracePane();
        QVERIFY(pane->isTracing());
        // Traffic to the session's views (its subtree) and to another session's (not traced).
        const QStringList views = m_runtime.ids(u"view"_s);
        for (const QString &view : views)
            m_runtime.system->resolve(QUuid::fromString(view)).tell(Value{1});
        QTRY_COMPARE(pane->rowCount(), 2);
        QVERIFY(pane->statusText().contains(u"0 dropped"_s));
        // The filter narrows by any column, e.g. the type.
        pane->setFilterText(u"test::value"_s);
        QCOMPARE(pane->visibleRowCount(), 2);
        pane->setFilterText(u"no such type"_s);
        QCOMPARE(pane->visibleRowCount(), 0);
        pane->setFilterText({});
        // Stop ends the trace in the runtime.
        pane->findChild<QPushButton *>(u"traceStop"_s)->click();
        QVERIFY(!pane->isTracing());
        QTRY_COMPARE(m_runtime.server->traceCount(), 0);
    }

    void filterDropsAndClear()
    {
        TracePane pane;
        pane.show();
        const QString root = QUuid::createUuid().toString(QUuid::WithoutBraces);
        pane.begin(nullptr, root, u"view"_s);
        pane.addBatch(batch(root, {u"Ns::Click"_s, u"Ns::Tick"_s, u"Ns::Click"_s}, 0));
        pane.addBatch(batch(QUuid::createUuid().toString(QUuid::WithoutBraces), {u"Ns::Other"_s}, 0)); // another trace
        QCOMPARE(pane.rowCount(), 3);
        pane.findChild<QLineEdit *>(u"traceFilter"_s)->setText(u"click"_s);
        QCOMPARE(pane.visibleRowCount(), 2);
        pane.addBatch(batch(root, {u"Ns::Click"_s, u"Ns::Tick"_s}, 42));
        QCOMPARE(pane.visibleRowCount(), 3); // the filter applies to new rows too
        QCOMPARE(pane.dropped(), quint64(42));
        QVERIFY2(pane.statusText().contains(u"42 dropped"_s), qPrintable(pane.statusText()));
        QVERIFY(pane.statusText().contains(u"records/s"_s));
        pane.findChild<QPushButton *>(u"traceClear"_s)->click();
        QCOMPARE(pane.rowCount(), 0);
        QVERIFY(pane.isTracing()); // Clear keeps tracing
        pane.addBatch(batch(root, {}, 42, true));
        QVERIFY(!pane.isTracing());
        QVERIFY(pane.statusText().contains(u"stopped"_s));
        pane.addBatch(batch(root, {u"Ns::Late"_s}, 42)); // after the end: ignored
        QCOMPARE(pane.rowCount(), 0);
    }
};

QTEST_MAIN(tst_TracePane)
#include "tst_tracepane.moc"
