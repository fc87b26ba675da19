#include "liveview/channelmessage.h"

#include <QJsonDocument>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

class tst_ChannelMessage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("joinRef");   // "<null>" for null
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("topic");
        QTest::addColumn<QString>("event");
        QTest::addColumn<QString>("error");     // substring of the error message

        QTest::newRow("join") << QByteArray(R"(["4","4","lv:phx-a","phx_join",{"url":"x"}])") << true
                              << "4" << "4" << "lv:phx-a" << "phx_join" << "";
        QTest::newRow("heartbeat") << QByteArray(R"([null,"7","phoenix","heartbeat",{}])") << true
                                   << "<null>" << "7" << "phoenix" << "heartbeat" << "";
        QTest::newRow("numeric refs tolerated") << QByteArray(R"([1,2,"t","e",{}])") << true
                                                << "1" << "2" << "t" << "e" << "";
        QTest::newRow("extra elements tolerated") << QByteArray(R"(["1","2","t","e",{},"x"])") << true
                                                  << "1" << "2" << "t" << "e" << "";
        QTest::newRow("not json") << QByteArray("[\"1\",") << false << "" << "" << "" << "" << "malformed JSON";
        QTest::newRow("object") << QByteArray(R"({"topic":"t"})") << false << "" << "" << "" << "" << "JSON array";
        QTest::newRow("too short") << QByteArray(R"(["1","2","t","e"])") << false << "" << "" << "" << "" << "5 elements";
        QTest::newRow("payload array") << QByteArray(R"(["1","2","t","e",[]])") << false << "" << "" << "" << "" << "payload";
        QTest::newRow("empty topic") << QByteArray(R"(["1","2","","e",{}])") << false << "" << "" << "" << "" << "topic";
        QTest::newRow("event number") << QByteArray(R"(["1","2","t",5,{}])") << false << "" << "" << "" << "" << "event";
        QTest::newRow("ref object") << QByteArray(R"(["1",{},"t","e",{}])") << false << "" << "" << "" << "" << "ref";
        // Found by fuzz_channel_message (tests/fuzz/corpus/channel_message/lone_surrogate_topic):
        // a lone surrogate cannot be echoed back in UTF-8.
        QTest::newRow("lone surrogate topic") << QByteArray(R"([4,5,"lv:x\ud800","phx_leave",{}])") << false
                                              << "" << "" << "" << "" << "valid Unicode";
        QTest::newRow("lone surrogate ref") << QByteArray(R"(["\udc00","5","t","e",{}])") << false
                                            << "" << "" << "" << "" << "join_ref is not valid Unicode";
        QTest::newRow("surrogate pair ok") << QByteArray(R"(["1","2","t\ud83d\ude00","e",{}])") << true
                                           << "1" << "2" << u"t\U0001F600"_s << "e" << "";
        // Found by fuzz_channel_message (corpus/channel_message/huge_numeric_ref): the conversion
        // to an integer overflowed.
        QTest::newRow("huge numeric ref") << QByteArray(R"([4,5.3e66,"t","e",{}])") << false
                                          << "" << "" << "" << "" << "ref must be a string or null";
        QTest::newRow("fractional ref") << QByteArray(R"([4,1.5,"t","e",{}])") << false
                                        << "" << "" << "" << "" << "ref must be a string or null";
        QTest::newRow("empty") << QByteArray("") << false << "" << "" << "" << "" << "malformed JSON";
    }
    void parse()
    {
        QFETCH(QByteArray, frame);
        QFETCH(bool, ok);
        auto m = ChannelMessage::parse(frame);
        QCOMPARE(bool(m), ok);
        if (!ok) {
            QFETCH(QString, error);
            QCOMPARE(m.error().code, ErrorCode::Parse);
            QVERIFY2(m.error().message.contains(error), qPrintable(m.error().message));
            return;
        }
        QFETCH(QString, joinRef);
        QFETCH(QString, ref);
        QFETCH(QString, topic);
        QFETCH(QString, event);
        QCOMPARE(m->joinRef.value_or(u"<null>"_s), joinRef);
        QCOMPARE(m->ref.value_or(u"<null>"_s), ref);
        QCOMPARE(m->topic, topic);
        QCOMPARE(m->event, event);
    }

    void encode_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("reply");
        QTest::newRow("heartbeat") << QByteArray(R"([null,"7","phoenix","heartbeat",{}])")
                                   << QByteArray(R"([null,"7","phoenix","phx_reply",{"status":"ok","response":{}}])");
        QTest::newRow("event") << QByteArray(R"(["4","9","lv:phx-a","event",{}])")
                               << QByteArray(R"(["4","9","lv:phx-a","phx_reply",{"status":"ok","response":{}}])");
        QTest::newRow("escaping") << QByteArray("[\"\\\"\",\"9\",\"lv:\\\"x\\\\\",\"event\",{}]")
                                  << QByteArray("[\"\\\"\",\"9\",\"lv:\\\"x\\\\\",\"phx_reply\",{\"status\":\"ok\",\"response\":{}}]");
    }
    void encode()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, reply);
        auto m = ChannelMessage::parse(input);
        QVERIFY(m);
        QCOMPARE(ChannelMessage::reply(*m, u"ok"_s), reply);
        // round trip
        auto again = ChannelMessage::parse(m->encode());
        QVERIFY(again);
        QCOMPARE(again->topic, m->topic);
        QCOMPARE(again->joinRef, m->joinRef);
    }

    void rawPayloadSplice()
    {
        const QByteArray f = ChannelMessage::encodeRaw(u"4"_s, std::nullopt, u"lv:x"_s, u"diff"_s, R"({"0":"1"})");
        QCOMPARE(f, QByteArray(R"(["4",null,"lv:x","diff",{"0":"1"}])"));
        QVERIFY(QJsonDocument::fromJson(f).isArray());
    }
};

QTEST_APPLESS_MAIN(tst_ChannelMessage)
#include "tst_channelmessage.moc"
