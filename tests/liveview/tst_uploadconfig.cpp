#include "liveview/uploadconfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

UploadEntryMeta entry(const QString &ref, const QString &name, const QString &type, qint64 size)
{
    return {ref, name, type, size, 0, {}};
}

UploadConfig avatarConfig()
{
    UploadConfig c;
    c.name = u"avatar"_s;
    c.ref = u"phx-up1"_s;
    c.accept = {u".jpg"_s, u".png"_s, u"image/*"_s};
    c.maxEntries = 3;
    c.maxFileSize = 1000;
    return c;
}

} // namespace

class tst_UploadConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acceptRules_data()
    {
        QTest::addColumn<QStringList>("accept");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("accepted");
        const QStringList images{u".jpg"_s, u"image/*"_s};
        QTest::newRow("extension") << images << u"a.jpg"_s << u""_s << true;
        QTest::newRow("extension case") << images << u"A.JPG"_s << u""_s << true;
        QTest::newRow("bare extension is not a file") << images << u".jpg"_s << u""_s << false;
        QTest::newRow("family") << images << u"a.webp"_s << u"image/webp"_s << true;
        QTest::newRow("other family") << images << u"a.txt"_s << u"text/plain"_s << false;
        QTest::newRow("exact type") << QStringList{u"text/csv"_s} << u"x"_s << u"text/csv"_s << true;
        QTest::newRow("no type") << QStringList{u"text/csv"_s} << u"x"_s << u""_s << false;
        QTest::newRow("empty list") << QStringList{} << u"x.exe"_s << u""_s << true;
        QTest::newRow("any") << QStringList{u"any"_s} << u"x.exe"_s << u""_s << true;
    }

    void acceptRules()
    {
        QFETCH(QStringList, accept);
        QFETCH(QString, name);
        QFETCH(QString, type);
        QFETCH(bool, accepted);
        QCOMPARE(uploadAccepts(accept, name, type), accepted);
    }

    void perEntryErrors()
    {
        const auto check = checkPreflight(avatarConfig(),
                                          {entry(u"0"_s, u"ok.png"_s, u"image/png"_s, 10),
                                           entry(u"1"_s, u"big.jpg"_s, u"image/jpeg"_s, 1001),
                                           entry(u"2"_s, u"doc.txt"_s, u"text/plain"_s, 5000)},
                                          0);
        QCOMPARE(check.accepted.size(), 1);
        QCOMPARE(check.accepted.first().ref, u"0"_s);
        QCOMPARE(check.errors.value(u"1"_s), QStringList{u"too_large"_s});
        QCOMPARE(check.errors.value(u"2"_s), (QStringList{u"too_large"_s, u"not_accepted"_s}));
        QVERIFY(!check.errors.contains(u"0"_s));
    }

    void tooManyFilesCountsActiveEntries()
    {
        const QList<UploadEntryMeta> two{entry(u"3"_s, u"a.png"_s, u"image/png"_s, 1),
                                         entry(u"4"_s, u"b.png"_s, u"image/png"_s, 1)};
        QCOMPARE(checkPreflight(avatarConfig(), two, 1).accepted.size(), 2);
        const auto check = checkPreflight(avatarConfig(), two, 2);
        QVERIFY(check.accepted.isEmpty());
        QCOMPARE(check.errors.value(u"phx-up1"_s), QStringList{u"too_many_files"_s});
    }

    void parsesClientEntries()
    {
        const QJsonArray raw = QJsonDocument::fromJson(R"([
            {"ref":"0","name":"a.png","type":"image/png","size":12,"last_modified":1700000000000,"relative_path":""},
            {"ref":"1","name":"b.png","size":-1},
            {"ref":"2","name":"c.png","size":1.5},
            {"name":"no ref","size":1},
            "not an object"
        ])").array();
        QMap<QString, QStringList> errors;
        const auto entries = parseUploadEntries(raw, &errors);
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().name, u"a.png"_s);
        QCOMPARE(entries.first().size, 12);
        QCOMPARE(entries.first().lastModified, 1700000000000);
        QCOMPARE(errors.value(u"1"_s), QStringList{u"invalid_entry"_s});
        QCOMPARE(errors.value(u"2"_s), QStringList{u"invalid_entry"_s});
        QCOMPARE(errors.value(u"invalid"_s), (QStringList{u"invalid_entry"_s, u"invalid_entry"_s}));
    }

    void replyShape()
    {
        const QJsonObject reply = preflightReply(avatarConfig(), {{u"0"_s, "tok0"}}, {{u"1"_s, {u"too_large"_s}}});
        QCOMPARE(reply.value(u"ref"_s).toString(), u"phx-up1"_s);
        const QJsonObject config = reply.value(u"config"_s).toObject();
        QCOMPARE(config.value(u"max_file_size"_s).toInteger(), 1000);
        QCOMPARE(config.value(u"max_entries"_s).toInt(), 3);
        QCOMPARE(config.value(u"chunk_size"_s).toInt(), 64000);
        QCOMPARE(config.value(u"chunk_timeout"_s).toInt(), 10000);
        QCOMPARE(reply.value(u"entries"_s).toObject().value(u"0"_s).toString(), u"tok0"_s);
        QCOMPARE(reply.value(u"errors"_s).toObject().value(u"1"_s).toArray().first().toString(), u"too_large"_s);
    }
};

QTEST_GUILESS_MAIN(tst_UploadConfig)
#include "tst_uploadconfig.moc"
