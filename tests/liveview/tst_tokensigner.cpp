#include "liveview/secretstore.h"
#include "liveview/tokensigner.h"

#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;
using namespace std::chrono;

class tst_TokenSigner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        TokenSigner s("0123456789abcdef0123456789abcdef");
        const QByteArray t = s.sign({{u"id"_s, u"phx-1"_s}});
        auto c = s.verify(t, seconds(60));
        QVERIFY(c);
        QCOMPARE(c->value(u"id"_s).toString(), u"phx-1"_s);
        QVERIFY(c->contains(u"iat"_s));
    }

    void derivedSignersDoNotTrustEachOther()
    {
        // A page's session token must never pass as a flash token, nor the other way round.
        TokenSigner s("0123456789abcdef0123456789abcdef");
        const TokenSigner flash = s.derived("flash");
        const QByteArray session = s.sign({{u"id"_s, u"phx-1"_s}});
        const QByteArray carried = flash.sign({{u"flash"_s, QJsonObject{{u"info"_s, u"Saved"_s}}}});
        QCOMPARE(flash.verify(session, seconds(60)).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(s.verify(carried, seconds(60)).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(s.derived("static").verify(carried, seconds(60)).error().code, ErrorCode::InvalidArgument);
        // the same secret and purpose verify (another server process, the same key)
        auto claims = TokenSigner("0123456789abcdef0123456789abcdef").derived("flash").verify(carried, seconds(60));
        QVERIFY(claims);
        QCOMPARE(claims->value(u"flash"_s).toObject().value(u"info"_s).toString(), u"Saved"_s);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<int>("code");
        TokenSigner s("0123456789abcdef0123456789abcdef");
        const QByteArray good = s.sign({{u"id"_s, u"x"_s}});
        const qsizetype dot = good.indexOf('.');
        QByteArray tampered = good;
        tampered[1] = tampered[1] == 'A' ? 'B' : 'A';
        QTest::newRow("empty") << QByteArray() << int(ErrorCode::Parse);
        QTest::newRow("no dot") << QByteArray("abc") << int(ErrorCode::Parse);
        QTest::newRow("two dots") << (good + ".x") << int(ErrorCode::Parse);
        QTest::newRow("tampered claims") << tampered << int(ErrorCode::InvalidArgument);
        QTest::newRow("other secret") << TokenSigner("another-secret-another-secret!!").sign({})
                                      << int(ErrorCode::InvalidArgument);
        QTest::newRow("bad base64 sig") << (good.left(dot) + ".!!!") << int(ErrorCode::Parse);
    }
    void rejects()
    {
        QFETCH(QByteArray, token);
        QFETCH(int, code);
        TokenSigner s("0123456789abcdef0123456789abcdef");
        auto c = s.verify(token, seconds(60));
        QVERIFY(!c);
        QCOMPARE(int(c.error().code), code);
    }

    void expiry()
    {
        TokenSigner s("0123456789abcdef0123456789abcdef");
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        const QByteArray t = s.sign({}, t0);
        QVERIFY(s.verify(t, seconds(10), t0.addSecs(10)));
        auto late = s.verify(t, seconds(10), t0.addSecs(11));
        QVERIFY(!late);
        QCOMPARE(late.error().code, ErrorCode::Timeout);
        auto future = s.verify(t, seconds(10), t0.addSecs(-120));
        QVERIFY(!future);
    }

    void secretStore()
    {
        QTemporaryDir dir;
        const QString state = dir.filePath(u"state"_s);
        qunsetenv("LIVEACTOR_SECRET_KEY");
        auto a = SecretStore::resolve({}, state);
        QVERIFY(a);
        QCOMPARE(a->size(), 64);
        const auto perms = QFile::permissions(state + u"/secret_key"_s);
        QCOMPARE(perms & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther), QFile::Permissions());
        auto b = SecretStore::resolve({}, state);
        QCOMPARE(*b, *a); // persisted
        QCOMPARE(*SecretStore::resolve("configured-secret-123", state), QByteArray("configured-secret-123"));
        qputenv("LIVEACTOR_SECRET_KEY", "from-the-environment-1");
        QCOMPARE(*SecretStore::resolve({}, state), QByteArray("from-the-environment-1"));
        qunsetenv("LIVEACTOR_SECRET_KEY");
        auto shortSecret = SecretStore::resolve("short", state);
        QVERIFY(!shortSecret);
        QCOMPARE(shortSecret.error().code, ErrorCode::InvalidArgument);
        auto noDir = SecretStore::resolve({}, u"/proc/nonexistent/x"_s);
        QVERIFY(!noDir);
        QCOMPARE(noDir.error().code, ErrorCode::Io);
    }
};

QTEST_APPLESS_MAIN(tst_TokenSigner)
#include "tst_tokensigner.moc"
