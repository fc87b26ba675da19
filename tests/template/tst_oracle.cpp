// Oracle: randomized, seeded sequences of state changes on several templates. Our join and every
// diff are merged by the official phoenix_live_view 1.1.32 client (Rendered, in Node, see
// oracle.mjs) and its HTML must equal our own full render after each step. A failure prints the
// seed; rerun one seed with LIVEACTOR_ORACLE_SEED=<seed>.

#include "template/template.h"
#include "template/templateengine.h"
#include "template/templatelibrary.h"

#include "oracle_p.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using OracleSupport::jsonString;
using OracleSupport::Rng;

namespace {

const QStringList words = {QStringLiteral("alpha"), QStringLiteral("beta <b>"), QStringLiteral("gamma & co"),
                           QStringLiteral("delta \"q\""), QStringLiteral("épsilon"), QStringLiteral("zeta's"),
                           QStringLiteral(""), QStringLiteral("eta\nline")};

// One mutable list of items with ids, and the operations the oracle applies to it. Unchanged
// items keep their Value (the same immutable map), as a bridge that converts only what changed
// would pass them, so the renderer's reuse of unchanged entries is exercised too.
struct ItemList
{
    QList<Value> items;
    int nextId = 1;

    Value makeItem(Rng &r, int id = 0)
    {
        ValueMap m;
        m.insert(QStringLiteral("id"), Value(id ? id : nextId++));
        m.insert(QStringLiteral("name"), Value(words[r.below(int(words.size()))]));
        m.insert(QStringLiteral("done"), Value(r.chance(30)));
        ValueList tags;
        for (int i = r.below(3); i > 0; --i)
            tags.append(Value(words[r.below(int(words.size()))]));
        m.insert(QStringLiteral("tags"), Value(tags));
        return Value(m);
    }
    void mutate(Rng &r)
    {
        const int op = r.below(9);
        const int n = int(items.size());
        switch (op) {
        case 0: case 1: items.insert(r.below(n + 1), makeItem(r)); break;
        case 2: if (n) items.removeAt(r.below(n)); break;
        case 3: if (n > 1) items.move(r.below(n), r.below(n)); break;
        case 4: if (n > 1) std::reverse(items.begin(), items.end()); break;
        case 5: case 6: if (n) { const int i = r.below(n); items[i] = makeItem(r, int(items[i].map()->value(QStringLiteral("id")).toInt())); } break;
        case 7: if (n > 2) { for (int i = 0; i < n; ++i) items.swapItemsAt(i, r.below(n)); } break;
        case 8: if (r.chance(20)) items.clear(); else items.append(makeItem(r)); break;
        }
    }
    Value value() const { return Value(items); }
};

// Items with a group letter, for regroup and ifchanged: moves and edits change which row starts
// a group, so rows whose own item is unchanged must still be rendered again.
struct GroupedItems
{
    QList<Value> items;
    int nextId = 1;

    Value makeItem(Rng &r, int id = 0)
    {
        static const QStringList groups = {QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("<z>")};
        return Value(ValueMap{{QStringLiteral("id"), Value(id ? id : nextId++)},
                              {QStringLiteral("g"), Value(groups[r.below(int(groups.size()))])},
                              {QStringLiteral("name"), Value(words[r.below(int(words.size()))])},
                              {QStringLiteral("done"), Value(r.chance(40))}});
    }
    void mutate(Rng &r)
    {
        const int n = int(items.size());
        switch (r.below(6)) {
        case 0: case 1: items.insert(r.below(n + 1), makeItem(r)); break;
        case 2: if (n) items.removeAt(r.below(n)); break;
        case 3: if (n > 1) items.move(r.below(n), r.below(n)); break;
        case 4: if (n) { const int i = r.below(n); items[i] = makeItem(r, int(items[i].map()->value(QStringLiteral("id")).toInt())); } break;
        default: std::reverse(items.begin(), items.end()); break;
        }
    }
};

struct Scenario
{
    QString name;
    QString source;
    // applies one random change to the state; returns the assigns it changed
    std::function<QSet<QString>(Rng &, ValueMap &)> mutate;
    std::function<void(Rng &, ValueMap &)> init;
};

} // namespace

class TestOracle : public QObject
{
    Q_OBJECT

