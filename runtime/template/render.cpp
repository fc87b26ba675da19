// Rendering: evaluates a Compiled template's dynamics into a RenderedTree.

#include "template/compiled_p.h"
#include "template/template.h"
#include "template/escaping.h"

#include <QRegularExpression>

#include <charconv>
#include <cmath>

namespace LiveActor {

using namespace TemplateDetail;

namespace TemplateDetail {

struct LoopState
{
    qsizetype counter0 = 0;
    qsizetype length = 0;
    const LoopState *parent = nullptr;
};

struct Binding
{
    QString name;
    Value value;
    const LoopState *loop = nullptr;
    bool barrier = false;
};

struct RenderState
{
    const TemplateContext &ctx;
    std::vector<Binding> bindings;
    bool autoescape = true;
    QHash<const void *, qsizetype> cycles;
    std::optional<TemplateError> error;
    QDateTime now;
    std::shared_ptr<LoaderState> loader;
    int depth = 0;
    const LoopState *loop = nullptr;
    FilterEnv env;

    explicit RenderState(const TemplateContext &c) : ctx(c) { }

    void fail(const Node *n, TemplateError::Kind kind, const QString &msg)
    {
        if (!error)
            error = TemplateError{kind, n ? n->templateName : QString(), n ? n->line : 0, n ? n->column : 0, msg};
    }
    void failAt(const FilterExpr &e, const QString &tmpl, TemplateError::Kind kind, const QString &msg)
    {
        if (!error)
            error = TemplateError{kind, tmpl, e.line, e.column, msg};
    }

