#include "monitor_app/core/filterexpression.h"

#include <QTest>

using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;

class tst_FilterExpression : public QObject
{
    Q_OBJECT
    static ActorRecord record()
    {
        ActorRecord r;
        r.id = u"1b2c3d4e-0000-4000-8000-000000000001"_s;
        r.kind = u"view"_s;
        r.name = u"Counter"_s;
        r.state = u"running"_s;
        r.length = 30;
        r.capacity = 50; // 60 %
        r.highWater = 42;
        r.rejected = 3;
        r.restartCount = 0;
        r.messagesPerSecond = 12.5;
        r.metadata.insert(u"path"_s, u"/counter"_s);
        r.metadata.insert(u"peer"_s, u"10.1.2.3:5000"_s);
        return r;
    }
private Q_SLOTS:
    void matches_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("matches");
        QTest::newRow("empty") << QString() << true << true;
        QTest::newRow("fill>50%") << u"fill>50%"_s << true << true;
        QTest::newRow("fill>60%") << u"fill>60%"_s << true << false;
        QTest::newRow("fill>=60%") << u"fill>=60%"_s << true << true;
        QTest::newRow("fill<10%") << u"fill<10%"_s << true << false;
        QTest::newRow("restarts>0") << u"restarts>0"_s << true << false;
        QTest::newRow("restarts=0") << u"restarts=0"_s << true << true;
        QTest::newRow("rejected>=3") << u"rejected>=3"_s << true << true;
        QTest::newRow("hw alias") << u"hw>40"_s << true << true;
        QTest::newRow("rate") << u"rate>10"_s << true << true;
        QTest::newRow("spaces around op") << u"fill > 50%"_s << true << true; // split into 3 words: text terms
        QTest::newRow("text path") << u"/counter"_s << true << true;
        QTest::newRow("text case") << u"COUNTER"_s << true << true;
        QTest::newRow("text metadata") << u"10.1.2.3"_s << true << true;
        QTest::newRow("text id prefix") << u"1b2c3d4e"_s << true << true;
        QTest::newRow("text miss") << u"/chat"_s << true << false;
        QTest::newRow("kind exact") << u"kind:view"_s << true << true;
        QTest::newRow("kind other") << u"kind:session"_s << true << false;
        QTest::newRow("and") << u"kind:view fill>50% /counter"_s << true << true;
        QTest::newRow("and fails") << u"kind:view restarts>0"_s << true << false;
        QTest::newRow("unknown field") << u"bogus>3"_s << false << false;
        QTest::newRow("percent on non-fill") << u"restarts>5%"_s << false << false;
    }
    void matches()
    {
        QFETCH(QString, expression);
        QFETCH(bool, valid);
        QFETCH(bool, matches);
        const FilterExpression e(expression);
        QCOMPARE(e.isValid(), valid);
        if (!valid)
            QVERIFY(!e.errorString().isEmpty());
        if (QTest::currentDataTag() == QByteArrayLiteral("spaces around op")) {
            // "fill", ">", "50%" are text terms: ">" matches nothing.
            QCOMPARE(e.matches(record()), false);
            return;
        }
        QCOMPARE(e.matches(record()), matches);
    }
};

QTEST_GUILESS_MAIN(tst_FilterExpression)
#include "tst_filterexpression.moc"
