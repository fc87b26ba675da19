#include "monitor_app/core/instancesettings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;

class tst_InstanceSettings : public QObject
{
    Q_OBJECT
    QTemporaryDir m_config;
private Q_SLOTS:
    void initTestCase()
    {
        // Before the first QSettings: keep the user's real settings out of it.
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_config.path());
    }
    void rememberUpdateForget()
    {
        QVERIFY(InstanceSettings::load().isEmpty());
        InstanceSettings::remember({QUrl(u"ws://127.0.0.1:4001/"_s), u"a"_s});
        InstanceSettings::remember({QUrl(u"ws://10.0.0.2:4001/"_s), u"b"_s});
        InstanceSettings::remember({QUrl(u"ws://127.0.0.1:4001/"_s), u"a2"_s}); // same URL: updated
        QList<SavedInstance> all = InstanceSettings::load();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.at(0).url, QUrl(u"ws://127.0.0.1:4001/"_s));
        QCOMPARE(all.at(0).token, u"a2"_s);
        QCOMPARE(all.at(1).token, u"b"_s);
        InstanceSettings::forget(QUrl(u"ws://127.0.0.1:4001/"_s));
        all = InstanceSettings::load();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.at(0).url, QUrl(u"ws://10.0.0.2:4001/"_s));
        const QString file = m_config.filePath(u"liveactor/liveactor-monitor.conf"_s);
        QVERIFY(QFile::exists(file));
        // it holds operate tokens: nobody but its owner may read it (it was 0644)
        const auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
                          | QFile::WriteOther | QFile::ExeOther;
        QCOMPARE(QFile::permissions(file) & others, QFileDevice::Permissions());
        QVERIFY(QFile::permissions(file) & QFile::ReadOwner);
    }
};

QTEST_GUILESS_MAIN(tst_InstanceSettings)
#include "tst_instancesettings.moc"