    QList<Scenario> scenarios()
    {
        QList<Scenario> s;
        s.append({QStringLiteral("nested ifs + keyed list + filters"),
                  QStringLiteral(
                      "<div id=\"root\"><h1>{{ title|upper }}</h1>\n"
                      "{% if show %}<section class=\"{{ cls }}\">{% if count > 5 %}<b>big {{ count }}</b>{% elif count > 2 %}<i>mid</i>{% else %}small{% endif %}</section>{% endif %}\n"
                      "<ul>{% for item in items key item.id %}<li id=\"i{{ item.id }}\">{{ item.name|title }}{% if item.done %} &#10003;{% endif %}"
                      "{% for t in item.tags %}<span>{{ t|truncatechars:4 }}</span>{% endfor %}</li>{% empty %}<li>none</li>{% endfor %}</ul>\n"
                      "<p>{{ items|length }} item{{ items|length|pluralize }}</p></div>"),
                  [list = std::make_shared<ItemList>()](Rng &r, ValueMap &st) -> QSet<QString> {
                      switch (r.below(5)) {
                      case 0: st.insert(QStringLiteral("show"), Value(!st.value(QStringLiteral("show")).isTruthy())); return {QStringLiteral("show")};
                      case 1: st.insert(QStringLiteral("count"), Value(r.below(9))); return {QStringLiteral("count")};
                      case 2: st.insert(QStringLiteral("title"), Value(words[r.below(int(words.size()))])); return {QStringLiteral("title")};
                      default:
                          for (int k = 1 + r.below(3); k > 0; --k)
                              list->mutate(r);
                          st.insert(QStringLiteral("items"), list->value());
                          return {QStringLiteral("items")};
                      }
                  },
                  [](Rng &r, ValueMap &st) {
                      st.insert(QStringLiteral("title"), Value(QStringLiteral("Todo")));
                      st.insert(QStringLiteral("show"), Value(true));
                      st.insert(QStringLiteral("cls"), Value(QStringLiteral("a b")));
                      st.insert(QStringLiteral("count"), Value(r.below(9)));
                      st.insert(QStringLiteral("items"), Value(ValueList()));
                  }});
        s.append({QStringLiteral("includes + unkeyed rows + with + cycle"),
                  QStringLiteral(
                      "<table>{% for row in rows %}<tr class=\"{% cycle 'odd' 'even' %}\">{% include \"cell.html\" with v=row.a %}"
                      "{% include \"cell.html\" with v=row.b|default:\"-\" %}</tr>{% endfor %}</table>"
                      "{% with n=rows|length %}{% if n %}<footer>{{ n }} rows; {{ note|linebreaksbr }}</footer>{% endif %}{% endwith %}"),
                  [](Rng &r, ValueMap &st) -> QSet<QString> {
                      if (r.chance(25)) {
                          st.insert(QStringLiteral("note"), Value(words[r.below(int(words.size()))]));
                          return {QStringLiteral("note")};
                      }
                      ValueList rows = *st.value(QStringLiteral("rows")).list();
                      const int n = int(rows.size());
                      const int op = r.below(4);
                      auto row = [&] {
                          return Value(ValueMap{{QStringLiteral("a"), Value(words[r.below(int(words.size()))])},
                                                {QStringLiteral("b"), r.chance(30) ? Value() : Value(r.below(100))}});
                      };
                      if (op == 0 || n == 0) rows.insert(r.below(n + 1), row());
                      else if (op == 1) rows.removeAt(r.below(n));
                      else if (op == 2) rows[r.below(n)] = row();
                      else rows.move(r.below(n), r.below(n));
                      st.insert(QStringLiteral("rows"), Value(rows));
                      return {QStringLiteral("rows")};
                  },
                  [](Rng &, ValueMap &st) {
                      st.insert(QStringLiteral("rows"), Value(ValueList()));
                      st.insert(QStringLiteral("note"), Value(QStringLiteral("first\nsecond")));
                  }});
        s.append({QStringLiteral("extends/blocks + nested keyed lists, text root"),
                  QStringLiteral(
                      "{% extends \"base.html\" %}{% block content %}{% for g in groups key g.name %}<h2>{{ g.name }}</h2>"
                      "{% for m in g.members key m %}<p>{{ m }}{% if forloop.first %}*{% endif %}</p>{% endfor %}{% endfor %}{% endblock %}"),
                  [](Rng &r, ValueMap &st) -> QSet<QString> {
                      if (r.chance(20)) {
                          st.insert(QStringLiteral("title"), Value(words[r.below(int(words.size()))]));
                          return {QStringLiteral("title")};
                      }
                      ValueList groups = *st.value(QStringLiteral("groups")).list();
                      const int n = int(groups.size());
                      const int op = r.below(5);
                      if (op == 0 || n == 0) {
                          ValueList members;
                          for (int i = r.below(4); i > 0; --i)
                              members.append(Value(QStringLiteral("m%1").arg(r.below(10))));
                          // member keys must be unique per group for this scenario to be interesting
                          members.removeIf([&, seen = QSet<QString>()](const Value &v) mutable {
                              if (seen.contains(v.toString())) return true;
                              seen.insert(v.toString());
                              return false;
                          });
                          groups.insert(r.below(n + 1), Value(ValueMap{{QStringLiteral("name"), Value(QStringLiteral("g%1").arg(r.below(1000)))},
                                                                        {QStringLiteral("members"), Value(members)}}));
                      } else if (op == 1) {
                          groups.removeAt(r.below(n));
                      } else if (op == 2) {
                          groups.move(r.below(n), r.below(n));
                      } else {
                          const int gi = r.below(n);
                          ValueMap g = *groups[gi].map();
                          ValueList members = *g.value(QStringLiteral("members")).list();
                          const int mn = int(members.size());
                          if (mn > 1 && r.chance(50)) members.move(r.below(mn), r.below(mn));
                          else if (mn && r.chance(40)) members.removeAt(r.below(mn));
                          else {
                              const QString m = QStringLiteral("m%1").arg(100 + r.below(900));
                              bool dup = false;
                              for (const Value &v : members) dup = dup || v.toString() == m;
                              if (!dup) members.insert(r.below(mn + 1), Value(m));
                          }
                          g.insert(QStringLiteral("members"), Value(members));
                          groups[gi] = Value(g);
                      }
                      st.insert(QStringLiteral("groups"), Value(groups));
                      return {QStringLiteral("groups")};
                  },
                  [](Rng &, ValueMap &st) {
                      st.insert(QStringLiteral("title"), Value(QStringLiteral("Groups")));
                      st.insert(QStringLiteral("groups"), Value(ValueList()));
                  }});
        s.append({QStringLiteral("duplicate keys + moves + per-row branches"),
                  QStringLiteral(
                      "<ol>{% for w in ws key w.k %}<li>{% if w.n > 1 %}<b>{{ w.k }}:{{ w.n }}</b>{% else %}{{ w.k }}{% endif %}</li>{% endfor %}</ol>"),
                  [](Rng &r, ValueMap &st) -> QSet<QString> {
                      ValueList ws = *st.value(QStringLiteral("ws")).list();
                      const int n = int(ws.size());
                      auto item = [&] {
                          return Value(ValueMap{{QStringLiteral("k"), Value(QStringLiteral("k%1").arg(r.below(4)))},
                                                {QStringLiteral("n"), Value(r.below(3))}});
                      };
                      switch (r.below(5)) {
                      case 0: ws.insert(r.below(n + 1), item()); break;
                      case 1: if (n) ws.removeAt(r.below(n)); break;
                      case 2: if (n > 1) ws.move(r.below(n), r.below(n)); break;
                      case 3: if (n) ws[r.below(n)] = item(); break;
                      default: std::reverse(ws.begin(), ws.end()); if (n) ws.append(ws[r.below(n)]); break;
                      }
                      st.insert(QStringLiteral("ws"), Value(ws));
                      return {QStringLiteral("ws")};
                  },
                  [](Rng &, ValueMap &st) { st.insert(QStringLiteral("ws"), Value(ValueList())); }});
        s.append({QStringLiteral("i18n tags in a keyed list + language switches"),
                  QStringLiteral(
                      "{% load i18n %}<ul>{% for item in items key item.id %}<li>{% blocktrans with n=item.name count c=item.tags|length %}"
                      "{{ n }}: {{ c }} tag{% plural %}{{ n }}: {{ c }} tags{% endblocktrans %} {% trans \"Hello\" %}"
                      "{% trans \"Hello\" as h %}<i>{{ h }}</i></li>{% endfor %}</ul><p>{{ _(\"Hello\") }}</p>"),
                  [list = std::make_shared<ItemList>()](Rng &r, ValueMap &st) -> QSet<QString> {
                      if (r.chance(30)) {
                          st.insert(QStringLiteral("language"), Value(r.chance(50) ? QStringLiteral("de") : QStringLiteral("en")));
                          return {QStringLiteral("language")};
                      }
                      list->mutate(r);
                      st.insert(QStringLiteral("items"), list->value());
                      return {QStringLiteral("items")};
                  },
                  [](Rng &, ValueMap &st) {
                      TemplateLibraries::setTranslator([](const TranslationRequest &q) -> std::optional<QString> {
                          if (q.language != u"de")
                              return std::nullopt;
                          if (q.hasPlural)
                              return q.count == 1 ? QStringLiteral("%(n)s: %(c)s Etikett") : QStringLiteral("%(n)s: %(c)s Etiketten");
                          return q.singular == u"Hello" ? std::optional<QString>(QStringLiteral("Hallo")) : std::nullopt;
                      });
                      st.insert(QStringLiteral("language"), Value(QStringLiteral("en")));
                      st.insert(QStringLiteral("items"), Value(ValueList()));
                  }});
        s.append({QStringLiteral("regroup + ifchanged + filter + resetcycle in keyed loops"),
                  QStringLiteral(
                      "{% regroup items|dictsort:'g' by g as groups %}"
                      "<div>{% for grp in groups key grp.grouper %}<section><h2>{{ grp.grouper }} ({{ grp.list|length }})</h2>"
                      "{% for it in grp.list key it.id %}<p>{% ifchanged it.done %}<b>{{ it.done|yesno:'done,open' }}</b>"
                      "{% else %}-{% endifchanged %}{{ it.name }}</p>{% endfor %}</section>{% endfor %}</div>\n"
                      "<ul>{% for it in items key it.id %}<li>{% ifchanged %}<i>{{ it.g }}</i>{% endifchanged %}"
                      "{% filter upper %}{{ it.name }}{% endfilter %}{% cycle 'a' 'b' 'c' %}{% if it.done %}{% resetcycle %}{% endif %}"
                      "{% ifchanged it.g %}{% else %}<em>same</em>{% endifchanged %}</li>{% endfor %}</ul>\n"
                      // a body that reads only its item but for ifchanged: rows must not be reused
                      "<ol>{% for it in items key it.id %}<li>{% ifchanged it.g %}<h3>{{ it.g }}</h3>{% endifchanged %}"
                      "{% ifchanged %}{{ it.done }}{% endifchanged %}{{ it.name }}</li>{% endfor %}</ol>\n"
                      "{% spaceless %} <p> {{ title }} </p> <p>{% lorem n w %}</p> {% endspaceless %}"
                      "{% ifequal n 3 %}<i>three</i>{% else %}{{ n }}{% endifequal %}"),
                  [list = std::make_shared<GroupedItems>()](Rng &r, ValueMap &st) -> QSet<QString> {
                      switch (r.below(6)) {
                      case 0: st.insert(QStringLiteral("n"), Value(r.below(6))); return {QStringLiteral("n")};
                      case 1: st.insert(QStringLiteral("title"), Value(words[r.below(int(words.size()))])); return {QStringLiteral("title")};
                      default:
                          for (int k = 1 + r.below(3); k > 0; --k)
                              list->mutate(r);
                          st.insert(QStringLiteral("items"), Value(list->items));
                          return {QStringLiteral("items")};
                      }
                  },
                  [](Rng &r, ValueMap &st) {
                      st.insert(QStringLiteral("title"), Value(QStringLiteral("Groups")));
                      st.insert(QStringLiteral("n"), Value(r.below(6)));
                      st.insert(QStringLiteral("items"), Value(ValueList()));
                  }});
        s.append({QStringLiteral("extends with a variable"),
                  QStringLiteral(
                      "{% extends layout %}{% block content %}{% for w in ws key w %}<p>{{ w|title }}</p>{% endfor %}{% endblock %}"),
                  [](Rng &r, ValueMap &st) -> QSet<QString> {
                      if (r.chance(30)) {
                          st.insert(QStringLiteral("layout"), Value(r.chance(50) ? QStringLiteral("base.html") : QStringLiteral("wide.html")));
                          return {QStringLiteral("layout")};
                      }
                      if (r.chance(30)) {
                          st.insert(QStringLiteral("title"), Value(words[r.below(int(words.size()))]));
                          return {QStringLiteral("title")};
                      }
                      ValueList ws;
                      for (int i = r.below(4); i > 0; --i)
                          ws.append(Value(QStringLiteral("w%1").arg(i * 10 + r.below(10))));
                      st.insert(QStringLiteral("ws"), Value(ws));
                      return {QStringLiteral("ws")};
                  },
                  [](Rng &, ValueMap &st) {
                      st.insert(QStringLiteral("layout"), Value(QStringLiteral("base.html")));
                      st.insert(QStringLiteral("title"), Value(QStringLiteral("Page")));
                      st.insert(QStringLiteral("ws"), Value(ValueList()));
                  }});
        return s;
    }

private Q_SLOTS:
    void oracle()
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!node.isEmpty(), "node is required for the oracle test (Debian package nodejs)");
        const QString modules = QStringLiteral(LIVEACTOR_NODE_MODULES);
        QVERIFY2(QFile::exists(modules + QStringLiteral("/phoenix_live_view/assets/js/phoenix_live_view/rendered.js")),
                 "phoenix_live_view is not installed in the build tree; build target liveactor_client_assets");

        TemplateEngine engine;
        engine.addTemplate(QStringLiteral("cell.html"),
                           QStringLiteral("<td>{% if v %}{{ v }}{% else %}<em>empty</em>{% endif %}</td>"));
        engine.addTemplate(QStringLiteral("base.html"),
                           QStringLiteral("<main>{% block header %}<header>{{ title }}</header>{% endblock %}{% block content %}{% endblock %}</main>"));
        engine.addTemplate(QStringLiteral("wide.html"),
                           QStringLiteral("<div class=\"wide\">{% block content %}{% endblock %}<footer>{{ title }}</footer></div>"));

        QList<quint32> seeds;
        const QByteArray fixed = qgetenv("LIVEACTOR_ORACLE_SEED");
        if (!fixed.isEmpty())
            seeds.append(fixed.toUInt());
        else
            for (quint32 s = 1; s <= 12; ++s)
                seeds.append(s * 7919u);
        const int stepsPerRun = 40;

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        int total = 0;
        const auto all = scenarios();
        for (qsizetype si = 0; si < all.size(); ++si) {
            const Scenario &sc = all[si];
            auto t = engine.fromString(sc.source, sc.name);
            QVERIFY2(t.has_value(), qPrintable(t ? QString() : t.error().toString()));
            QByteArray lines;
            for (quint32 seed : seeds) {
                Rng r(seed + quint32(si));
                ValueMap state;
                sc.init(r, state);
                RenderedTree prev;
                for (int step = 0; step < stepsPerRun; ++step) {
                    QSet<QString> changed;
                    if (step > 0)
                        changed = sc.mutate(r, state);
                    TemplateContext ctx(state);
                    // half of the steps use the partial re-render path, which must give the same result
                    auto tree = (step > 0 && r.chance(50)) ? t->render(ctx, prev, changed) : t->render(ctx);
                    QVERIFY2(tree.has_value(), qPrintable(tree ? QString() : tree.error().toString()));
                    const QByteArray html = t->renderHtml(ctx).value();
                    QCOMPARE(tree->toHtml(), html);
                    lines += "{\"seed\":" + QByteArray::number(seed) + ",\"step\":" + QByteArray::number(step);
                    lines += step == 0 ? ",\"join\":" + tree->toJson() : ",\"diff\":" + RenderedTree::diff(prev, *tree);
                    lines += ",\"html\":" + jsonString(html) + "}\n";
                    prev = *tree;
                    ++total;
                }
            }
            const QString file = dir.filePath(QStringLiteral("steps%1.jsonl").arg(si));
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(lines);
            f.close();
            QProcess p;
            p.start(node, {QStringLiteral(LIVEACTOR_ORACLE_SCRIPT), modules, file});
            QVERIFY(p.waitForFinished(60000));
            const QByteArray out = p.readAllStandardOutput();
            const QByteArray err = p.readAllStandardError();
            if (p.exitCode() != 0 || !out.startsWith("{\"ok\":"))
                QFAIL(qPrintable(QStringLiteral("scenario '%1' failed (rerun with LIVEACTOR_ORACLE_SEED=<seed>):\n%2\n%3")
                                     .arg(sc.name, QString::fromUtf8(out), QString::fromUtf8(err))));
            qInfo("%s: %s", qPrintable(sc.name), out.trimmed().constData());
        }
        qInfo("oracle: %d steps over %lld seeds x %lld templates", total, qlonglong(seeds.size()), qlonglong(all.size()));
    }
};

QTEST_GUILESS_MAIN(TestOracle)
#include "tst_oracle.moc"
