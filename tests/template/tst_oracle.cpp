// Oracle: randomized, seeded sequences of state changes on several templates. Our join and every
// diff are merged by the official phoenix_live_view 1.1.32 client (Rendered, in Node, see
// oracle.mjs) and its HTML must equal our own full render after each step. A failure prints the
// seed; rerun one seed with LIVEACTOR_ORACLE_SEED=<seed>.

#include "liveview/componenttable_p.h"
#include "liveview/viewhandler.h"
#include "template/template.h"
#include "template/templateengine.h"
#include "../../bench/nullviewcontext.h"
#include "template/templatelibrary.h"

#include "oracle_p.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
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

// Live components for the oracle: a card with its own state (likes, changed by "events") and the
// tag's assigns; every instance is listed in states so the test can render a page from scratch.
struct CardState
{
    ValueMap assigns;
};

class OracleCard final : public ComponentHandler
{
public:
    OracleCard(Template t, std::shared_ptr<CardState> state) : m_template(std::move(t)), m_state(std::move(state)) { }
    Result<void> mount(ViewContext &) override
    {
        m_state->assigns.insert(QStringLiteral("likes"), Value(0));
        return {};
    }
    Result<void> update(const ValueMap &assigns, ViewContext &) override
    {
        for (qsizetype i = 0; i < assigns.size(); ++i)
            m_state->assigns.insert(assigns.keys()[i], assigns.values()[i]);
        return {};
    }
    Result<void> handleEvent(const QString &, const QJsonObject &, ViewContext &) override
    {
        m_state->assigns.insert(QStringLiteral("likes"), Value(m_state->assigns.value(QStringLiteral("likes")).toInt() + 1));
        return {};
    }
    Template componentTemplate() const override { return m_template; }
    Result<ValueMap> assigns() override { return m_state->assigns; }

private:
    Template m_template;
    std::shared_ptr<CardState> m_state;
};

class OracleView final : public ViewHandler
{
public:
    QHash<QString, Template> templates; // by component name
    QList<std::shared_ptr<CardState>> created;
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &) override { return {}; }
    Result<void> handleEvent(const QString &, const QJsonObject &, ViewContext &) override { return {}; }
    Template viewTemplate() const override { return {}; }
    Result<ValueMap> assigns() override { return ValueMap(); }
    Result<std::unique_ptr<ComponentHandler>> createComponent(const QString &name) override
    {
        created.append(std::make_shared<CardState>());
        return std::unique_ptr<ComponentHandler>(new OracleCard(templates.value(name), created.last()));
    }
};

