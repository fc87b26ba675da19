// RenderedTree: the LiveView 1.1 join and diff JSON. The vectors mirror the shapes asserted in
// Phoenix LiveView's test/phoenix_live_view/diff_test.exs (v1.1.x) for the equivalent Django
// templates, plus the keyed-comprehension diffs of the wire-protocol notes (§3.3).

#include "template/template.h"
#include "template/templateengine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace LiveActor;

Q_DECLARE_METATYPE(QList<QByteArray>)

class TestRenderedTree : public QObject
{
    Q_OBJECT

    static TemplateContext ctx(const QByteArray &json)
    {
        auto v = Value::fromJson(json);
        if (!v || !v->map())
            qFatal("bad json %s", json.constData());
        return TemplateContext(*v->map());
    }
    // Resolves LiveView 1.1 shared statics: every integer "s" becomes the array it names in the
    // message's root "p", and "p" is dropped, so vectors can be written with literal statics.
    static QJsonValue resolveTemplates(const QJsonValue &v, const QJsonObject &p)
    {
        if (v.isArray()) {
            QJsonArray a;
            for (const QJsonValue &x : v.toArray())
                a.append(resolveTemplates(x, p));
            return a;
        }
        if (!v.isObject())
            return v;
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() == u"s" && it.value().isDouble())
                it.value() = p.value(QString::number(it.value().toInt()));
            else
                it.value() = resolveTemplates(it.value(), p);
        }
        return o;
    }
    static QJsonObject obj(const QByteArray &json)
    {
        QJsonParseError e;
        auto d = QJsonDocument::fromJson(json, &e);
        if (e.error != QJsonParseError::NoError)
            qFatal("bad json from encoder/test: %s (%s)", json.constData(), qPrintable(e.errorString()));
        QJsonObject o = d.object();
        const QJsonObject p = o.take(QStringLiteral("p")).toObject();
        return resolveTemplates(o, p).toObject();
    }

