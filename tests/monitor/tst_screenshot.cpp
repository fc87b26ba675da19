// Renders the main window with live data on a real X server (run under xvfb-run) to a PNG in the
// build tree and checks it is not blank: many colours, no single colour covering the window, the
// fill bars and the QML chart drawn; then the Top pane (monitor-mainwindow-top.png).
#include "support/liveruntime.h"
#include "support/redisserver.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/fleetmodel.h"
#include "monitor_app/core/topmodel.h"
#include "monitor_app/widgets/actordetailpane.h"
#include "monitor_app/widgets/fillbardelegate.h"
#include "monitor_app/widgets/fleetpane.h"
#include "monitor_app/widgets/historypane.h"
#include "monitor_app/widgets/mainwindow.h"
#include "monitor_app/widgets/topview.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QGuiApplication>
#include <QHash>
#include <QImage>
#include <QQuickItem>
#include <QQuickWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTreeView>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

class tst_Screenshot : public QObject
{
    Q_OBJECT
    static int colourCount(const QImage &image, double *dominantShare, const QColor &probe = {}, int *probeHits = nullptr)
    {
        QHash<QRgb, int> counts;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                ++counts[image.pixel(x, y) & 0xffffff];
        int max = 0, total = 0;
        for (int c : counts) {
            max = qMax(max, c);
            total += c;
        }
        if (dominantShare)
            *dominantShare = total ? double(max) / total : 1.0;
        if (probeHits)
            *probeHits = counts.value(probe.rgb() & 0xffffff);
        return int(counts.size());
    }

    /// Saves a pane's picture next to the main window's and checks it is not blank.
    static void savePane(QWidget &pane, const QString &suffix)
    {
        const QImage shot = pane.grab().toImage();
        QVERIFY(shot.save(QStringLiteral(LIVEACTOR_SCREENSHOT_PATH).replace(u".png"_s, suffix)));
        double dominant = 0;
        const int colours = colourCount(shot, &dominant);
        QVERIFY2(colours > 20, qPrintable(u"only %1 colours"_s.arg(colours)));
        QVERIFY2(dominant < 0.95, qPrintable(u"one colour covers %1 %%"_s.arg(dominant * 100)));
    }

private Q_SLOTS:
    void mainWindowWithLiveData()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCOMPARE(QGuiApplication::platformName(), u"xcb"_s); // a real window system, not offscreen
        LiveRuntime runtime;
        QVERIFY(runtime.start(6, 2, 8)); // 8 executors: six views sleep, two stay busy for Top
        QTRY_COMPARE(runtime.system->registry().count(), 1 + 6 + 12);

        MainWindow window;
        window.setConfirmHandler([](const QString &, const QString &) { return true; });
        InstanceConnection *c = window.addInstance(runtime.server->url(), runtime.server->operateToken(), false);
        window.resize(1500, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(window.model()->actorCount(c), 19);

        // Some life: a crash-restarted view and mailboxes at different fill levels.
        const QStringList views = runtime.ids(u"view"_s);
        runtime.system->kill(QUuid::fromString(views.at(3)));
        QTRY_COMPARE(window.model()->find(c, views.at(3))->restartCount, 1);
        const int loads[] = {45, 30, 10, 0, 20, 35};
        for (int i = 0; i < 6; ++i) {
            ActorRef ref = runtime.system->resolve(QUuid::fromString(views.at(i)));
            ref.tell(Sleep{4000});
            for (int n = 0; n < loads[i]; ++n)
                ref.tell(Sleep{0});
        }
        QVERIFY(window.selectActor(c, views.at(0)));
        QTRY_VERIFY(window.model()->find(c, views.at(0))->length >= 40);
        QTest::qWait(1500); // a few ticks of history for the chart, and the 1 s refresh

        const QImage shot = window.grab().toImage();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.save(QStringLiteral(LIVEACTOR_SCREENSHOT_PATH)));
        qInfo("screenshot: %s (%dx%d)", LIVEACTOR_SCREENSHOT_PATH, shot.width(), shot.height());

        double dominant = 1;
        int redHits = 0;
        const int colours = colourCount(shot, &dominant, FillBarDelegate::colorForLevel(int(ActorRecord::Level::AtLimit)), &redHits);
        QVERIFY2(colours > 100, qPrintable(u"only %1 colours"_s.arg(colours)));
        QVERIFY2(dominant < 0.85, qPrintable(u"one colour covers %1 %%"_s.arg(dominant * 100)));
        QVERIFY2(redHits > 20, "no red (>= 80 %) fill bar drawn");

        // The QML chart area is drawn too (not just background).
        QQuickWidget *chart = window.detailPane()->chart();
        const QImage chartImage = chart->grabFramebuffer();
        QVERIFY(!chartImage.isNull());
        double chartDominant = 1;
        const int chartColours = colourCount(chartImage, &chartDominant);
        QVERIFY2(chartColours > 10, qPrintable(u"chart has %1 colours"_s.arg(chartColours)));
        QVERIFY(chartDominant < 0.97);
        chartImage.save(QStringLiteral(LIVEACTOR_SCREENSHOT_PATH).replace(u".png"_s, u"-chart.png"_s));