    void set(const QString &name, const Value &v)
    {
        for (auto it = bindings.rbegin(); it != bindings.rend(); ++it) {
            if (it->barrier)
                break;
            if (it->name == name && !it->loop) {
                it->value = v;
                return;
            }
        }
        bindings.push_back({name, v, nullptr, false});
    }
};

static Value loopValue(const LoopState *l)
{
    if (!l)
        return Value(ValueMap());
    ValueMap m;
    m.insert(QStringLiteral("parentloop"), loopValue(l->parent));
    m.insert(QStringLiteral("counter0"), Value(qint64(l->counter0)));
    m.insert(QStringLiteral("counter"), Value(qint64(l->counter0 + 1)));
    m.insert(QStringLiteral("revcounter"), Value(qint64(l->length - l->counter0)));
    m.insert(QStringLiteral("revcounter0"), Value(qint64(l->length - l->counter0 - 1)));
    m.insert(QStringLiteral("first"), Value(l->counter0 == 0));
    m.insert(QStringLiteral("last"), Value(l->counter0 == l->length - 1));
    return Value(m);
}

static std::optional<Value> loopField(const LoopState *l, const QString &f)
{
    if (f == u"counter") return Value(qint64(l->counter0 + 1));
    if (f == u"counter0") return Value(qint64(l->counter0));
    if (f == u"revcounter") return Value(qint64(l->length - l->counter0));
    if (f == u"revcounter0") return Value(qint64(l->length - l->counter0 - 1));
    if (f == u"first") return Value(l->counter0 == 0);
    if (f == u"last") return Value(l->counter0 == l->length - 1);
    if (f == u"parentloop") return loopValue(l->parent);
    return std::nullopt;
}

static std::optional<Value> resolveVar(const VarRef &v, RenderState &st)
{
    if (v.literal)
        return v.value;
    // Walk by pointer so a dotted lookup copies only the final value.
    static const Value trueValue(true), falseValue(false), noneValue;
    const Value *p = nullptr;
    Value holder;
    qsizetype pathStart = 0;
    bool hidden = false;
    bool found = false;
    for (auto it = st.bindings.rbegin(); it != st.bindings.rend(); ++it) {
        if (it->barrier) {
            hidden = true;
            break;
        }
        if (it->name == v.name) {
            found = true;
            if (it->loop) {
                if (!v.path.isEmpty()) {
                    auto f = loopField(it->loop, v.path[0]);
                    if (!f)
                        return std::nullopt;
                    holder = std::move(*f);
                    pathStart = 1;
                } else {
                    holder = loopValue(it->loop);
                }
                p = &holder;
            } else {
                p = &it->value;
            }
            break;
        }
    }
    if (!found) {
        p = hidden ? nullptr : st.ctx.find(v.name);
        if (!p) {
            if (v.name == u"True")
                p = &trueValue;
            else if (v.name == u"False")
                p = &falseValue;
            else if (v.name == u"None")
                p = &noneValue;
            else
                return std::nullopt;
        }
    }
    for (qsizetype i = pathStart; i < v.path.size(); ++i) {
        if (const ValueMap *m = p->map()) {
            if (const Value *f = m->find(v.path[i])) {
                p = f;
                continue;
            }
        }
        auto next = p->lookup(v.path[i]);
        if (!next)
            return std::nullopt;
        holder = std::move(*next);
        p = &holder;
    }
    return *p;
}

/// Django's FilterExpression.resolve. nullopt only when st.error was set.
static std::optional<Value> resolveExpr(const FilterExpr &e, RenderState &st, bool ignoreFailures,
                                        const QString &tmpl)
{
    std::optional<Value> v = resolveVar(e.base, st);
    Value obj;
    if (!v) {
        if (st.ctx.isStrict()) {
            st.failAt(e, tmpl, TemplateError::Kind::MissingVariable,
                      QStringLiteral("Variable '%1' does not exist").arg(e.base.text));
            return std::nullopt;
        }
        obj = ignoreFailures ? Value() : Value(QString());
    } else {
        obj = std::move(*v);
    }
    for (const FilterCall &f : e.filters) {
        Value argValue;
        if (f.hasArg) {
            auto a = resolveVar(f.arg, st);
            if (!a) {
                st.failAt(e, tmpl, TemplateError::Kind::MissingVariable,
                          QStringLiteral("Failed lookup for filter argument '%1' of '%2'").arg(f.arg.text, f.name));
                return std::nullopt;
            }
            argValue = std::move(*a);
        }
        st.env.autoescape = st.autoescape;
        const bool inputSafe = obj.isSafe();
        Value r = f.def->fn(obj, f.hasArg ? &argValue : nullptr, st.env);
        if (f.def->isSafe && inputSafe && !r.isSafe())
            r = Value::safe(r.toString());
        obj = std::move(r);
    }
    return obj;
}

static bool pyIn(const Value &x, const Value &container)
{
    if (container.isString())
        return x.isString() && container.toString().contains(x.toString());
    if (const ValueMap *m = container.map())
        return x.isString() && m->contains(x.toString());
    if (auto items = container.iterate()) {
        for (const Value &i : *items)
            if (i.equals(x))
                return true;
    }
    return false;
}

static bool isSame(const Value &a, const Value &b)
{
    // Python `is`: identity; meaningful for None, True, False
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case Value::Type::Null: return true;
    case Value::Type::Bool: return a.isTruthy() == b.isTruthy();
    case Value::Type::Object: return a.object() == b.object();
    case Value::Type::List: return a.list() == b.list();
    case Value::Type::Map: return a.map() == b.map();
    case Value::Type::Int: return a.toInt() == b.toInt() && a.toInt() >= -5 && a.toInt() <= 256;
    default: return false;
    }
}

static std::optional<Value> condValue(const Cond *c, RenderState &st, const QString &tmpl)
{
    if (c->op == Cond::Leaf)
        return resolveExpr(c->expr, st, true, tmpl);
    return Value(false);
}

static bool evalCond(const Cond *c, RenderState &st, const QString &tmpl)
{
    if (st.error)
        return false;
    switch (c->op) {
    case Cond::Leaf: {
        auto v = resolveExpr(c->expr, st, true, tmpl);
        return v && v->isTruthy();
    }
    case Cond::Or: return evalCond(c->a.get(), st, tmpl) || evalCond(c->b.get(), st, tmpl);
    case Cond::And: return evalCond(c->a.get(), st, tmpl) && evalCond(c->b.get(), st, tmpl);
    case Cond::Not: return !evalCond(c->a.get(), st, tmpl);
    default: break;
    }
    // binary comparison on operand values; a nested operator used as an operand yields its bool
    auto operand = [&](const Cond *x) -> Value {
        if (x->op == Cond::Leaf) {
            auto v = condValue(x, st, tmpl);
            return v ? *v : Value();
        }
        return Value(evalCond(x, st, tmpl));
    };
    const Value a = operand(c->a.get());
    const Value b = operand(c->b.get());
    switch (c->op) {
    case Cond::In: return pyIn(a, b);
    case Cond::NotIn: {
        if (!b.isString() && !b.map() && !b.iterate())
            return false; // TypeError → False
        return !pyIn(a, b);
    }
    case Cond::Is: return isSame(a, b);
    case Cond::IsNot: return !isSame(a, b);
    case Cond::Eq: return a.equals(b);
    case Cond::Ne: return !a.equals(b);
    case Cond::Lt: return a.lessThan(b).value_or(false);
    case Cond::Gt: return b.lessThan(a).value_or(false);
    case Cond::Le: {
        auto lt = a.lessThan(b);
        return lt && (*lt || a.equals(b));
    }
    case Cond::Ge: {
        auto gt = b.lessThan(a);
        return gt && (*gt || a.equals(b));
    }
    default: return false;
    }
}

void renderOps(const std::vector<const Node *> &ops, RenderState &st, DynList &out);

static std::shared_ptr<const RNode> renderBlock(const Block &b, RenderState &st)
{
    auto node = std::make_shared<RNode>();
    node->statics = b.statics;
    node->dyns.reserve(size_t(b.statics->parts.size() - 1));
    renderOps(b.ops, st, node->dyns);
    return node;
}

static QByteArray outputBytes(const Value &v, bool autoescape)
{
    QByteArray out;
    appendValueOutput(out, v, autoescape);
    return out;
}

static LoopKey loopKey(const Value &v)
{
    LoopKey k;
    switch (v.type()) {
    case Value::Type::Int: k.number = v.toInt(); break;
    case Value::Type::Null: k.bytes = "n"; break;
    default: k.bytes = 's' + v.toString().toUtf8();
    }
    return k;
}

static bool sameItem(const Value &a, const Value &b)
{
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case Value::Type::Map: return a.map() == b.map();
    case Value::Type::List: return a.list() == b.list();
    case Value::Type::Object: return false; // a Python object may have changed in place
    default: return a.equals(b);
    }
}

