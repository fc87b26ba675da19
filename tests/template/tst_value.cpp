// Value: Python semantics (truthiness, str/repr, ==, <), dotted lookup, JSON in and out.

#include "template/value.h"

#include <QTest>

using namespace LiveActor;

Q_DECLARE_METATYPE(LiveActor::Value)

class TestValue : public QObject
{
    Q_OBJECT

    static Value json(const char *text)
    {
        auto v = Value::fromJson(QByteArray(text));
        if (!v)
            qFatal("bad json %s", text);
        return *v;
    }

private Q_SLOTS:
    void strAndTruth_data()
    {
        QTest::addColumn<Value>("value");
        QTest::addColumn<QString>("str");
        QTest::addColumn<bool>("truthy");
        QTest::newRow("none") << Value() << QStringLiteral("None") << false;
        QTest::newRow("true") << Value(true) << QStringLiteral("True") << true;
        QTest::newRow("false") << Value(false) << QStringLiteral("False") << false;
        QTest::newRow("zero") << Value(0) << QStringLiteral("0") << false;
        QTest::newRow("int") << Value(qint64(-12345678901)) << QStringLiteral("-12345678901") << true;
        QTest::newRow("float") << Value(2.5) << QStringLiteral("2.5") << true;
        QTest::newRow("float whole") << Value(2.0) << QStringLiteral("2.0") << true;
        QTest::newRow("float zero") << Value(0.0) << QStringLiteral("0.0") << false;
        QTest::newRow("float small") << Value(0.0001) << QStringLiteral("0.0001") << true;
        QTest::newRow("float tiny") << Value(0.00001) << QStringLiteral("1e-05") << true;
        QTest::newRow("float big") << Value(123456789012345680.0) << QStringLiteral("1.2345678901234568e+17") << true;
        QTest::newRow("empty string") << Value(QString()) << QString() << false;
        QTest::newRow("safe") << Value::safe(QStringLiteral("<b>")) << QStringLiteral("<b>") << true;
        QTest::newRow("list") << json("[1,\"a\",null,[true]]") << QStringLiteral("[1, 'a', None, [True]]") << true;
        QTest::newRow("empty list") << json("[]") << QStringLiteral("[]") << false;
        QTest::newRow("map") << json("{\"b\":1,\"a\":\"it's\"}") << QStringLiteral("{'b': 1, 'a': \"it's\"}") << true;
        QTest::newRow("empty map") << json("{}") << QStringLiteral("{}") << false;
    }

    void strAndTruth()
    {
        QFETCH(Value, value);
        QFETCH(QString, str);
        QFETCH(bool, truthy);
        QCOMPARE(value.toString(), str);
        QCOMPARE(value.isTruthy(), truthy);
    }

    void compare_data()
    {
        QTest::addColumn<Value>("a");
        QTest::addColumn<Value>("b");
        QTest::addColumn<bool>("equal");
        QTest::addColumn<int>("less"); // 1 a<b, 0 not, -1 unordered
        QTest::newRow("int float") << Value(1) << Value(1.0) << true << 0;
        QTest::newRow("bool int") << Value(true) << Value(1) << true << 0;
        QTest::newRow("ints") << Value(1) << Value(2) << false << 1;
        QTest::newRow("strings") << Value(QStringLiteral("a")) << Value::safe(QStringLiteral("b")) << false << 1;
        QTest::newRow("str int") << Value(QStringLiteral("1")) << Value(1) << false << -1;
        QTest::newRow("none none") << Value() << Value() << true << -1;
        QTest::newRow("lists") << json("[1,2]") << json("[1,3]") << false << 1;
        QTest::newRow("maps") << json("{\"a\":1,\"b\":2}") << json("{\"b\":2,\"a\":1}") << true << -1;
    }

    void compare()
    {
        QFETCH(Value, a);
        QFETCH(Value, b);
        QFETCH(bool, equal);
        QFETCH(int, less);
        QCOMPARE(a.equals(b), equal);
        QCOMPARE(b.equals(a), equal);
        const auto lt = a.lessThan(b);
        QCOMPARE(lt.has_value() ? int(*lt) : -1, less);
    }