        // The Top pane, floated large enough for all 19 rows: two busy views draw sparklines, the
        // full mailbox its red bar.
        auto *topDock = window.findChild<QDockWidget *>(u"top"_s);
        QVERIFY(topDock);
        window.findChild<QAction *>(u"showTop"_s)->trigger();
        topDock->setFloating(true);
        topDock->resize(1300, 520);
        // The views all run on their supervisor's executor, busy sleeping: two workers on another
        // executor stay busy for Top's msgs/s and sparklines.
        QStringList busy;
        for (int b = 0; b < 2; ++b)
            busy << runtime.system->spawn<Worker>({.kind = u"worker"_s, .name = u"busy%1"_s.arg(b), .capacity = 200,
                                                   .executor = 1}).id().toString(QUuid::WithoutBraces);
        for (int i = 0; i < 8; ++i) {
            for (int b = 0; b < busy.size(); ++b)
                for (int n = 0; n < 10 * (b + 1); ++n)
                    runtime.system->resolve(QUuid::fromString(busy.at(b))).tell(Sleep{0});
            QTest::qWait(100);
        }
        window.topView()->refresh();
        QVERIFY(window.topView()->model()->isHot(*window.model()->find(c, views.at(0))));
        const QImage top = window.topView()->grab().toImage();
        QVERIFY(top.save(QStringLiteral(LIVEACTOR_SCREENSHOT_PATH).replace(u".png"_s, u"-top.png"_s)));
        int topRed = 0;
        const int topColours = colourCount(top, nullptr, FillBarDelegate::colorForLevel(int(ActorRecord::Level::AtLimit)), &topRed);
        QVERIFY2(topColours > 50, qPrintable(u"Top has %1 colours"_s.arg(topColours)));
        QVERIFY2(topRed > 20, "no red (>= 80 %) fill bar in Top");
    }

    void historyPane()
    {
        // The History pane as a CounterView's history shows it (the batches the runtime sends;
        // tst_historypane covers them coming from a live view): a timeline, one row selected.
        namespace pb = ::liveactor::monitor::v1;
        auto assign = [](const char *key, const std::string &before, const std::string &after) {
            pb::AssignChange c;
            c.set_key(key);
            c.set_before(before);
            c.set_after(after);
            c.set_added(before.empty());
            return c;
        };
        pb::HistoryBatch b;
        b.set_actor_id("3f2a9c4e-1b7d-4e6a-9c1f-2d8b7a6e5c40");
        b.set_length(100);
        b.set_has_base(true);
        *b.add_base() = assign("mount", "", "\"a41c09d2\"");
        *b.add_base() = assign("count", "", "0");
        *b.add_base() = assign("connected", "", "\"yes\"");
        const qint64 t0 = 1'796'471'302'000'000;
        int count = 0;
        for (int i = 1; i <= 9; ++i) {
            pb::HistoryEntry *e = b.add_entries();
            e->set_seq(i);
            e->set_time_us(t0 + i * 431'000);
            e->set_kind(i == 5 ? "info" : "event");
            e->set_name(i == 5 ? "tick" : i == 8 ? "nope" : "inc");
            e->set_payload(i == 3 ? "{\"by\":\"5\"}" : "{}");
            e->set_duration_ns(40'000 + i * 7'300);
            if (i == 8) {
                e->set_outcome("refused: no handler for event nope");
                e->set_diff_bytes(-1);
                continue;
            }
            const int by = i == 3 ? 5 : i == 5 ? 0 : 1;
            if (by)
                *e->add_changes() = assign("count", std::to_string(count), std::to_string(count + by));
            count += by;
            e->set_outcome("ok");
            e->set_diff_bytes(by ? 18 : 2);
        }
        HistoryPane pane;
        pane.showSaved(b, u"view 3f2a9c4e /counter"_s);
        pane.resize(1300, 420);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QVERIFY(pane.selectEntry(2));
        QVERIFY(pane.assignsText().contains(u"\"count\": 7"_s));
        QTest::qWait(50);
        savePane(pane, u"-history.png"_s);
    }

    void fleetPane()
    {
        // The Fleet dock as `liveactor-monitor --redis` shows three instances, one of which just
        // left (greyed while it lingers): registries like serve's on a real redis-server.
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
        RedisServer redis;
        QVERIFY(redis.start());
        std::vector<std::unique_ptr<FleetRegistry>> fleet;
        const int sessions[] = {412, 397, 385};
        const double loads[] = {1830.4, 1762.9, 0};
        for (int n = 0; n < 3; ++n) {
            fleet.push_back(std::make_unique<FleetRegistry>(*RedisUrl::parse(redis.url()), u"web-%1"_s.arg(n + 1), [=] {
                FleetInstance i;
                i.controlUrl = u"ws://10.0.0.%1:4001/"_s.arg(11 + n);
                i.httpUrl = u"http://10.0.0.%1:4000/"_s.arg(11 + n);
                i.started = QDateTime::currentDateTimeUtc().addSecs(-3600 * (3 - n) - 600);
                i.sessions = sessions[n];
                i.views = sessions[n] * 2 + 7;
                i.load = loads[n];
                return i;
            }, std::chrono::milliseconds(100)));
            fleet.back()->start();
        }
        FleetModel model;
        model.setLinger(std::chrono::hours(1));
        model.setSource(*RedisUrl::parse(u"redis://127.0.0.1:%1/0"_s.arg(redis.port())), std::chrono::milliseconds(100));
        FleetPane pane(&model);
        pane.resize(900, 220);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 20000);
        QVERIFY(fleet.back()->stop(std::chrono::seconds(10)));
        QTRY_VERIFY_WITH_TIMEOUT(model.isGone(model.rowOf(u"web-3"_s)), 20000);
        pane.table()->selectRow(model.rowOf(u"web-1"_s));
        QTest::qWait(50);
        savePane(pane, u"-fleet.png"_s);
    }
};

QTEST_MAIN(tst_Screenshot)
#include "tst_screenshot.moc"