static void renderFor(const ForNode *f, RenderState &st, DynList &out, const RComp *prev = nullptr)
{
    const QString &tmpl = f->templateName;
    auto seqv = resolveExpr(f->sequence, st, true, tmpl);
    if (!seqv)
        return;
    std::optional<ValueList> itemsOpt;
    if (seqv->isNull())
        itemsOpt = ValueList();
    else
        itemsOpt = seqv->iterate();
    if (!itemsOpt) {
        st.fail(f, TemplateError::Kind::Render,
                QStringLiteral("'%1' object is not iterable").arg(f->sequence.base.text));
        return;
    }
    const ValueList &items = *itemsOpt;
    const qsizetype n = items.size();
    if (n == 0 && f->hasEmpty) {
        out.push_back(Dyn{QByteArray(), renderBlock(f->emptyBlock, st), nullptr});
        return;
    }
    if (prev && (!f->memoizable || prev->statics != f->bodyBlock.statics))
        prev = nullptr;
    auto comp = std::make_shared<RComp>();
    comp->statics = f->bodyBlock.statics;
    comp->entries.resize(size_t(n));
    const size_t base = st.bindings.size();
    LoopState loop;
    loop.length = n;
    loop.parent = st.loop;
    st.bindings.push_back({QStringLiteral("forloop"), Value(), &loop, false});
    for (const QString &v : f->loopVars)
        st.bindings.push_back({v, Value(), nullptr, false});
    const LoopState *savedLoop = st.loop;
    st.loop = &loop;
    const qsizetype nvars = f->loopVars.size();
    const size_t dynCount = size_t(f->bodyBlock.statics->parts.size() - 1);
    for (qsizetype i = 0; i < n && !st.error; ++i) {
        const Value &item = items[f->reversed ? n - 1 - i : i];
        if (prev && size_t(i) < prev->entries.size() && sameItem(prev->entries[size_t(i)]->item, item)) {
            // the body reads only this item, and it is the same immutable value: reuse the entry
            comp->entries[size_t(i)] = prev->entries[size_t(i)];
            continue;
        }
        loop.counter0 = i;
        if (nvars == 1) {
            st.bindings[base + 1].value = item;
        } else {
            auto parts = item.iterate();
            const qsizetype len = parts ? parts->size() : 1;
            if (len != nvars) {
                st.fail(f, TemplateError::Kind::Render,
                        QStringLiteral("Need %1 values to unpack in for loop; got %2. ").arg(nvars).arg(len));
                break;
            }
            for (qsizetype k = 0; k < nvars; ++k)
                st.bindings[base + 1 + size_t(k)].value = (*parts)[k];
        }
        auto e = std::make_shared<REntry>();
        e->dyns.reserve(dynCount);
        renderOps(f->bodyBlock.ops, st, e->dyns);
        if (f->hasKey) {
            // duplicate keys are allowed; the diff never moves one old entry to two places
            auto k = resolveExpr(f->key, st, true, f->templateName);
            e->key = k ? loopKey(*k) : LoopKey{0, QByteArray("n")};
        } else {
            e->key.number = i;
        }
        if (f->memoizable)
            e->item = item;
        comp->entries[size_t(i)] = std::move(e);
    }
    st.loop = savedLoop;
    st.bindings.resize(base);
    out.push_back(Dyn{QByteArray(), nullptr, std::move(comp)});
}