private Q_SLOTS:
    // A sequence of renders of one template: the first line of `expected` is the join JSON,
    // each next one the diff from the previous state.
    void sequences_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QList<QByteArray>>("contexts");
        QTest::addColumn<QList<QByteArray>>("expected");

        const QString basic = QStringLiteral("<div>\n  <h2>It's {{ time }}</h2>\n  {{ subtitle }}\n</div>");
        QTest::newRow("basic template; statics skipped for known fingerprint")
            << basic
            << QList<QByteArray>{"{\"time\":\"10:30\",\"subtitle\":\"Sunny\"}", "{\"time\":\"10:31\",\"subtitle\":\"Sunny\"}",
                                 "{\"time\":\"10:31\",\"subtitle\":\"Sunny\"}"}
            << QList<QByteArray>{"{\"0\":\"10:30\",\"1\":\"Sunny\",\"s\":[\"<div>\\n  <h2>It's \",\"</h2>\\n  \",\"\\n</div>\"],\"r\":1}",
                                 "{\"0\":\"10:31\"}", "{}"};

        QTest::newRow("literal template escapes dynamic text")
            << QStringLiteral("<div>\n  {{ title }}\n  {{ '<div>' }}\n</div>")
            << QList<QByteArray>{"{\"title\":\"<b>\"}"}
            << QList<QByteArray>{"{\"0\":\"&lt;b&gt;\",\"1\":\"<div>\",\"s\":[\"<div>\\n  \",\"\\n  \",\"\\n</div>\"],\"r\":1}"};

        QTest::newRow("numbers are strings")
            << QStringLiteral("<p>{{ n }} {{ f }} {{ t }}</p>")
            << QList<QByteArray>{"{\"n\":1,\"f\":2.5,\"t\":true}", "{\"n\":2,\"f\":2.5,\"t\":true}"}
            << QList<QByteArray>{"{\"0\":\"1\",\"1\":\"2.5\",\"2\":\"True\",\"s\":[\"<p>\",\" \",\" \",\"</p>\"],\"r\":1}", "{\"0\":\"2\"}"};

        const QString comprehension = QStringLiteral(
            "<div>\n  <h1>{{ title }}</h1>\n  {% for name in names %}\n    <br>{{ name }}\n  {% endfor %}\n</div>");
        QTest::newRow("comprehension full render")
            << comprehension
            << QList<QByteArray>{"{\"title\":\"Users\",\"names\":[\"phoenix\",\"elixir\"]}"}
            << QList<QByteArray>{"{\"0\":\"Users\",\"1\":{\"k\":{\"0\":{\"0\":\"phoenix\"},\"1\":{\"0\":\"elixir\"},\"kc\":2},\"s\":[\"\\n    <br>\",\"\\n  \"]},\"s\":[\"<div>\\n  <h1>\",\"</h1>\\n  \",\"\\n</div>\"],\"r\":1}"};

        QTest::newRow("empty comprehension: \"\", then full with statics, then {k:{kc:0}}")
            << comprehension
            << QList<QByteArray>{"{\"title\":\"Users\",\"names\":[]}", "{\"title\":\"Users\",\"names\":[\"phoenix\",\"elixir\"]}",
                                 "{\"title\":\"Users\",\"names\":[]}", "{\"title\":\"Users\",\"names\":[]}",
                                 "{\"title\":\"Users\",\"names\":[\"x\"]}"}
            << QList<QByteArray>{"{\"0\":\"Users\",\"1\":\"\",\"s\":[\"<div>\\n  <h1>\",\"</h1>\\n  \",\"\\n</div>\"],\"r\":1}",
                                 "{\"1\":{\"k\":{\"0\":{\"0\":\"phoenix\"},\"1\":{\"0\":\"elixir\"},\"kc\":2},\"s\":[\"\\n    <br>\",\"\\n  \"]}}",
                                 "{\"1\":{\"k\":{\"kc\":0}}}", "{}", "{\"1\":{\"k\":{\"0\":{\"0\":\"x\"},\"kc\":1}}}"};

        QTest::newRow("nested comprehensions")
            << QStringLiteral("<div>\n  <h1>{{ title }}</h1>\n  {% for name in names %}\n    <br>{{ name }}\n    {% for score in scores %}\n      <br>{{ score }}\n    {% endfor %}\n  {% endfor %}\n</div>")
            << QList<QByteArray>{"{\"title\":\"Users\",\"names\":[\"phoenix\",\"elixir\"],\"scores\":[1,2]}",
                                 "{\"title\":\"Users\",\"names\":[\"phoenix\",\"elixir\"],\"scores\":[1,3]}"}
            << QList<QByteArray>{"{\"0\":\"Users\",\"1\":{\"k\":{\"0\":{\"0\":\"phoenix\",\"1\":{\"k\":{\"0\":{\"0\":\"1\"},\"1\":{\"0\":\"2\"},\"kc\":2},\"s\":[\"\\n      <br>\",\"\\n    \"]}},\"1\":{\"0\":\"elixir\",\"1\":{\"k\":{\"0\":{\"0\":\"1\"},\"1\":{\"0\":\"2\"},\"kc\":2},\"s\":[\"\\n      <br>\",\"\\n    \"]}},\"kc\":2},\"s\":[\"\\n    <br>\",\"\\n    \",\"\\n  \"]},\"s\":[\"<div>\\n  <h1>\",\"</h1>\\n  \",\"\\n</div>\"],\"r\":1}",
                                 "{\"1\":{\"k\":{\"0\":{\"1\":{\"k\":{\"1\":{\"0\":\"3\"},\"kc\":2}}},\"1\":{\"1\":{\"k\":{\"1\":{\"0\":\"3\"},\"kc\":2}}},\"kc\":2}}}"};

        const QString keyed = QStringLiteral("<ul>{% for i in items key i.id %}<li>{{ i.name }}</li>{% endfor %}</ul>");
        QTest::newRow("keyed: reverse two items is a pure move with km")
            << keyed
            << QList<QByteArray>{"{\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]}",
                                 "{\"items\":[{\"id\":2,\"name\":\"b\"},{\"id\":1,\"name\":\"a\"}]}"}
            << QList<QByteArray>{"{\"0\":{\"k\":{\"0\":{\"0\":\"a\"},\"1\":{\"0\":\"b\"},\"kc\":2},\"s\":[\"<li>\",\"</li>\"]},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"0\":1,\"1\":0,\"kc\":2,\"km\":true}}}"};
        QTest::newRow("keyed: move + insert")
            << keyed
            << QList<QByteArray>{"{\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]}",
                                 "{\"items\":[{\"id\":2,\"name\":\"b\"},{\"id\":1,\"name\":\"a\"},{\"id\":3,\"name\":\"c\"}]}"}
            << QList<QByteArray>{"{\"0\":{\"k\":{\"0\":{\"0\":\"a\"},\"1\":{\"0\":\"b\"},\"kc\":2},\"s\":[\"<li>\",\"</li>\"]},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"0\":1,\"1\":0,\"2\":{\"0\":\"c\"},\"kc\":3,\"km\":true}}}"};
        QTest::newRow("keyed: item replaced, kept item moved")
            << keyed
            << QList<QByteArray>{"{\"items\":[{\"id\":1,\"name\":\"First\"},{\"id\":2,\"name\":\"Second\"}]}",
                                 "{\"items\":[{\"id\":2,\"name\":\"Second\"},{\"id\":3,\"name\":\"Third\"}]}"}
            << QList<QByteArray>{"{\"0\":{\"k\":{\"0\":{\"0\":\"First\"},\"1\":{\"0\":\"Second\"},\"kc\":2},\"s\":[\"<li>\",\"</li>\"]},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"0\":1,\"1\":{\"0\":\"Third\"},\"kc\":2,\"km\":true}}}"};
        QTest::newRow("keyed: shrink to one, moved with a change")
            << keyed
            << QList<QByteArray>{"{\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"}]}",
                                 "{\"items\":[{\"id\":2,\"name\":\"B\"}]}"}
            << QList<QByteArray>{"{\"0\":{\"k\":{\"0\":{\"0\":\"a\"},\"1\":{\"0\":\"b\"},\"kc\":2},\"s\":[\"<li>\",\"</li>\"]},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"0\":[1,{\"0\":\"B\"}],\"kc\":1,\"km\":true}}}"};
        QTest::newRow("keyed: one row changed in place, delete at end")
            << keyed
            << QList<QByteArray>{"{\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"},{\"id\":3,\"name\":\"c\"}]}",
                                 "{\"items\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"X\"}]}"}
            << QList<QByteArray>{"{\"0\":{\"k\":{\"0\":{\"0\":\"a\"},\"1\":{\"0\":\"b\"},\"2\":{\"0\":\"c\"},\"kc\":3},\"s\":[\"<li>\",\"</li>\"]},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"1\":{\"0\":\"X\"},\"kc\":2}}}"};
        QTest::newRow("unkeyed: prepend re-sends following rows by index")
            << QStringLiteral("<ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>")
            << QList<QByteArray>{"{\"items\":[\"a\",\"b\"]}", "{\"items\":[\"z\",\"a\",\"b\"]}"}
            << QList<QByteArray>{"{\"0\":{\"k\":{\"0\":{\"0\":\"a\"},\"1\":{\"0\":\"b\"},\"kc\":2},\"s\":[\"<li>\",\"</li>\"]},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"0\":{\"0\":\"z\"},\"1\":{\"0\":\"a\"},\"2\":{\"0\":\"b\"},\"kc\":3}}}"};
        QTest::newRow("outer assign changed in every row")
            << QStringLiteral("<ul>{% for i in items key i %}<li>{{ n }}</li>{% endfor %}</ul>")
            << QList<QByteArray>{"{\"items\":[\"a\",\"b\"],\"n\":0}", "{\"items\":[\"a\",\"b\"],\"n\":1}"}
            << QList<QByteArray>{"{\"0\":{\"k\":{\"0\":{\"0\":\"0\"},\"1\":{\"0\":\"0\"},\"kc\":2},\"s\":[\"<li>\",\"</li>\"]},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"0\":{\"0\":\"1\"},\"1\":{\"0\":\"1\"},\"kc\":2}}}"};

        const QString branches = QStringLiteral("<div>{% if a %}<b>{{ x }}</b>{% elif b %}<i>{{ x }}</i>{% endif %}</div>");
        QTest::newRow("if: same branch diffs, new branch sends statics, no branch is \"\"")
            << branches
            << QList<QByteArray>{"{\"a\":1,\"x\":\"1\"}", "{\"a\":1,\"x\":\"2\"}", "{\"b\":1,\"x\":\"2\"}", "{\"x\":\"2\"}",
                                 "{\"a\":1,\"x\":\"3\"}"}
            << QList<QByteArray>{"{\"0\":{\"0\":\"1\",\"s\":[\"<b>\",\"</b>\"],\"r\":1},\"s\":[\"<div>\",\"</div>\"],\"r\":1}",
                                 "{\"0\":{\"0\":\"2\"}}", "{\"0\":{\"0\":\"2\",\"s\":[\"<i>\",\"</i>\"],\"r\":1}}", "{\"0\":\"\"}",
                                 "{\"0\":{\"0\":\"3\",\"s\":[\"<b>\",\"</b>\"],\"r\":1}}"};
        QTest::newRow("r only on single-element nodes")
            << QStringLiteral("text {% if a %}x{{ a }}{% endif %}{% if a %} <p>{{ a }}</p> {% endif %}{% if a %}<p></p><p></p>{% endif %}{% if a %}<br>{% endif %}")
            << QList<QByteArray>{"{\"a\":1}"}
            << QList<QByteArray>{"{\"0\":{\"0\":\"1\",\"s\":[\"x\",\"\"]},\"1\":{\"0\":\"1\",\"s\":[\" <p>\",\"</p> \"],\"r\":1},\"2\":{\"s\":[\"<p></p><p></p>\"]},\"3\":{\"s\":[\"<br>\"],\"r\":1},\"s\":[\"text \",\"\",\"\",\"\",\"\"]}"};
        QTest::newRow("with/include flatten into the parent's statics")
            << QStringLiteral("<section>{% with y=x %}<b>{{ y }}</b>{% endwith %}{% include 'part.html' with v=x %}</section>")
            << QList<QByteArray>{"{\"x\":\"1\"}", "{\"x\":\"2\"}"}
            << QList<QByteArray>{"{\"0\":\"1\",\"1\":\"1\",\"s\":[\"<section><b>\",\"</b><em>\",\"</em></section>\"],\"r\":1}",
                                 "{\"0\":\"2\",\"1\":\"2\"}"};
        QTest::newRow("empty clause is a nested node")
            << QStringLiteral("<ul>{% for i in l %}<li>{{ i }}</li>{% empty %}<li>none</li>{% endfor %}</ul>")
            << QList<QByteArray>{"{\"l\":[]}", "{\"l\":[1]}", "{\"l\":[]}"}
            << QList<QByteArray>{"{\"0\":{\"s\":[\"<li>none</li>\"],\"r\":1},\"s\":[\"<ul>\",\"</ul>\"],\"r\":1}",
                                 "{\"0\":{\"k\":{\"0\":{\"0\":\"1\"},\"kc\":1},\"s\":[\"<li>\",\"</li>\"]}}",
                                 "{\"0\":{\"s\":[\"<li>none</li>\"],\"r\":1}}"};
    }

    void sequences()
    {
        QFETCH(QString, source);
        QFETCH(QList<QByteArray>, contexts);
        QFETCH(QList<QByteArray>, expected);
        QCOMPARE(contexts.size(), expected.size());
        TemplateEngine engine;
        engine.addTemplate(QStringLiteral("part.html"), QStringLiteral("<em>{{ v }}</em>"));
        auto t = engine.fromString(source);
        QVERIFY2(t.has_value(), qPrintable(t ? QString() : t.error().toString()));
        RenderedTree prev;
        for (qsizetype i = 0; i < contexts.size(); ++i) {
            auto tree = t->render(ctx(contexts[i]));
            QVERIFY(tree.has_value());
            const QByteArray json = i == 0 ? tree->toJson() : RenderedTree::diff(prev, *tree);
            if (obj(json) != obj(expected[i]))
                QFAIL(qPrintable(QStringLiteral("step %1:\n  actual   %2\n  expected %3")
                                     .arg(i).arg(QString::fromUtf8(json), QString::fromUtf8(expected[i]))));
            prev = *tree;
        }
    }

    void diffAgainstNullIsFull()
    {
        auto t = Template::compile(QStringLiteral("<p>{{ a }}</p>"));
        auto tree = t->render(ctx("{\"a\":1}"));
        QCOMPARE(tree->toJson(), QByteArray("{\"0\":\"1\",\"s\":0,\"r\":1,\"p\":{\"0\":[\"<p>\",\"</p>\"]}}"));
        // a full root inside a diff carries no top-level "r" (the client reads it as a hook reply)
        QCOMPARE(RenderedTree::diff(RenderedTree(), *tree), QByteArray("{\"0\":\"1\",\"s\":0,\"p\":{\"0\":[\"<p>\",\"</p>\"]}}"));
        auto other = Template::compile(QStringLiteral("<i>{{ a }}</i>"))->render(ctx("{\"a\":1}"));
        QCOMPARE(RenderedTree::diff(*tree, *other), QByteArray("{\"0\":\"1\",\"s\":0,\"p\":{\"0\":[\"<i>\",\"</i>\"]}}"));
    }

    void sharedStaticsAreSentOnce()
    {
        auto t = Template::compile(QStringLiteral("<ul>{% for i in l %}<li>{% if i %}<b>{{ i }}</b>{% endif %}</li>{% endfor %}</ul>"));
        auto a = t->render(ctx("{\"l\":[]}"));
        QCOMPARE(a->toJson(), QByteArray("{\"0\":\"\",\"s\":0,\"r\":1,\"p\":{\"0\":[\"<ul>\",\"</ul>\"]}}"));
        auto b = t->render(ctx("{\"l\":[1,2,3]}"));
        // the row template and the branch template each appear once in "p", however many rows use them
        QCOMPARE(RenderedTree::diff(*a, *b),
                 QByteArray("{\"0\":{\"k\":{\"0\":{\"0\":{\"0\":\"1\",\"s\":0,\"r\":1}},\"1\":{\"0\":{\"0\":\"2\",\"s\":0,\"r\":1}},"
                            "\"2\":{\"0\":{\"0\":\"3\",\"s\":0,\"r\":1}},\"kc\":3},\"s\":1},"
                            "\"p\":{\"0\":[\"<b>\",\"</b>\"],\"1\":[\"<li>\",\"</li>\"]}}"));
        // a diff without new statics has no "p"
        auto c = t->render(ctx("{\"l\":[1,2,4]}"));
        QCOMPARE(RenderedTree::diff(*b, *c), QByteArray("{\"0\":{\"k\":{\"2\":{\"0\":{\"0\":\"4\"}},\"kc\":3}}}"));
    }

    void encoderEscapesJson()
    {
        auto t = Template::compile(QStringLiteral("<p title=\"q\">\\ {{ a }}\n\t</p>"));
        auto tree = t->render(ctx("{\"a\":\"\\\"\\\\\\u0001\"}"));
        const QByteArray json = tree->toJson();
        QCOMPARE(json, QByteArray("{\"0\":\"&quot;\\\\\\u0001\",\"s\":0,\"r\":1,\"p\":{\"0\":[\"<p title=\\\"q\\\">\\\\ \",\"\\n\\t</p>\"]}}"));
    }
};

QTEST_GUILESS_MAIN(TestRenderedTree)
#include "tst_renderedtree.moc"
