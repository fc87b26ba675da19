// The monitor's Help > About box shows the application version (main sets it from the project's
// one version number) and the licence.
#include "monitor_app/widgets/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QMessageBox>
#include <QTest>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;

class tst_AboutBox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheVersion()
    {
        QCoreApplication::setApplicationVersion(u"9.8.7"_s);
        MainWindow window;
        auto *about = window.findChild<QAction *>(u"about"_s);
        QVERIFY(about);
        QVERIFY(!about->associatedObjects().isEmpty()); // it sits in a menu

        QString text;
        // The box is modal: read and close it from the event loop it runs.
        QTimer::singleShot(0, this, [&text] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            text = box->text();
            box->accept();
        });
        about->trigger();
        QVERIFY2(text.contains(u"9.8.7"_s), qPrintable(text));
        QVERIFY2(text.contains(u"MIT"_s), qPrintable(text));
    }
};

QTEST_MAIN(tst_AboutBox)
#include "tst_aboutbox.moc"
