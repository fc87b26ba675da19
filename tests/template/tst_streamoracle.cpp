// Stream oracle: randomized, seeded sequences of stream inserts (append, prepend, at an index,
// with limits, update-only), updates, deletes and resets, and a stream container that leaves and
// comes back. Our join and every diff are merged and patched into a DOM by the official
// phoenix_live_view 1.1.32 client (Rendered + DOMPatch under jsdom, see stream_oracle.mjs); the
// DOM must then equal our full render of what each stream should hold (a model of Phoenix's
// stream semantics, rendered by the same template from a plain list), and items that stayed
// must be the same DOM nodes. A failure prints the seed; rerun it with LIVEACTOR_ORACLE_SEED.
// wireShapes() pins the exact JSON of a stream join and its diffs.

#include "template/stream.h"
#include "template/template.h"
#include "template/templateengine.h"

#include "oracle_p.h"

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
                           QStringLiteral("delta \"q\""), QStringLiteral("épsilon"), QStringLiteral("zeta's")};

// What the client should show for one stream, and the batches that change it. Item order and
// positions follow Phoenix's documented semantics: deletes and a reset first, then each insert
// in turn — an id the stream has is updated in place, a new one goes to `at` and the limit then
// prunes from the other end; update-only inserts of ids the client did not have do nothing.
struct StreamModel
{
    QString ref;
    QString prefix;
    QList<std::pair<QString, Value>> items;
    int nextId = 1;

    qsizetype indexOf(const QString &id) const
    {
        for (qsizetype i = 0; i < items.size(); ++i)
            if (items[i].first == id)
                return i;
        return -1;
    }
    Value makeItem(Rng &r)
    {
        return Value(ValueMap{{QStringLiteral("name"), Value(words[r.below(int(words.size()))])},
                              {QStringLiteral("kind"), Value(r.chance(50) ? QStringLiteral("a") : QStringLiteral("b"))},
                              {QStringLiteral("n"), Value(r.below(4))}});
    }
    void apply(const StreamBatch &b)
    {
        if (b.reset())
            items.clear();
        for (const QString &id : b.deletes())
            if (const qsizetype i = indexOf(id); i >= 0)
                items.removeAt(i);
        for (const StreamBatch::Insert &in : b.inserts()) {
            if (const qsizetype i = indexOf(in.domId); i >= 0) {
                items[i].second = in.item;
                continue;
            }
            if (in.updateOnly && !b.deletes().contains(in.domId))
                continue; // (the client keeps a node deleted in the same batch for its insert)
            const qsizetype n = items.size();
            const qsizetype at = in.at < 0 ? n : std::min<qsizetype>(in.at, n);
            items.insert(at, {in.domId, in.item});
            if (in.limit && *in.limit < 0)
                while (items.size() > -*in.limit)
                    items.removeFirst();
            else if (in.limit)
                while (items.size() > *in.limit)
                    items.removeLast();
        }
    }
    // A random batch: a reset now and then; deletes; updates of present ids; new items. Into a
    // fresh container (the join, or one re-created) only appends and prepends without limits:
    // the client then adds the whole container at once and positions its items against all of
    // them, not one by one (the same for Phoenix's server; not a wire question).
    StreamBatch randomBatch(Rng &r, bool fresh)
    {
        QList<StreamBatch::Insert> inserts;
        QStringList deletes;
        const bool reset = r.chance(8);
        QSet<QString> used;
        auto add = [&](int at, std::optional<int> limit, bool updateOnly) {
            const QString id = prefix + QString::number(nextId++);
            used.insert(id);
            inserts.append({id, makeItem(r), at, limit, updateOnly});
        };
        if (!reset && !fresh) {
            for (int k = r.below(3); k > 0 && !items.isEmpty(); --k) {
                const QString id = r.chance(85) ? items[r.below(int(items.size()))].first : prefix + QStringLiteral("gone");
                if (!deletes.contains(id))
                    deletes.append(id);
            }
            for (int k = r.below(3); k > 0 && !items.isEmpty(); --k) {
                const QString id = items[r.below(int(items.size()))].first;
                if (used.contains(id))
                    continue;
                used.insert(id); // deleted above and inserted again: a new node at `at`
                inserts.append({id, makeItem(r), r.chance(50) ? -1 : 0, std::nullopt, r.chance(20)});
            }
        }
        for (int k = r.below(reset ? 5 : 4); k > 0; --k) {
            const int pick = r.below(10);
            const int at = pick < 4 || (fresh && pick >= 7) ? -1 : pick < 7 ? 0 : r.below(int(items.size()) + 2);
            std::optional<int> limit;
            if (!fresh && r.chance(20))
                limit = (r.chance(50) ? -1 : 1) * (2 + r.below(5));
            add(at, limit, !fresh && r.chance(5));
        }
        return StreamBatch(ref, inserts, deletes, reset);
    }
    // The same items as a plain list of [dom_id, item] pairs: what a full render shows.
    Value asList() const
    {
        ValueList list;
        for (const auto &[id, item] : items)
            list.append(Value(ValueList{Value(id), item}));
        return Value(list);
    }
    QSet<QString> ids() const
    {
        QSet<QString> s;
        for (const auto &p : items)
            s.insert(p.first);
        return s;
    }
};

