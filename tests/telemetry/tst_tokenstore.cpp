#include "telemetry/tokenstore.h"

#include <QFileInfo>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

class tst_TokenStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void generateIsRandomHex()
    {
        QSet<QString> seen;
        for (int i = 0; i < 50; ++i) {
            const QString t = TokenStore::generate();
            QCOMPARE(t.size(), 64);
            for (QChar c : t)
                QVERIFY(c.isDigit() || (c >= u'a' && c <= u'f'));
            seen.insert(t);
        }
        QCOMPARE(seen.size(), 50);
    }

    void constantTimeEquals_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("abcdef") << QByteArray("abcdef") << true;
        QTest::newRow("empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("first byte") << QByteArray("xbcdef") << QByteArray("abcdef") << false;
        QTest::newRow("last byte") << QByteArray("abcdex") << QByteArray("abcdef") << false;
        QTest::newRow("prefix") << QByteArray("abc") << QByteArray("abcdef") << false;
        QTest::newRow("empty vs token") << QByteArray() << QByteArray("abcdef") << false;
    }
    void constantTimeEquals()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(TokenStore::constantTimeEquals(a, b), equal);
    }

    void privateFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"new/sub/token"_s);
        QVERIFY(TokenStore::writePrivateFile(path, "secret-1"));
        QFileInfo info(path);
        QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        QCOMPARE(*TokenStore::readTokenFile(path), u"secret-1"_s);
        // An existing world-readable file is made private when rewritten.
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther);
        QVERIFY(TokenStore::writePrivateFile(path, "secret-2"));
        QCOMPARE(QFileInfo(path).permissions() & QFile::ReadOther, QFile::Permissions());
        QCOMPARE(*TokenStore::readTokenFile(path), u"secret-2"_s);
        QVERIFY(!TokenStore::readTokenFile(dir.filePath(u"missing"_s)));
        QVERIFY(!TokenStore::writePrivateFile(u"/proc/forbidden/token"_s, "x"));
    }
};

QTEST_GUILESS_MAIN(tst_TokenStore)
#include "tst_tokenstore.moc"