QDateTime FilterEnv::now() const
{
    if (!cachedNow.isValid())
        cachedNow = (context && context->now().isValid()) ? context->now() : QDateTime::currentDateTime();
    return cachedNow;
}

static QString nowString(RenderState &st, const QString &format)
{
    return formatDate(st.env.now(), format);
}

static qint64 pyRound(double x)
{
    // Python's round(): half to even
    const double r = std::nearbyint(x);
    return qint64(r);
}

static void renderOne(const Node *node, RenderState &st, DynList &out)
{
    const QString &tmpl = node->templateName;
    switch (node->kind) {
    case NodeKind::Var: {
        auto v = static_cast<const VarNode *>(node);
        auto val = resolveExpr(v->expr, st, false, tmpl);
        out.push_back(Dyn{val ? outputBytes(*val, st.autoescape) : QByteArray(), nullptr, nullptr});
        return;
    }
    case NodeKind::If: {
        auto f = static_cast<const IfNode *>(node);
        for (size_t i = 0; i < f->conds.size(); ++i) {
            if (!f->conds[i] || evalCond(f->conds[i].get(), st, tmpl)) {
                out.push_back(Dyn{QByteArray(), renderBlock(f->blocks[i], st), nullptr});
                return;
            }
        }
        out.push_back(Dyn{});
        return;
    }
    case NodeKind::For:
        renderFor(static_cast<const ForNode *>(node), st, out);
        return;
    case NodeKind::With: {
        auto w = static_cast<const WithNode *>(node);
        std::vector<Binding> values;
        for (const auto &[name, e] : w->bindings) {
            auto v = resolveExpr(e, st, false, tmpl);
            values.push_back({name, v ? *v : Value(), nullptr, false});
        }
        const size_t base = st.bindings.size();
        for (auto &b : values)
            st.bindings.push_back(std::move(b));
        renderOps(w->ops, st, out);
        st.bindings.resize(base);
        return;
    }
    case NodeKind::Autoescape: {
        auto a = static_cast<const AutoescapeNode *>(node);
        const bool saved = st.autoescape;
        st.autoescape = a->on;
        renderOps(a->ops, st, out);
        st.autoescape = saved;
        return;
    }
    case NodeKind::Include: {
        auto inc = static_cast<const IncludeNode *>(node);
        std::vector<Binding> values;
        for (const auto &[name, e] : inc->bindings) {
            auto v = resolveExpr(e, st, false, tmpl);
            values.push_back({name, v ? *v : Value(), nullptr, false});
        }
        const size_t base = st.bindings.size();
        if (inc->only)
            st.bindings.push_back({QString(), Value(), nullptr, true});
        for (auto &b : values)
            st.bindings.push_back(std::move(b));
        auto savedCycles = std::exchange(st.cycles, {});
        if (inc->literal) {
            renderOps(inc->ops, st, out);
        } else {
            auto nameValue = resolveExpr(inc->name, st, false, tmpl);
            std::shared_ptr<const Compiled> compiled;
            if (nameValue && !st.error) {
                const QString name = nameValue->toString();
                if (!st.loader) {
                    st.fail(node, TemplateError::Kind::NotFound, QStringLiteral("template '%1' not found (no loader)").arg(name));
                } else if (st.depth > 64) {
                    st.fail(node, TemplateError::Kind::Render, QStringLiteral("include recursion too deep"));
                } else {
                    auto c = loadCompiled(st.loader, name);
                    if (!c) {
                        TemplateError e = c.error();
                        if (e.line == 0) { // not found: report where the include is
                            e.templateName = node->templateName;
                            e.line = node->line;
                            e.column = node->column;
                        }
                        st.error = e;
                    } else {
                        compiled = *c;
                    }
                }
            }
            if (compiled && !st.error) {
                ++st.depth;
                out.push_back(Dyn{QByteArray(), renderBlock(compiled->top, st), nullptr});
                --st.depth;
            } else {
                out.push_back(Dyn{});
            }
        }
        st.cycles = std::move(savedCycles);
        st.bindings.resize(base);
        return;
    }
    case NodeKind::Cycle: {
        auto c = static_cast<const CycleNode *>(node);
        const CycleNode *src = c->shared ? c->shared : c;
        qsizetype &idx = st.cycles[src];
        const FilterExpr &e = src->values[size_t(idx % qsizetype(src->values.size()))];
        ++idx;
        auto v = resolveExpr(e, st, false, tmpl);
        if (!v)
            return;
        if (!src->asName.isEmpty())
            st.set(src->asName, *v);
        if (!(c->silent || (c->shared && c->shared->silent)))
            out.push_back(Dyn{outputBytes(*v, st.autoescape), nullptr, nullptr});
        return;
    }
    case NodeKind::Firstof: {
        auto f = static_cast<const FirstofNode *>(node);
        QByteArray text;
        for (const auto &e : f->values) {
            auto v = resolveExpr(e, st, true, tmpl);
            if (v && v->isTruthy()) {
                text = outputBytes(*v, st.autoescape);
                break;
            }
        }
        if (!f->asName.isEmpty())
            st.set(f->asName, Value::safe(QString::fromUtf8(text)));
        else
            out.push_back(Dyn{text, nullptr, nullptr});
        return;
    }
    case NodeKind::Now: {
        auto f = static_cast<const NowNode *>(node);
        const QString s = nowString(st, f->format);
        if (!f->asName.isEmpty())
            st.set(f->asName, Value(s));
        else
            out.push_back(Dyn{outputBytes(Value(s), st.autoescape), nullptr, nullptr});
        return;
    }
    case NodeKind::Csrf: {
        const QString token = st.ctx.csrfToken();
        QByteArray html;
        if (!token.isEmpty() && token != u"NOTPROVIDED") {
            html = "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"";
            appendHtmlEscaped(html, token);
            html += "\">";
        }
        out.push_back(Dyn{html, nullptr, nullptr});
        return;
    }
    case NodeKind::Widthratio: {
        auto w = static_cast<const WidthratioNode *>(node);
        auto v = resolveExpr(w->value, st, false, tmpl);
        auto m = resolveExpr(w->maxValue, st, false, tmpl);
        auto mw = resolveExpr(w->maxWidth, st, false, tmpl);
        if (!v || !m || !mw)
            return;
        QString result;
        auto toNum = [](const Value &x, bool *ok) -> double {
            if (x.isNumber() || x.type() == Value::Type::Bool) {
                *ok = true;
                return x.toDouble();
            }
            if (x.isString())
                return x.toString().trimmed().toDouble(ok);
            *ok = false;
            return 0;
        };
        bool okW = false;
        qint64 maxWidth = 0;
        if (mw->type() == Value::Type::Int || mw->type() == Value::Type::Bool) {
            maxWidth = mw->toInt();
            okW = true;
        } else if (mw->type() == Value::Type::Float) {
            maxWidth = mw->toInt();
            okW = true;
        } else if (mw->isString()) {
            maxWidth = mw->toString().trimmed().toLongLong(&okW);
        }
        if (!okW) {
            st.fail(node, TemplateError::Kind::Render, QStringLiteral("widthratio final argument must be a number"));
            return;
        }
        bool ok1 = false, ok2 = false;
        const double value = toNum(*v, &ok1);
        const double maxValue = toNum(*m, &ok2);
        if (ok1 && ok2) {
            if (maxValue == 0)
                result = QStringLiteral("0");
            else
                result = QString::number(pyRound(value / maxValue * double(maxWidth)));
        }
        if (!w->asName.isEmpty())
            st.set(w->asName, Value(result));
        else
            out.push_back(Dyn{result.toUtf8(), nullptr, nullptr});
        return;
    }
    case NodeKind::LiveComponent: {
        auto c = static_cast<const LiveComponentNode *>(node);
        const ComponentResolver &resolver = st.ctx.componentResolver();
        if (!resolver) {
            st.fail(node, TemplateError::Kind::Render,
                    QStringLiteral("live_component %1: components render only inside a live view").arg(c->component));
            return;
        }
        ValueMap assigns;
        for (const auto &[name, expr] : c->assigns) {
            auto v = resolveExpr(expr, st, false, tmpl);
            if (!v)
                return;
            assigns.insert(name, *v);
        }
        auto rendered = resolver(c->component, assigns);
        if (!rendered) {
            const TemplateError &e = rendered.error();
            // the component's own template error keeps its position; others point at the tag
            if (!e.templateName.isEmpty() && !st.error)
                st.error = e;
            else
                st.fail(node, e.kind, e.message);
            return;
        }
        out.push_back(Dyn{{}, rendered->tree.root(), nullptr, rendered->cid});
        return;
    }
    case NodeKind::Spaceless: {
        auto s = static_cast<const SpacelessNode *>(node);
        auto n = renderBlock(s->block, st);
        QByteArray html;
        appendHtml(html, *n);
        QString text = QString::fromUtf8(html).trimmed();
        thread_local const QRegularExpression re(QStringLiteral(">\\s+<"), QRegularExpression::UseUnicodePropertiesOption);
        text.replace(re, QStringLiteral("><"));
        out.push_back(Dyn{text.toUtf8(), nullptr, nullptr});
        return;
    }
    case NodeKind::BlockSuper: {
        auto s = static_cast<const BlockSuperNode *>(node);
        auto n = renderBlock(s->block, st);
        QByteArray html;
        appendHtml(html, *n);
        Value obj = Value::safe(QString::fromUtf8(html));
        for (const FilterCall &f : s->expr.filters) {
            Value argValue;
            if (f.hasArg) {
                auto a = resolveVar(f.arg, st);
                argValue = a ? *a : Value();
            }
            st.env.autoescape = st.autoescape;
            const bool inputSafe = obj.isSafe();
            Value r = f.def->fn(obj, f.hasArg ? &argValue : nullptr, st.env);
            if (f.def->isSafe && inputSafe && !r.isSafe())
                r = Value::safe(r.toString());
            obj = std::move(r);
        }
        out.push_back(Dyn{outputBytes(obj, st.autoescape), nullptr, nullptr});
        return;
    }
    case NodeKind::Text:
    case NodeKind::Block:
    case NodeKind::Extends:
        return;
    }
}

