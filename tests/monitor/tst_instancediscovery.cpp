#include "monitor_app/core/instancediscovery.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;

class tst_InstanceDiscovery : public QObject
{
    Q_OBJECT
    static void writeInstance(const QString &dir, qint64 pid, int port, const QString &token)
    {
        QDir().mkpath(dir);
        QFile t(QDir(dir).filePath(u"control_token"_s));
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(token.toUtf8() + '\n');
        QFile f(QDir(dir).filePath(u"control.json"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject{{u"name"_s, u"inst-%1"_s.arg(port)},
                                          {u"url"_s, u"ws://127.0.0.1:%1/"_s.arg(port)},
                                          {u"pid"_s, pid},
                                          {u"token_file"_s, QDir(dir).filePath(u"control_token"_s)}})
                    .toJson());
    }
private Q_SLOTS:
    void scan()
    {
        QTemporaryDir root;
        const QString live = root.filePath(u"a/.state"_s);
        const QString stale = root.filePath(u"b/.state"_s);
        writeInstance(live, QCoreApplication::applicationPid(), 4101, u"tok-live"_s);
        writeInstance(stale, 999999999, 4102, u"tok-stale"_s);
        const QString empty = root.filePath(u"c/.state"_s);
        QDir().mkpath(empty);

        const auto running = InstanceDiscovery::scan({live, stale, empty, root.filePath(u"missing"_s)});
        QCOMPARE(running.size(), 1);
        QCOMPARE(running.at(0).url, QUrl(u"ws://127.0.0.1:4101/"_s));
        QCOMPARE(running.at(0).token, u"tok-live"_s);
        QCOMPARE(running.at(0).name, u"inst-4101"_s);
        QVERIFY(running.at(0).running);
        QCOMPARE(InstanceDiscovery::scan({live, stale}, true).size(), 2);
        QCOMPARE(InstanceDiscovery::tokenFor(QUrl(u"ws://127.0.0.1:4101/"_s), {live, stale}), u"tok-live"_s);
        QCOMPARE(InstanceDiscovery::tokenFor(QUrl(u"ws://127.0.0.1:4102/"_s), {live, stale}), QString());

        // Default dirs: the current directory's .state folders and $LIVEACTOR_STATE_DIR.
        QDir::setCurrent(root.path());
        qputenv("LIVEACTOR_STATE_DIR", empty.toUtf8());
        const QStringList dirs = InstanceDiscovery::defaultStateDirs();
        QVERIFY(dirs.contains(empty));
        QVERIFY(dirs.contains(QDir(root.filePath(u"a"_s)).absoluteFilePath(u".state"_s)));
    }
};

QTEST_GUILESS_MAIN(tst_InstanceDiscovery)
#include "tst_instancediscovery.moc"
