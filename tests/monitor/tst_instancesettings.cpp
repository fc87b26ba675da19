#include "monitor_app/core/instancesettings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;

/// Runs twice in CTest: without a session bus (tokens fall back to a 0600 file), and under
/// tests/monitor/with-keyring.sh, a private D-Bus session with an unlocked gnome-keyring
/// (LIVEACTOR_TEST_KEYRING=1: tokens must go to the keyring and never into the file).
class tst_InstanceSettings : public QObject
{
    Q_OBJECT
    QTemporaryDir m_config;
    bool m_expectKeyring = false;

    QString settingsFile() const { return m_config.filePath(u"liveactor/liveactor-monitor.conf"_s); }
    QByteArray settingsText() const
    {
        QFile f(settingsFile());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_expectKeyring = qEnvironmentVariableIntValue("LIVEACTOR_TEST_KEYRING") == 1;
        if (!m_expectKeyring)
            qunsetenv("DBUS_SESSION_BUS_ADDRESS"); // never the developer's own keyring
        // Before the first QSettings: keep the user's real settings out of it.
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_config.path());
    }
    void rememberUpdateForget()
    {
        QVERIFY(InstanceSettings::load().isEmpty());
        InstanceSettings::remember({QUrl(u"ws://127.0.0.1:4001/"_s), u"secret-a"_s});
        InstanceSettings::remember({QUrl(u"ws://10.0.0.2:4001/"_s), u"secret-b"_s});
        InstanceSettings::remember({QUrl(u"ws://127.0.0.1:4001/"_s), u"secret-a2"_s}); // same URL: updated
        QList<SavedInstance> all = InstanceSettings::load();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.at(0).url, QUrl(u"ws://127.0.0.1:4001/"_s));
        QCOMPARE(all.at(0).token, u"secret-a2"_s);
        QCOMPARE(all.at(1).token, u"secret-b"_s);
        InstanceSettings::forget(QUrl(u"ws://127.0.0.1:4001/"_s));
        all = InstanceSettings::load();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.at(0).url, QUrl(u"ws://10.0.0.2:4001/"_s));
        QCOMPARE(all.at(0).token, u"secret-b"_s);
        QVERIFY(QFile::exists(settingsFile()));
        // whatever it holds, nobody but its owner may read it (it was 0644)
        const auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
                          | QFile::WriteOther | QFile::ExeOther;
        QCOMPARE(QFile::permissions(settingsFile()) & others, QFileDevice::Permissions());
        QVERIFY(QFile::permissions(settingsFile()) & QFile::ReadOwner);
    }
    void tokensGoWhereTheyShould()
    {
        InstanceSettings::remember({QUrl(u"ws://10.0.0.3:4001/"_s), u"secret-c"_s});
        const QByteArray text = settingsText();
        QVERIFY(text.contains("10.0.0.3"));
        if (m_expectKeyring) {
            QCOMPARE(InstanceSettings::lastTokenStore(), InstanceSettings::TokenStore::Keyring);
            QVERIFY2(!text.contains("secret-"), text.constData()); // only in the keyring
        } else {
            QCOMPARE(InstanceSettings::lastTokenStore(), InstanceSettings::TokenStore::File);
            QVERIFY(text.contains("secret-c"));
        }
        QCOMPARE(InstanceSettings::load().constLast().token, u"secret-c"_s);
    }
    void aPlainTextFileMovesIntoTheKeyring()
    {
        if (!m_expectKeyring)
            QSKIP("needs the keyring run (with-keyring.sh)");
        { // a settings file written before the keyring existed
            QSettings settings(u"liveactor"_s, u"liveactor-monitor"_s);
            settings.clear();
            settings.beginWriteArray(u"instances"_s, 1);
            settings.setArrayIndex(0);
            settings.setValue(u"url"_s, u"ws://10.0.0.9:4001/"_s);
            settings.setValue(u"token"_s, u"secret-old"_s);
            settings.endArray();
        }
        QVERIFY(settingsText().contains("secret-old"));
        const QList<SavedInstance> all = InstanceSettings::load();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.at(0).token, u"secret-old"_s);
        InstanceSettings::save(all);
        QVERIFY(!settingsText().contains("secret-old"));
        QCOMPARE(InstanceSettings::load().at(0).token, u"secret-old"_s);
    }
};

QTEST_GUILESS_MAIN(tst_InstanceSettings)
#include "tst_instancesettings.moc"