void renderOps(const std::vector<const Node *> &ops, RenderState &st, DynList &out)
{
    for (const Node *n : ops) {
        if (st.error)
            return;
        renderOne(n, st, out);
    }
}

} // namespace TemplateDetail

// ---- Template ----

Template::Template(std::shared_ptr<const Compiled> compiled) : m_compiled(std::move(compiled)) { }

TemplateResult<Template> Template::compile(const QString &source, const QString &name)
{
    auto c = compileTemplate(source, name, nullptr, QString());
    if (!c)
        return std::unexpected(c.error());
    return Template(*c);
}

QString Template::name() const
{
    return m_compiled ? m_compiled->name : QString();
}

static TemplateResult<RenderedTree> renderImpl(const Compiled &c, const TemplateContext &context,
                                               const RenderedTree *previous, const QSet<QString> *changed)
{
    RenderState st(context);
    st.autoescape = context.autoescape();
    st.loader = c.loader.lock();
    st.env.context = &context;
    auto node = std::make_shared<RNode>();
    node->statics = c.top.statics;
    node->templateId = &c;
    const size_t dynCount = size_t(c.top.statics->parts.size() - 1);
    node->dyns.reserve(dynCount);
    const RNode *prev = (previous && previous->root() && previous->root()->templateId == &c
                         && size_t(previous->root()->dyns.size()) == dynCount)
        ? previous->root().get() : nullptr;
    const auto &ops = c.top.ops;
    for (size_t i = 0; i < ops.size(); ++i) {
        if (st.error)
            break;
        if (prev && changed) {
            const QSet<QString> &deps = c.opDeps[i];
            if (!deps.contains(QStringLiteral("*")) && !deps.intersects(*changed)) {
                const size_t at = node->dyns.size();
                for (int k = 0; k < c.opDynCount[i]; ++k)
                    node->dyns.push_back(prev->dyns[at + size_t(k)]);
                continue;
            }
        }
        if (prev && ops[i]->kind == NodeKind::For && prev->dyns[node->dyns.size()].comp) {
            // a changed list: entries whose items are unchanged are reused
            renderFor(static_cast<const ForNode *>(ops[i]), st, node->dyns, prev->dyns[node->dyns.size()].comp.get());
            continue;
        }
        renderOne(ops[i], st, node->dyns);
    }
    if (st.error)
        return std::unexpected(*st.error);
    return RenderedTree(std::move(node));
}