QSet<int> componentsIn(const QByteArray &html)
{
    QSet<int> cids;
    static const QRegularExpression re(QStringLiteral("data-phx-component=\"(\\d+)\""));
    for (auto it = re.globalMatch(QString::fromUtf8(html)); it.hasNext();)
        cids.insert(it.next().captured(1).toInt());
    return cids;
}

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

    /// Writes lines to file and merges them with oracle.mjs; false (with a test failure naming
    /// the scenario) unless every step matched; out is the script's answer.
    static bool runOracle(const QString &node, const QString &modules, const QString &file, const QByteArray &lines,
                          const QString &name, QByteArray &out)
    {
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly) || f.write(lines) != lines.size())
            return false;
        f.close();
        QProcess p;
        p.start(node, {QStringLiteral(LIVEACTOR_ORACLE_SCRIPT), modules, file});
        if (!p.waitForFinished(60000))
            return false;
        out = p.readAllStandardOutput();
        if (p.exitCode() == 0 && out.startsWith("{\"ok\":"))
            return true;
        QTest::qFail(qPrintable(QStringLiteral("scenario '%1' failed (rerun with LIVEACTOR_ORACLE_SEED=<seed>):\n%2\n%3")
                                    .arg(name, QString::fromUtf8(out), QString::fromUtf8(p.readAllStandardError()))),
                     __FILE__, __LINE__);
        return false;
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

        const QList<quint32> seeds = OracleSupport::seeds(12, 7919u);
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
            QByteArray out;
            QVERIFY(runOracle(node, modules, dir.filePath(QStringLiteral("steps%1.jsonl").arg(si)), lines, sc.name, out));
            qInfo("%s: %s", qPrintable(sc.name), out.trimmed().constData());
        }
        qInfo("oracle: %d steps over %lld seeds x %lld templates", total, qlonglong(seeds.size()), qlonglong(all.size()));
    }

    // Live components: random sequences of mounts (cards added), updates (the page re-renders
    // them, send_update), component events, removals (the client's two-phase
    // cids_will_destroy/cids_destroyed, sometimes with the card back in between) — the client's
    // merge of the join, each message and each prune must equal the page rendered from scratch.
    void components()
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!node.isEmpty(), "node is required for the oracle test (Debian package nodejs)");
        const QString modules = QStringLiteral(LIVEACTOR_NODE_MODULES);
        auto page = Template::compile(QStringLiteral(
            "<div id=\"page\"><h1>{{ title }}</h1><ul>{% for c in cards key c.id %}"
            "{% live_component Card id=c.id title=c.name done=c.done tags=c.tags %}{% endfor %}</ul>"
            "{% if box %}{% live_component Box id=\"box\" n=count %}{% endif %}</div>"));
        QVERIFY2(page.has_value(), qPrintable(page ? QString() : page.error().toString()));
        auto card = Template::compile(QStringLiteral(
            "<li class=\"card\" id=\"c{{ id }}\">{{ title }}{% if done %}<b>done</b>{% endif %}"
            "{% for t in tags %}<i>{{ t }}</i>{% endfor %} {{ likes }} <a phx-target=\"{{ myself }}\">+</a></li>"));
        auto box = Template::compile(QStringLiteral("<aside>{% if n > 3 %}<b>{{ n }}</b>{% else %}{{ n }}{% endif %} {{ likes }}</aside>"));
        QVERIFY(card.has_value() && box.has_value());

        const QList<quint32> seeds = OracleSupport::seeds(12, 104729u);
        QByteArray lines;
        int total = 0;
        for (quint32 seed : seeds) {
            Rng r(seed);
            OracleView view;
            view.templates = {{QStringLiteral("Card"), *card}, {QStringLiteral("Box"), *box}};
            NullViewContext context;
            ComponentTable table;
            ItemList list;
            ValueMap state;
            state.insert(QStringLiteral("title"), Value(QStringLiteral("Board")));
            state.insert(QStringLiteral("box"), Value(true));
            state.insert(QStringLiteral("count"), Value(1));
            for (int i = 0; i < 3; ++i)
                list.items.append(list.makeItem(r));
            state.insert(QStringLiteral("cards"), list.value());
            RenderedTree last;
            QSet<int> onPage, willDestroy;
            for (int step = 0; step < 40; ++step) {
                QSet<QString> changed;
                if (step > 0) {
                    switch (r.below(6)) {
                    case 0: case 1:
                        for (int k = 1 + r.below(2); k > 0; --k)
                            list.mutate(r);
                        state.insert(QStringLiteral("cards"), list.value());
                        changed.insert(QStringLiteral("cards"));
                        break;
                    case 2:
                        state.insert(QStringLiteral("box"), Value(!state.value(QStringLiteral("box")).isTruthy()));
                        state.insert(QStringLiteral("count"), Value(r.below(7)));
                        changed = {QStringLiteral("box"), QStringLiteral("count")};
                        break;
                    case 3: // a component event on a component of the page
                        if (!onPage.isEmpty()) {
                            const QList<int> cids = onPage.values();
                            QVERIFY(table.event(cids[r.below(int(cids.size()))], QStringLiteral("like"), {}, context).has_value());
                        }
                        break;
                    case 4: // send_update of one card (maybe one that is gone: nothing happens)
                        if (!list.items.isEmpty()) {
                            ValueMap assigns;
                            assigns.insert(QStringLiteral("title"), Value(words[r.below(int(words.size()))]));
                            table.sendUpdate(QStringLiteral("Card"), list.items[r.below(int(list.items.size()))].map()->value(QStringLiteral("id")), assigns);
                        }
                        break;
                    default:
                        state.insert(QStringLiteral("title"), Value(words[r.below(int(words.size()))]));
                        changed.insert(QStringLiteral("title"));
                    }
                }
                TemplateContext ctx(state);
                table.beginRender();
                ctx.setComponentResolver(table.resolver(view, context));
                auto tree = (step > 0 && r.chance(50)) ? page->render(ctx, last, changed) : page->render(ctx);
                QVERIFY2(tree.has_value(), qPrintable(tree ? QString() : tree.error().toString()));
                QByteArray message = step == 0 ? tree->toJson() : RenderedTree::diff(last, *tree);
                QVERIFY(table.renderDirty(view, context).has_value());
                const QByteArray c = table.takeMessage();
                if (!c.isEmpty())
                    message = "{\"c\":{" + c + (message == "{}" ? QByteArray("}}") : "}," + message.mid(1));
                last = *tree;
                // the expected page, rendered from scratch with the components' current assigns
                TemplateContext fresh(state);
                fresh.setComponentResolver([&](const QString &name, const ValueMap &assigns) -> TemplateResult<ComponentRender> {
                    const int cid = table.cidOf(name, assigns.value(QStringLiteral("id")));
                    ValueMap a;
                    for (const auto &st : view.created) // the newest state of (name, id)
                        if (st->assigns.value(QStringLiteral("id")).toJsonText() == assigns.value(QStringLiteral("id")).toJsonText()
                            && (name == u"Box") == st->assigns.contains(QStringLiteral("n")))
                            a = st->assigns;
                    a.insert(QStringLiteral("myself"), Value(qint64(cid)));
                    auto t = view.templates.value(name).render(TemplateContext(a));
                    if (!t)
                        return std::unexpected(t.error());
                    return ComponentRender{cid, *t};
                });
                const QByteArray html = page->render(fresh)->toHtml();
                lines += "{\"seed\":" + QByteArray::number(seed) + ",\"step\":" + QByteArray::number(step);
                lines += (step == 0 ? ",\"join\":" : ",\"diff\":") + message + ",\"html\":" + jsonString(html) + "}\n";
                ++total;
                // the client: components gone from the page are destroyed in two phases; half the
                // time the second phase waits a step (the card may be back by then)
                const QSet<int> now = componentsIn(html);
                const QSet<int> gone = onPage - now;
                onPage = now;
                if (!willDestroy.isEmpty()) {
                    const QList<int> freed = table.destroy((willDestroy - now).values());
                    willDestroy.clear();
                    if (!freed.isEmpty()) {
                        QByteArray prune;
                        for (int cid : freed)
                            prune += (prune.isEmpty() ? "" : ",") + QByteArray::number(cid);
                        lines += "{\"prune\":[" + prune + "]}\n";
                    }
                }
                if (!gone.isEmpty()) {
                    table.markForDeletion(gone.values());
                    willDestroy = gone;
                }
            }
        }
        QTemporaryDir dir;
        QByteArray out;
        QVERIFY(runOracle(node, modules, dir.filePath(QStringLiteral("components.jsonl")), lines,
                          QStringLiteral("components"), out));
        qInfo("components: %s (%d messages)", out.trimmed().constData(), total);
    }
};

QTEST_GUILESS_MAIN(TestOracle)
#include "tst_oracle.moc"
