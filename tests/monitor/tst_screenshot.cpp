// Renders the main window with live data on a real X server (run under xvfb-run) to a PNG in the
// build tree and checks it is not blank: many colours, no single colour covering the window, the
// fill bars and the QML chart drawn; then the Top pane (monitor-mainwindow-top.png).
#include "support/liveruntime.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/topmodel.h"
#include "monitor_app/widgets/actordetailpane.h"
#include "monitor_app/widgets/fillbardelegate.h"
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
};

QTEST_MAIN(tst_Screenshot)
#include "tst_screenshot.moc"