TemplateResult<RenderedTree> Template::render(const TemplateContext &context) const
{
    if (!m_compiled)
        return std::unexpected(TemplateError{TemplateError::Kind::Render, {}, 0, 0, QStringLiteral("null template")});
    return renderImpl(*m_compiled, context, nullptr, nullptr);
}

TemplateResult<RenderedTree> Template::render(const TemplateContext &context, const RenderedTree &previous,
                                              const QSet<QString> &changedAssigns) const
{
    if (!m_compiled)
        return std::unexpected(TemplateError{TemplateError::Kind::Render, {}, 0, 0, QStringLiteral("null template")});
    return renderImpl(*m_compiled, context, &previous, &changedAssigns);
}

TemplateResult<QByteArray> Template::renderHtml(const TemplateContext &context) const
{
    auto t = render(context);
    if (!t)
        return std::unexpected(t.error());
    return t->toHtml();
}

QSet<QString> Template::dependencies() const
{
    return m_compiled ? m_compiled->deps : QSet<QString>();
}

QList<QSet<QString>> Template::dynamicDependencies() const
{
    QList<QSet<QString>> out;
    if (!m_compiled)
        return out;
    for (size_t i = 0; i < m_compiled->opDeps.size(); ++i)
        for (int k = 0; k < m_compiled->opDynCount[i]; ++k)
            out.append(m_compiled->opDeps[i]);
    return out;
}

QStringList Template::sourceFiles() const
{
    return m_compiled ? m_compiled->files : QStringList();
}

} // namespace LiveActor
