#include "liveview/uploadchannel.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;
using namespace std::chrono;

class tst_UploadChannel : public QObject
{
    Q_OBJECT
    const TokenSigner m_server{"0123456789abcdef0123456789abcdef"};
    const UploadTokenSigner m_signer{m_server, seconds(60)};
    QTemporaryDir m_dir;
    UploadBudget m_budget{1000};

    UploadEntryChannel::Setup setup()
    {
        return {&m_signer, [](const QString &id) { return id == u"phx-1"_s; }, m_dir.filePath(u"uploads"_s), &m_budget};
    }
    QJsonObject tokenFor(const QString &view, const QString &entry, qint64 size)
    {
        return {{u"token"_s, QString::fromLatin1(m_signer.sign({view, u"phx-up"_s, entry, size}))}};
    }

private Q_SLOTS:
    void uploadsToCompletion()
    {
        auto channel = UploadEntryChannel::join(u"lvu:0"_s, tokenFor(u"phx-1"_s, u"0"_s, 6), setup());
        QVERIFY2(channel, qPrintable(channel ? QString() : channel.error().message));
        UploadEntryChannel &c = **channel;
        QVERIFY(c.file().path().startsWith(m_dir.filePath(u"uploads/"_s)));
        QCOMPARE(m_budget.inFlight(), 6);
        QCOMPARE(*c.chunk("abc"), 3);
        QCOMPARE(*c.chunk("def"), 6);
        QVERIFY(c.complete());
        // a chunk after completion is refused and poisons the channel
        QVERIFY(!c.chunk("g"));
        QVERIFY(!c.chunk({}));
        channel->reset();
        QCOMPARE(m_budget.inFlight(), 0);
        QVERIFY(QDir(m_dir.filePath(u"uploads"_s)).isEmpty());
    }

    void moreBytesThanDeclared()
    {
        auto channel = UploadEntryChannel::join(u"lvu:1"_s, tokenFor(u"phx-1"_s, u"1"_s, 4), setup());
        QVERIFY(channel);
        const auto over = (*channel)->chunk("12345");
        QVERIFY(!over);
        QVERIFY(over.error().message.startsWith(u"file_size_limit_exceeded"_s));
        QCOMPARE((*channel)->sizeLimitReply().value(u"reason"_s).toString(), u"file_size_limit_exceeded"_s);
        QCOMPARE((*channel)->sizeLimitReply().value(u"limit"_s).toInteger(), 4);
        QVERIFY(!(*channel)->chunk("1")); // even a chunk that would fit: the entry failed
    }

    void badJoinsAreRefused_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::addColumn<QJsonObject>("payload");
        QTest::addColumn<int>("code");
        QTest::newRow("no token") << u"lvu:0"_s << QJsonObject{} << int(ErrorCode::Parse);
        QTest::newRow("garbage token") << u"lvu:0"_s << QJsonObject{{u"token"_s, u"garbage"_s}} << int(ErrorCode::Parse);
        QTest::newRow("unsigned token") << u"lvu:0"_s << QJsonObject{{u"token"_s, u"x.y"_s}}
                                        << int(ErrorCode::InvalidArgument);
        QTest::newRow("other entry's topic") << u"lvu:1"_s << tokenFor(u"phx-1"_s, u"0"_s, 1)
                                             << int(ErrorCode::InvalidArgument);
        QTest::newRow("view not hosted") << u"lvu:0"_s << tokenFor(u"phx-2"_s, u"0"_s, 1)
                                         << int(ErrorCode::InvalidArgument);
        const UploadTokenSigner forger(TokenSigner("not the server's secret, 32 bytes"), seconds(60));
        QTest::newRow("forged") << u"lvu:0"_s
                                << QJsonObject{{u"token"_s, QString::fromLatin1(forger.sign({u"phx-1"_s, u"c"_s, u"0"_s, 1}))}}
                                << int(ErrorCode::InvalidArgument);
        const QDateTime old = QDateTime::currentDateTimeUtc().addSecs(-3600);
        QTest::newRow("expired") << u"lvu:0"_s
                                 << QJsonObject{{u"token"_s, QString::fromLatin1(m_signer.sign({u"phx-1"_s, u"c"_s, u"0"_s, 1}, old))}}
                                 << int(ErrorCode::Timeout);
        QTest::newRow("over the budget") << u"lvu:0"_s << tokenFor(u"phx-1"_s, u"0"_s, 1001) << int(ErrorCode::Full);
    }

    void badJoinsAreRefused()
    {
        QFETCH(QString, topic);
        QFETCH(QJsonObject, payload);
        QFETCH(int, code);
        auto channel = UploadEntryChannel::join(topic, payload, setup());
        QVERIFY(!channel);
        QCOMPARE(int(channel.error().code), code);
        QCOMPARE(m_budget.inFlight(), 0);
        QVERIFY(!QFile::exists(m_dir.filePath(u"uploads"_s)) || QDir(m_dir.filePath(u"uploads"_s)).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_UploadChannel)
#include "tst_uploadchannel.moc"