Value batchValue(const StreamBatch &b)
{
    return Value(std::shared_ptr<const LazyObject>(std::make_shared<StreamBatch>(b)));
}

} // namespace

class TestStreamOracle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The exact wire form, and that the server's tree forgets the items once they are encoded.
    void wireShapes()
    {
        auto t = Template::compile(QStringLiteral(
            "<p>{{ n }}</p><ul id=\"s\" phx-update=\"stream\">{% for id, x in streams.s %}<li id=\"{{ id }}\">{{ x }}</li>{% endfor %}</ul>"));
        QVERIFY(t.has_value());
        auto ctxWith = [](int n, const StreamBatch &b) {
            TemplateContext c;
            c.set(QStringLiteral("n"), Value(n));
            c.set(QStringLiteral("streams"), Value(ValueMap{{QStringLiteral("s"), batchValue(b)}}));
            return c;
        };
        using Ins = StreamBatch::Insert;
        const StreamBatch two(QStringLiteral("0"), {Ins{QStringLiteral("s-1"), Value(QStringLiteral("a")), -1, std::nullopt, false},
                                                    Ins{QStringLiteral("s-2"), Value(QStringLiteral("b")), 0, -5, false}}, {}, false);
        RenderedTree join = *t->render(ctxWith(1, two));
        QCOMPARE(join.toHtml(), QByteArray("<p>1</p><ul id=\"s\" phx-update=\"stream\"><li id=\"s-1\">a</li><li id=\"s-2\">b</li></ul>"));
        QCOMPARE(join.toJson(),
                 QByteArray("{\"0\":\"1\",\"1\":{\"k\":{\"0\":{\"0\":\"s-1\",\"1\":\"a\"},\"1\":{\"0\":\"s-2\",\"1\":\"b\"},\"kc\":2},"
                            "\"stream\":[\"0\",[[\"s-1\",-1,null,false],[\"s-2\",0,-5,false]],[]],\"s\":0},\"s\":1,"
                            "\"p\":{\"0\":[\"<li id=\\\"\",\"\\\">\",\"</li>\"],\"1\":[\"<p>\",\"</p><ul id=\\\"s\\\" phx-update=\\\"stream\\\">\",\"</ul>\"]}}"));
        // sent: the tree keeps neither the items nor the operations
        QCOMPARE(join.toHtml(), QByteArray("<p>1</p><ul id=\"s\" phx-update=\"stream\"></ul>"));
        QVERIFY(join.toJson().contains("\"k\":{\"kc\":0},\"stream\":[\"0\",[],[]]"));

        const StreamBatch idle(QStringLiteral("0"), {}, {}, false);
        RenderedTree other = *t->render(ctxWith(2, idle));
        QCOMPARE(RenderedTree::diff(join, other), QByteArray("{\"0\":\"2\"}")); // nothing to do: not sent

        const StreamBatch del(QStringLiteral("0"), {}, {QStringLiteral("s-1")}, false);
        RenderedTree deleted = *t->render(ctxWith(2, del));
        QCOMPARE(RenderedTree::diff(other, deleted), QByteArray("{\"1\":{\"k\":{\"kc\":0},\"stream\":[\"0\",[],[\"s-1\"]]}}"));

        const StreamBatch reset(QStringLiteral("0"), {Ins{QStringLiteral("s-9"), Value(QStringLiteral("z")), -1, std::nullopt, true}}, {}, true);
        RenderedTree again = *t->render(ctxWith(2, reset));
        QCOMPARE(RenderedTree::diff(deleted, again),
                 QByteArray("{\"1\":{\"k\":{\"0\":{\"0\":\"s-9\",\"1\":\"z\"},\"kc\":1},\"stream\":[\"0\",[[\"s-9\",-1,null,true]],[],true]}}"));
    }

    void oracle()
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!node.isEmpty(), "node is required for the stream oracle (Debian package nodejs)");
        const QString client = QStringLiteral(LIVEACTOR_NODE_MODULES);
        const QString jsdom = QStringLiteral(LIVEACTOR_JSDOM_MODULES);
        QVERIFY2(QFile::exists(client + QStringLiteral("/phoenix_live_view/assets/js/phoenix_live_view/dom_patch.js")),
                 "phoenix_live_view is not installed in the build tree; build target liveactor_client_assets");
        QVERIFY2(QFile::exists(jsdom + QStringLiteral("/jsdom/package.json")),
                 "jsdom is not installed in the build tree; build target liveactor_jsdom");

        TemplateEngine engine;
        auto t = engine.fromString(QStringLiteral(
            "<div id=\"feed\"><h1>{{ title }}</h1>"
            "<ul id=\"items\" phx-update=\"stream\">{% for dom_id, it in streams.items %}"
            "<li id=\"{{ dom_id }}\" class=\"{{ it.kind }}\">{{ it.name }}{% if it.n > 1 %} <b>{{ it.n }}</b>{% endif %}</li>"
            "{% endfor %}</ul>\n"
            "{% if show %}<ol id=\"more\" data-n=\"{{ title|length }}\" phx-update=\"stream\">{% for dom_id, m in streams.more %}"
            "<li id=\"{{ dom_id }}\">{{ m.name|upper }}</li>{% endfor %}</ol>{% endif %}"
            "<p>{{ title|length }}</p></div>"), QStringLiteral("streams"));
        QVERIFY2(t.has_value(), qPrintable(t ? QString() : t.error().toString()));

        const QList<quint32> seeds = OracleSupport::seeds(16, 7919u);
        const int stepsPerRun = 40;

        QByteArray lines;
        int total = 0;
        for (quint32 seed : seeds) {
            Rng r(seed);
            StreamModel items{QStringLiteral("0"), QStringLiteral("items-"), {}, 1};
            StreamModel more{QStringLiteral("1"), QStringLiteral("more-"), {}, 1};
            ValueMap state;
            state.insert(QStringLiteral("title"), Value(QStringLiteral("Feed")));
            state.insert(QStringLiteral("show"), Value(true));
            RenderedTree prev;
            for (int step = 0; step < stepsPerRun; ++step) {
                QSet<QString> changed;
                QSet<QString> keptItems = items.ids(), keptMore = more.ids();
                if (step > 0 && r.chance(25)) {
                    state.insert(QStringLiteral("title"), Value(words[r.below(int(words.size()))]));
                    changed.insert(QStringLiteral("title"));
                }
                const bool wasShown = state.value(QStringLiteral("show")).isTruthy();
                if (step > 0 && r.chance(10)) {
                    state.insert(QStringLiteral("show"), Value(!wasShown));
                    changed.insert(QStringLiteral("show"));
                }
                const bool shown = state.value(QStringLiteral("show")).isTruthy();
                // some steps change only other assigns: the streams must not be sent again
                const bool streamStep = step == 0 || r.chance(75);
                const StreamBatch a = streamStep ? items.randomBatch(r, step == 0) : StreamBatch(items.ref, {}, {}, false);
                const StreamBatch b = streamStep ? more.randomBatch(r, step == 0 || !wasShown) : StreamBatch(more.ref, {}, {}, false);
                // a container that is re-created starts empty, as Phoenix's does
                if (!shown || !wasShown) {
                    keptMore.clear();
                    more.items.clear();
                }
                items.apply(a);
                if (shown)
                    more.apply(b);
                if (streamStep) {
                    state.insert(QStringLiteral("streams"), Value(ValueMap{{QStringLiteral("items"), batchValue(a)},
                                                                           {QStringLiteral("more"), batchValue(b)}}));
                    changed.insert(QStringLiteral("streams"));
                }
                // the nodes that must survive: not reset, not deleted (and inserted anew), not pruned
                for (auto [batch, kept] : {std::pair{&a, &keptItems}, std::pair{&b, &keptMore}}) {
                    if (batch->reset())
                        kept->clear();
                    for (const QString &id : batch->deletes())
                        kept->remove(id);
                }
                QSet<QString> kept = (keptItems & items.ids()) + (keptMore & more.ids());

                const TemplateContext ctx(state);
                // half of the steps take the partial re-render path, which must give the same result
                auto tree = (step > 0 && r.chance(50)) ? t->render(ctx, prev, changed) : t->render(ctx);
                QVERIFY2(tree.has_value(), qPrintable(tree ? QString() : tree.error().toString()));

                ValueMap full = state;
                full.insert(QStringLiteral("streams"), Value(ValueMap{{QStringLiteral("items"), items.asList()},
                                                                      {QStringLiteral("more"), more.asList()}}));
                const QByteArray html = t->renderHtml(TemplateContext(full)).value();

                lines += "{\"seed\":" + QByteArray::number(seed) + ",\"step\":" + QByteArray::number(step);
                lines += step == 0 ? ",\"join\":" + tree->toJson() : ",\"diff\":" + RenderedTree::diff(prev, *tree);
                lines += ",\"html\":" + jsonString(html) + ",\"kept\":[";
                bool first = true;
                for (const QString &id : std::as_const(kept)) {
                    lines += (first ? "" : ",") + jsonString(id.toUtf8());
                    first = false;
                }
                lines += "]}\n";
                prev = *tree;
                // after a render the view holds idle batches only (liveactor's views do the same)
                state.insert(QStringLiteral("streams"),
                             Value(ValueMap{{QStringLiteral("items"), batchValue(StreamBatch(items.ref, {}, {}, false))},
                                            {QStringLiteral("more"), batchValue(StreamBatch(more.ref, {}, {}, false))}}));
                ++total;
            }
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(QStringLiteral("steps.jsonl"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(lines);
        f.close();
        QProcess p;
        p.start(node, {QStringLiteral(LIVEACTOR_STREAM_ORACLE_SCRIPT), client, jsdom, file});
        QVERIFY(p.waitForFinished(120000));
        const QByteArray out = p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError();
        if (p.exitCode() != 0 || !out.startsWith("{\"ok\":"))
            QFAIL(qPrintable(QStringLiteral("stream oracle failed (rerun with LIVEACTOR_ORACLE_SEED=<seed>):\n%1\n%2")
                                 .arg(QString::fromUtf8(out), QString::fromUtf8(err))));
        qInfo("stream oracle: %d steps over %lld seeds: %s", total, qlonglong(seeds.size()), out.trimmed().constData());
    }
};

QTEST_GUILESS_MAIN(TestStreamOracle)
#include "tst_streamoracle.moc"
