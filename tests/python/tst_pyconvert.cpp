// PyConvert: Python values ↔ template Values, JSON, errors naming the assign.

#include "python/gilguard.h"
#include "python/pyconvert.h"
#include "python/pylazyobject.h"
#include "template/template.h"
#include "testmain_p.h"

#include <QJsonDocument>
#include <QTest>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {
py::object eval(const QString &expr)
{
    return py::module_::import("embedfixtures").attr("value")(expr.toStdString());
}

QString render(const QString &source, const ValueMap &assigns)
{
    auto t = Template::compile(source);
    if (!t)
        return u"COMPILE ERROR "_s + t.error().toString();
    auto html = t->renderHtml(TemplateContext(assigns));
    return html ? QString::fromUtf8(*html) : u"RENDER ERROR "_s + html.error().toString();
}
} // namespace

class TstPyConvert : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void toValue_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("printed"); // what {{ v }} renders

        using T = Value::Type;
        QTest::newRow("none") << u"None"_s << int(T::Null) << u"None"_s;
        QTest::newRow("true") << u"True"_s << int(T::Bool) << u"True"_s;
        QTest::newRow("int") << u"-42"_s << int(T::Int) << u"-42"_s;
        QTest::newRow("big int") << u"2**62"_s << int(T::Int) << u"4611686018427387904"_s;
        QTest::newRow("float") << u"1.5"_s << int(T::Float) << u"1.5"_s;
        QTest::newRow("str escaped") << u"'<a>'"_s << int(T::String) << u"&lt;a&gt;"_s;
        QTest::newRow("unicode") << u"'żółw 🐢'"_s << int(T::String) << u"żółw 🐢"_s;
        QTest::newRow("safe") << u"mark_safe('<b>x</b>')"_s << int(T::SafeString) << u"<b>x</b>"_s;
        QTest::newRow("list") << u"[1, 'a']"_s << int(T::List) << u"[1, &#x27;a&#x27;]"_s;
        QTest::newRow("tuple") << u"(1, 2)"_s << int(T::List) << u"[1, 2]"_s;
        QTest::newRow("dict") << u"{'a': 1, 2: 'b'}"_s << int(T::Map) << u"{&#x27;a&#x27;: 1, &#x27;2&#x27;: &#x27;b&#x27;}"_s;
        QTest::newRow("dataclass") << u"Point(1, 2)"_s << int(T::Map) << u"{&#x27;x&#x27;: 1, &#x27;y&#x27;: 2}"_s;
        QTest::newRow("datetime") << u"datetime.datetime(2024, 1, 2, 3, 4, 5)"_s << int(T::DateTime)
                                  << u"Jan. 2, 2024, 3:04 a.m."_s;
        QTest::newRow("date") << u"datetime.date(2024, 1, 2)"_s << int(T::DateTime) << u"Jan. 2, 2024"_s;
        QTest::newRow("decimal") << u"decimal.Decimal('2.25')"_s << int(T::Float) << u"2.25"_s;
        QTest::newRow("object") << u"Person('ann')"_s << int(T::Object) << u"Person(ann)"_s;
        QTest::newRow("range lazy") << u"range(3)"_s << int(T::Object) << u"range(0, 3)"_s;
        // a LiveView subclass names itself, for {% live_render view_class id=… %}
        QTest::newRow("live view class") << u"Counter"_s << int(T::String) << u"embedfixtures.Counter"_s;
    }
    void toValue()
    {
        QFETCH(QString, expr);
        QFETCH(int, type);
        QFETCH(QString, printed);
        GilGuard gil;
        auto v = PyConvert::toValue(eval(expr), u"v"_s);
        QVERIFY2(v.has_value(), qPrintable(v ? QString() : v.error().message));
        QCOMPARE(int(v->type()), type);
        QCOMPARE(render(u"{{ v }}"_s, ValueMap{{u"v"_s, *v}}), printed);
    }

    void errorsNameTheAssign_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QString>("message");
        QTest::newRow("bytes") << u"b'x'"_s << u"assign 'rows': unsupported type bytes"_s;
        QTest::newRow("nested") << u"[1, {'a': [b'x']}]"_s << u"assign 'rows[1].a[0]': unsupported type bytes"_s;
        QTest::newRow("function") << u"len"_s << u"assign 'rows': unsupported type builtin_function_or_method"_s;
        QTest::newRow("class") << u"Person"_s << u"assign 'rows': unsupported type type"_s;
        QTest::newRow("generator") << u"(i for i in [1])"_s << u"assign 'rows': unsupported type generator"_s;
        QTest::newRow("overflow") << u"2**70"_s << u"assign 'rows': int out of the 64-bit range"_s;
        QTest::newRow("tuple key") << u"{(1, 2): 3}"_s
                                   << u"assign 'rows': dict key of type tuple (only str and int keys can be looked up)"_s;
    }
    void errorsNameTheAssign()
    {
        QFETCH(QString, expr);
        QFETCH(QString, message);
        GilGuard gil;
        auto v = PyConvert::toValue(eval(expr), u"rows"_s);
        QVERIFY(!v.has_value());
        QCOMPARE(v.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(v.error().message, message);
    }

    void cycleIsAnError()
    {
        GilGuard gil;
        py::list l;
        l.append(l);
        auto v = PyConvert::toValue(l, u"loop"_s);
        QVERIFY(!v);
        QVERIFY2(v.error().message.contains(u"64 levels"_s), qPrintable(v.error().message));
    }

    void lazyLookups()
    {
        ValueMap assigns;
        {
            GilGuard gil;
            assigns.insert(u"p"_s, *PyConvert::toValue(eval(u"Person('ann', [Person('bob'), Person('cy')])"_s), u"p"_s));
            assigns.insert(u"m"_s, *PyConvert::toValue(eval(u"__import__('collections').OrderedDict(k='v')"_s), u"m"_s));
        }
        // Rendering runs without the GIL: each lookup takes it.
        QCOMPARE(render(u"{{ p.name }}|{{ p.greeting }}|{{ p.missing }}|{{ p.friends.1.name }}"
                        "|{% for f in p.friends %}{{ f.name }};{% endfor %}|{% if p %}yes{% endif %}|{{ m.k }}"_s,
                        assigns),
                 u"ann|hi ann||cy|bob;cy;|yes|v"_s);
    }

    void fromValueRoundTrip()
    {
        GilGuard gil;
        py::object original = eval(u"{'a': [1, 2.5, None, True, 'x'], 'p': Person('z'), 's': mark_safe('<i>')}"_s);
        auto v = PyConvert::toValue(original, u"v"_s);
        QVERIFY(v);
        py::object back = PyConvert::fromValue(*v);
        QVERIFY(py::bool_(back["a"].equal(original["a"])));
        QVERIFY(back["p"].is(original["p"])); // lazy objects give back the same object
        QCOMPARE(QString::fromStdString(py::str(py::type::of(back["s"]).attr("__name__"))), u"Safe"_s);
    }

    void awareDateTimes_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::newRow("zoneinfo summer") << u"datetime.datetime(2024, 7, 1, 14, 5, 9, 250000, tzinfo=zoneinfo.ZoneInfo('Europe/Berlin'))"_s;
        QTest::newRow("zoneinfo winter") << u"datetime.datetime(2023, 1, 31, 23, 0, tzinfo=zoneinfo.ZoneInfo('America/New_York'))"_s;
        QTest::newRow("utc") << u"datetime.datetime(2020, 2, 29, 0, 0, 1, tzinfo=datetime.timezone.utc)"_s;
        QTest::newRow("fixed offset") << u"datetime.datetime(1999, 12, 31, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30)))"_s;
        QTest::newRow("negative offset") << u"datetime.datetime(2010, 6, 15, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-3, minutes=-30)))"_s;
        QTest::newRow("named fixed offset") << u"datetime.datetime(2010, 6, 15, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-3), 'BRT'))"_s;
    }
    // An aware datetime keeps its zone through the conversion: the date filter prints what Django
    // prints for the same Python object, and fromValue gives back an equal datetime in that zone.
    void awareDateTimes()
    {
        QFETCH(QString, expr);
        const QString format = u"c|e|O|T|Z|I|r|U|P|N j, Y"_s;
        GilGuard gil;
        py::object original = eval(expr);
        auto v = PyConvert::toValue(original, u"v"_s);
        QVERIFY(v);
        py::object djangoDate = py::module_::import("embedfixtures").attr("django_date");
        QCOMPARE(render(u"{% autoescape off %}{{ v|date:f }}{% endautoescape %}"_s,
                        ValueMap{{u"v"_s, *v}, {u"f"_s, Value(format)}}),
                 QString::fromStdString(py::str(djangoDate(original, format.toStdString()))));
        const QString display = QString::fromStdString(py::str(djangoDate(original, "N j, Y, P")));
        QCOMPARE(render(u"{% autoescape off %}{{ v }}|{{ v|stringformat:'s' }}{% endautoescape %}"_s, ValueMap{{u"v"_s, *v}}),
                 display + u'|' + QString::fromStdString(py::str(original)));
        py::object back = PyConvert::fromValue(*v);
        QVERIFY(py::bool_(back.equal(original)));
        QCOMPARE(QString::fromStdString(py::str(back.attr("tzname")())),
                 QString::fromStdString(py::str(original.attr("tzname")())));
        QCOMPARE(QString::fromStdString(py::repr(back.attr("tzinfo"))), QString::fromStdString(py::repr(original.attr("tzinfo"))));
    }

    void json()
    {
        GilGuard gil;
        const QJsonObject in = QJsonDocument::fromJson(R"({"a":[1,2.5,"x",null,true],"b":{"c":"d"}})").object();
        py::object o = PyConvert::fromJson(in);
        QCOMPARE(QString::fromStdString(py::repr(o)), u"{'a': [1, 2.5, 'x', None, True], 'b': {'c': 'd'}}"_s);
        auto back = PyConvert::toJson(o, u"payload"_s);
        QVERIFY(back);
        QCOMPARE(back->toObject(), in);
        auto withDate = PyConvert::toJson(eval(u"{'when': datetime.date(2024, 1, 2), 'p': Point(1, 2)}"_s), u"payload"_s);
        QVERIFY(withDate);
        QCOMPARE(QJsonDocument(withDate->toObject()).toJson(QJsonDocument::Compact),
                 QByteArray(R"({"p":{"x":1,"y":2},"when":"2024-01-02"})"));
        auto bad = PyConvert::toJson(eval(u"{'x': {1, 2}}"_s), u"payload"_s);
        QVERIFY(!bad);
        QCOMPARE(bad.error().message, u"'payload.x': set is not JSON-serializable"_s);
    }
};

LIVEACTOR_PYTHON_TEST_MAIN(TstPyConvert)
#include "tst_pyconvert.moc"