    void lookup()
    {
        const Value v = json("{\"user\":{\"name\":\"Ann\",\"tags\":[\"x\",\"y\"]},\"items\":{\"k\":1}}");
        QCOMPARE(v.lookup(QStringLiteral("user"))->lookup(QStringLiteral("name"))->toString(), QStringLiteral("Ann"));
        QCOMPARE(v.lookup(QStringLiteral("user"))->lookup(QStringLiteral("tags"))->lookup(QStringLiteral("1"))->toString(), QStringLiteral("y"));
        QCOMPARE(v.lookup(QStringLiteral("user"))->lookup(QStringLiteral("tags"))->lookup(QStringLiteral("-1"))->toString(), QStringLiteral("y"));
        QVERIFY(!v.lookup(QStringLiteral("user"))->lookup(QStringLiteral("tags"))->lookup(QStringLiteral("2")));
        QVERIFY(!v.lookup(QStringLiteral("nope")));
        // dict attributes when no such key: items/keys/values
        QCOMPARE(v.lookup(QStringLiteral("user"))->lookup(QStringLiteral("keys"))->toString(), QStringLiteral("['name', 'tags']"));
        // …but a key wins over the attribute
        const Value withKey = json("{\"items\":5}");
        QCOMPARE(withKey.lookup(QStringLiteral("items"))->toInt(), 5);
    }

    void bigMap()
    {
        ValueMap m;
        for (int i = 0; i < 100; ++i)
            m.insert(QStringLiteral("k%1").arg(i), Value(i));
        m.insert(QStringLiteral("k5"), Value(-5));
        QCOMPARE(m.size(), 100);
        QCOMPARE(m.value(QStringLiteral("k5")).toInt(), -5);
        QCOMPARE(m.value(QStringLiteral("k99")).toInt(), 99);
        QCOMPARE(m.keys().at(5), QStringLiteral("k5"));
        QVERIFY(!m.contains(QStringLiteral("k100")));
    }

    void jsonRoundTrip_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("compact");
        QTest::addColumn<QByteArray>("python");
        QTest::newRow("scalars") << QByteArray("[1, -2, 2.5, true, false, null, \"x\"]")
                                 << QByteArray("[1,-2,2.5,true,false,null,\"x\"]")
                                 << QByteArray("[1, -2, 2.5, true, false, null, \"x\"]");
        QTest::newRow("order kept") << QByteArray("{\"z\":1,\"a\":{\"y\":[],\"b\":{}}}")
                                    << QByteArray("{\"z\":1,\"a\":{\"y\":[],\"b\":{}}}")
                                    << QByteArray("{\"z\": 1, \"a\": {\"y\": [], \"b\": {}}}");
        QTest::newRow("escapes") << QByteArray("\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"")
                                 << QByteArray("\"a\\\"b\\\\c\\n\xc3\xa9\xf0\x9f\x98\x80\"")
                                 << QByteArray("\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"");
        QTest::newRow("exponent") << QByteArray("1e3") << QByteArray("1000.0") << QByteArray("1000.0");
    }

    void jsonRoundTrip()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, compact);
        QFETCH(QByteArray, python);
        QString err;
        auto v = Value::fromJson(in, &err);
        QVERIFY2(v.has_value(), qPrintable(err));
        QCOMPARE(v->toJsonText(), compact);
        QCOMPARE(v->toJsonText(true), python);
    }

    void jsonErrors_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QString>("error");
        QTest::newRow("trailing") << QByteArray("{} x") << QStringLiteral("trailing characters at offset 3");
        QTest::newRow("unterminated") << QByteArray("\"abc") << QStringLiteral("unterminated string at offset 4");
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << QStringLiteral("expected ':' at offset 5");
        QTest::newRow("empty") << QByteArray("") << QStringLiteral("unexpected end of input at offset 0");
        QTest::newRow("deep") << QByteArray(1000, '[') << QStringLiteral("nesting too deep at offset 512");
    }

    void jsonErrors()
    {
        QFETCH(QByteArray, in);
        QFETCH(QString, error);
        QString err;
        QVERIFY(!Value::fromJson(in, &err).has_value());
        QCOMPARE(err, error);
    }
};

QTEST_GUILESS_MAIN(TestValue)
#include "tst_value.moc"
