#include "liveview/formdecoder.h"

#include <QJsonDocument>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

class tst_FormDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decodeQuery_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("json");   // expected, or "" for an error
        QTest::newRow("empty") << QByteArray("") << QByteArray("{}");
        QTest::newRow("flat") << QByteArray("a=1&b=two") << QByteArray("{\"a\":\"1\",\"b\":\"two\"}");
        QTest::newRow("nested") << QByteArray("user%5Bname%5D=Ann") << QByteArray("{\"user\":{\"name\":\"Ann\"}}");
        QTest::newRow("plus and utf8") << QByteArray("q=a+b%C3%A9") << QByteArray("{\"q\":\"a bé\"}");
        QTest::newRow("list") << QByteArray("t[]=a&t[]=b") << QByteArray("{\"t\":[\"a\",\"b\"]}");
        QTest::newRow("deep list") << QByteArray("a[b][]=1&a[b][]=2&a[c]=x")
                                   << QByteArray("{\"a\":{\"b\":[\"1\",\"2\"],\"c\":\"x\"}}");
        QTest::newRow("list of maps") << QByteArray("u[][n]=1&u[][m]=2&u[][n]=3")
                                      << QByteArray("{\"u\":[{\"m\":\"2\",\"n\":\"1\"},{\"n\":\"3\"}]}");
        QTest::newRow("unused dropped") << QByteArray("increment=1&_unused_note=&note=2")
                                        << QByteArray("{\"increment\":\"1\",\"note\":\"2\"}");
        QTest::newRow("last wins") << QByteArray("a=1&a=2") << QByteArray("{\"a\":\"2\"}");
        QTest::newRow("no value") << QByteArray("flag") << QByteArray("{\"flag\":\"\"}");
        QTest::newRow("malformed bracket literal") << QByteArray("a[b=1") << QByteArray("{\"a[b\":\"1\"}");
        QTest::newRow("conflict value then map") << QByteArray("a=1&a[b]=2") << QByteArray();
        QTest::newRow("conflict map then value") << QByteArray("a[b]=2&a=1") << QByteArray();
        QTest::newRow("conflict list then map") << QByteArray("a[]=1&a[b]=2") << QByteArray();
        QTest::newRow("empty name") << QByteArray("[a]=1") << QByteArray("{\"[a]\":\"1\"}");
    }
    void decodeQuery()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, json);
        auto r = FormDecoder::decodeQuery(input);
        if (json.isEmpty()) {
            QVERIFY(!r);
            QCOMPARE(r.error().code, ErrorCode::Parse);
            QVERIFY(r.error().message.contains(u"form key"_s));
            return;
        }
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(QJsonDocument(*r).toJson(QJsonDocument::Compact), json);
    }

    void limits()
    {
        QByteArray many;
        for (int i = 0; i <= FormDecoder::maxPairs; ++i)
            many += "k" + QByteArray::number(i) + "=1&";
        auto r = FormDecoder::decodeQuery(many);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(u"more than"_s));
        QByteArray deep = "a";
        for (int i = 0; i < FormDecoder::maxDepth + 1; ++i)
            deep += "[x]";
        r = FormDecoder::decodeQuery(deep + "=1");
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(u"deeper"_s));
    }

    void keyPath_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("path");
        QTest::newRow("plain") << u"name"_s << QStringList{u"name"_s};
        QTest::newRow("nested") << u"user[name]"_s << QStringList{u"user"_s, u"name"_s};
        QTest::newRow("list") << u"user[tags][]"_s << QStringList{u"user"_s, u"tags"_s, u""_s};
        QTest::newRow("undefined") << u"undefined"_s << QStringList{u"undefined"_s};
        QTest::newRow("broken") << u"a[b"_s << QStringList{u"a[b"_s};
    }
    void keyPath()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, path);
        QCOMPARE(FormDecoder::keyPath(name), path);
    }

    void formEvent_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("change with target") // captured from the 1.1.32 client
            << QByteArray("{\"type\":\"form\",\"event\":\"validate\",\"value\":\"user%5Bname%5D=Ann&_unused_user%5Bage%5D=\",\"meta\":{\"_target\":\"user[name]\"},\"uploads\":{}}")
            << QByteArray("{\"_target\":[\"user\",\"name\"],\"user\":{\"name\":\"Ann\"}}");
        QTest::newRow("submit with meta") << QByteArray("{\"type\":\"form\",\"event\":\"save\",\"value\":\"a=1\",\"meta\":{\"id\":\"7\"}}")
                                          << QByteArray("{\"a\":\"1\",\"id\":\"7\"}");
        QTest::newRow("click") << QByteArray("{\"type\":\"click\",\"event\":\"inc\",\"value\":{\"step\":\"2\",\"value\":\"\"}}")
                               << QByteArray("{\"step\":\"2\",\"value\":\"\"}");
        QTest::newRow("hook scalar") << QByteArray("{\"type\":\"hook\",\"event\":\"x\",\"value\":5}")
                                     << QByteArray("{\"value\":5}");
        QTest::newRow("form value not a string") << QByteArray("{\"type\":\"form\",\"event\":\"x\",\"value\":{}}") << QByteArray();
    }
    void formEvent()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, value);
        auto r = FormDecoder::decodeFormEvent(QJsonDocument::fromJson(payload).object());
        if (value.isEmpty()) {
            QVERIFY(!r);
            return;
        }
        QVERIFY(r);
        QCOMPARE(QJsonDocument(*r).toJson(QJsonDocument::Compact), value);
    }
};

QTEST_APPLESS_MAIN(tst_FormDecoder)
#include "tst_formdecoder.moc"
