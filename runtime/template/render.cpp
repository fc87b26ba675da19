// Rendering: evaluates a Compiled template's dynamics into a RenderedTree.

#include "template/compiled_p.h"
#include "template/library_p.h"
#include "template/template.h"
#include "template/escaping.h"
#include "template/stream.h"

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
    /// `{% ifchanged %}` state: what each ifchanged in this loop saw last (Django keeps it in the
    /// forloop dict, so it starts afresh each time the loop runs).
    mutable QHash<const Node *, Value> ifchanged;
};

struct Binding
{
    QString name;
    Value value;
    const LoopState *loop = nullptr;
    bool barrier = false;
    /// The first binding of a tag's scope (Django's context.push(): for, with, include, filter).
    bool scope = false;
};

struct RenderState
{
    const TemplateContext &ctx;
    std::vector<Binding> bindings;
    bool autoescape = true;
    QHash<const void *, qsizetype> cycles;
    QHash<const Node *, Value> ifchangedOutsideLoops; ///< per template, like cycles
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

    /// Django's `context[name] = v` (`… as name`): sets the name in the innermost scope, so it is
    /// gone when that scope (a loop, a with, an include) ends. upward: Django's set_upward (the
    /// cycle tag), which updates the name in whichever scope already has it.
    void set(const QString &name, const Value &v, bool upward = false)
    {
        for (auto it = bindings.rbegin(); it != bindings.rend(); ++it) {
            if (it->barrier)
                break;
            if (it->name == name && !it->loop) {
                it->value = v;
                return;
            }
            if (it->scope && !upward)
                break;
        }
        bindings.push_back({name, v, nullptr, false});
    }

    /// Starts a scope that has no binding of its own (a with/include without names).
    void pushScopeMarker() { bindings.push_back({QString(), Value(), nullptr, false, true}); }
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

static std::optional<Value> translateVar(const VarRef &v, RenderState &st);

static std::optional<Value> resolveVar(const VarRef &v, RenderState &st)
{
    if (v.translate) [[unlikely]]
        return translateVar(v, st);
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

static std::optional<Value> resolveExpr(const FilterExpr &e, RenderState &st, bool ignoreFailures,
                                        const QString &tmpl);

/// Django's Variable.resolve with translate set (`_("…")`, `{% translate %}`): the value is the
/// msgid, with `%` doubled as Django does before the catalog lookup.
static std::optional<Value> translateVar(const VarRef &v, RenderState &st)
{
    VarRef plain = v;
    plain.translate = false;
    auto value = resolveVar(plain, st);
    if (!value || !value->isString())
        return value;
    TranslationRequest req;
    VarRef language;
    language.name = QStringLiteral("language");
    if (auto l = resolveVar(language, st); l && l->isString())
        req.language = l->toString();
    if (v.messageContext) {
        auto c = resolveExpr(*v.messageContext, st, false, {});
        req.context = c ? c->toString() : QString();
    }
    req.singular = value->toString().replace(QStringLiteral("\r\n"), QStringLiteral("\n")).replace(u'\r', u'\n')
                       .replace(u'%', QStringLiteral("%%"));
    const QString out = TemplateLibraries::translate(req);
    return value->isSafe() ? Value::safe(out) : Value(out);
}

/// One filter of a chain: a built-in's function or a loaded library's (which may fail).
static std::optional<Value> applyFilter(const FilterCall &f, const Value &obj, const Value *arg, RenderState &st,
                                        const FilterExpr &e, const QString &tmpl)
{
    st.env.autoescape = st.autoescape;
    const bool inputSafe = obj.isSafe();
    Value r;
    if (f.custom) [[unlikely]] {
        auto out = f.custom->call(obj, arg, st.autoescape);
        if (!out) {
            st.failAt(e, tmpl, TemplateError::Kind::Render,
                      QStringLiteral("filter '%1' raised: %2").arg(f.name, out.error().message));
            return std::nullopt;
        }
        r = std::move(*out);
    } else {
        r = f.def->fn(obj, arg, st.env);
    }
    if ((f.custom ? f.custom->isSafe : f.def->isSafe) && inputSafe && !r.isSafe())
        r = Value::safe(r.toString());
    return r;
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
        auto r = applyFilter(f, obj, f.hasArg ? &argValue : nullptr, st, e, tmpl);
        if (!r)
            return std::nullopt;
        obj = std::move(*r);
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
    const auto *stream = seqv->type() == Value::Type::Object ? dynamic_cast<const StreamBatch *>(seqv->object()) : nullptr;
    if (n == 0 && f->hasEmpty && !stream) {
        out.push_back(Dyn{QByteArray(), renderBlock(f->emptyBlock, st), nullptr});
        return;
    }
    if (prev && (!f->memoizable || prev->statics != f->bodyBlock.statics || stream))
        prev = nullptr; // a stream's items are new every time: nothing to reuse
    auto comp = std::make_shared<RComp>();
    comp->statics = f->bodyBlock.statics;
    if (stream) {
        comp->stream = true;
        comp->streamRef = stream->ref();
        if (stream->hasOperations())
            comp->streamTuple = stream->wireTuple();
    }
    comp->entries.resize(size_t(n));
    const size_t base = st.bindings.size();
    LoopState loop;
    loop.length = n;
    loop.parent = st.loop;
    st.bindings.push_back({QStringLiteral("forloop"), Value(), &loop, false, true});
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
        if (f->memoizable && !stream)
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

/// Django's WidthRatioNode: str(round(value / max_value * max_width)); '0' when dividing by
/// zero, '' when a value is not a number or the ratio is not finite.
static QString widthratio(const Value &v, const Value &maxValue, double maxWidth)
{
    const auto value = pythonFloat(v);
    const auto max = pythonFloat(maxValue);
    if (!value || !max)
        return QString();
    if (*max == 0)
        return QStringLiteral("0");
    const double ratio = *value / *max * maxWidth;
    return std::isfinite(ratio) ? pythonRoundToString(ratio) : QString();
}

/// The template an `include` names: a name, or (Django's select_template) a list of names of
/// which the first that exists is used. Sets st.error when none is found.
static std::shared_ptr<const Compiled> selectTemplate(const Value &nameValue, const Node *node, RenderState &st)
{
    QStringList names;
    if (nameValue.isString() || !nameValue.list()) {
        names.append(nameValue.toString());
    } else {
        for (const Value &v : *nameValue.list())
            names.append(v.toString());
    }
    if (names.isEmpty()) {
        st.fail(node, TemplateError::Kind::NotFound, QStringLiteral("No template names provided"));
        return nullptr;
    }
    std::optional<TemplateError> firstError;
    for (const QString &name : names) {
        auto c = loadCompiled(st.loader, name);
        if (c)
            return *c;
        if (c.error().kind != TemplateError::Kind::NotFound || c.error().line != 0) {
            st.error = c.error(); // a syntax error in a template that exists
            return nullptr;
        }
        if (!firstError)
            firstError = c.error();
    }
    TemplateError e = *firstError;
    if (names.size() > 1)
        e.message = QStringLiteral("none of the templates %1 was found").arg(names.join(QStringLiteral(", ")));
    e.templateName = node->templateName; // not found: report where the include is
    e.line = node->line;
    e.column = node->column;
    st.error = e;
    return nullptr;
}

// ---- tags: ifchanged, regroup, resetcycle, lorem, filter, extends with a variable ----

/// Where an ifchanged keeps its last value: the innermost visible loop, else the template.
static Value &ifchangedState(const Node *node, RenderState &st, bool *fresh)
{
    for (auto it = st.bindings.rbegin(); it != st.bindings.rend(); ++it) {
        if (it->barrier)
            break;
        if (it->name == u"forloop" && it->loop) {
            *fresh = !it->loop->ifchanged.contains(node);
            return it->loop->ifchanged[node];
        }
    }
    *fresh = !st.ifchangedOutsideLoops.contains(node);
    return st.ifchangedOutsideLoops[node];
}

static void renderIfChanged(const IfChangedNode *c, RenderState &st, DynList &out)
{
    bool fresh = false;
    Value &last = ifchangedState(c, st, &fresh);
    std::shared_ptr<const RNode> shown;
    Value now;
    if (c->values.empty()) {
        // compares the rendered body, which is therefore always rendered
        shown = renderBlock(c->block, st);
        QByteArray html;
        appendHtml(html, *shown);
        now = Value(QString::fromUtf8(html));
    } else {
        ValueList values;
        for (const FilterExpr &e : c->values) {
            auto v = resolveExpr(e, st, true, c->templateName);
            values.append(v ? *v : Value());
        }
        now = Value(values);
    }
    if (st.error)
        return;
    if (fresh || !now.equals(last)) {
        last = now;
        // Django renders an empty body a second time (`output or render()`); cycles inside see it
        if (!shown || now.toString().isEmpty())
            shown = renderBlock(c->block, st);
        out.push_back(Dyn{QByteArray(), std::move(shown), nullptr});
    } else if (!c->elseBody.empty()) {
        out.push_back(Dyn{QByteArray(), renderBlock(c->elseBlock, st), nullptr});
    } else {
        out.push_back(Dyn{});
    }
}

/// Django's GroupedResult namedtuple: `.grouper`, `.list`, `.0`, `.1`, unpacking, its repr.
class GroupedResult final : public LazyObject
{
public:
    GroupedResult(Value grouper, ValueList list) : m_grouper(std::move(grouper)), m_list(std::move(list)) { }
    std::optional<Value> attribute(const QString &name) const override
    {
        if (name == u"grouper" || name == u"0")
            return m_grouper;
        if (name == u"list" || name == u"1")
            return m_list;
        return std::nullopt;
    }
    std::optional<QList<Value>> iterate() const override { return QList<Value>{m_grouper, m_list}; }
    QString toString() const override
    {
        return QStringLiteral("GroupedResult(grouper=%1, list=%2)").arg(m_grouper.toRepr(), m_list.toRepr());
    }

private:
    Value m_grouper, m_list;
};

static void renderRegroup(const RegroupNode *r, RenderState &st)
{
    auto target = resolveExpr(r->target, st, true, r->templateName);
    if (!target)
        return;
    if (target->isNull()) {
        st.set(r->asName, Value(ValueList()));
        return;
    }
    auto items = target->iterate();
    if (!items) {
        st.fail(r, TemplateError::Kind::Render, QStringLiteral("'regroup' needs a list: '%1' is not iterable").arg(r->target.base.text));
        return;
    }
    ValueList groups;
    Value key;
    ValueList members;
    for (qsizetype i = 0; i < items->size(); ++i) {
        st.set(r->asName, (*items)[i]); // as Django: the key expression reads `name.attr`
        auto k = resolveExpr(r->expr, st, true, r->templateName);
        if (st.error)
            return;
        Value kv = k ? *k : Value();
        if (i > 0 && !kv.equals(key)) {
            groups.append(Value(std::make_shared<const GroupedResult>(key, members)));
            members.clear();
        }
        key = kv;
        members.append((*items)[i]);
    }
    if (!items->isEmpty())
        groups.append(Value(std::make_shared<const GroupedResult>(key, members)));
    st.set(r->asName, Value(groups));
}

static void renderLorem(const LoremNode *l, RenderState &st, DynList &out)
{
    auto count = resolveExpr(l->count, st, false, l->templateName);
    if (!count)
        return;
    // Django: int(count), 1 when int() raises
    out.push_back(Dyn{loremText(pythonInt(*count).value_or(1), l->method, l->common).toUtf8(), nullptr, nullptr});
}

static void renderFilterBlock(const FilterBlockNode *f, RenderState &st, DynList &out)
{
    auto body = renderBlock(f->block, st);
    QByteArray html;
    appendHtml(html, *body);
    st.bindings.push_back({QStringLiteral("var"), Value::safe(QString::fromUtf8(html)), nullptr, false, true});
    auto v = resolveExpr(f->expr, st, false, f->templateName);
    st.bindings.pop_back();
    // the result is printed with str(), never escaped (Django's NodeList.render)
    out.push_back(Dyn{v ? v->toString().toUtf8() : QByteArray(), nullptr, nullptr});
}

/// `{% extends variable %}`: this template recompiled with the resolved parent name (cached per
/// name on the node; a changed file is recompiled in dev mode, as for loaded templates).
static std::shared_ptr<const Compiled> derivedTemplate(const ExtendsNode *ext, const QString &parent, RenderState &st)
{
    bool devMode = false;
    {
        QMutexLocker lock(&st.loader->mutex);
        devMode = st.loader->devMode;
    }
    {
        QMutexLocker lock(&ext->mutex);
        auto it = ext->derived.constFind(parent);
        if (it != ext->derived.constEnd()
            && (!devMode || LoaderState::fileTimes(it->compiled->files) == it->mtimes))
            return it->compiled;
    }
    auto c = compileTemplate(ext->source, ext->templateName, st.loader, QString(), parent);
    if (!c) {
        st.error = c.error();
        return nullptr;
    }
    QMutexLocker lock(&ext->mutex);
    ext->derived.insert(parent, ExtendsNode::Derived{*c, LoaderState::fileTimes((*c)->files)});
    return *c;
}

/// A compiled template's top block. With prev (the previous render of the same template) and
/// changed (the assigns changed since), ops whose dependencies are unchanged are copied from prev.
std::shared_ptr<RNode> renderTop(const Compiled &c, RenderState &st, const RNode *prev, const QSet<QString> *changed);

static void renderDynamicExtends(const ExtendsNode *ext, RenderState &st, DynList &out,
                                 const RNode *prev = nullptr, const QSet<QString> *changed = nullptr)
{
    auto v = resolveExpr(ext->parent, st, false, ext->templateName);
    if (!v)
        return;
    if (!v->isTruthy()) {
        st.fail(ext, TemplateError::Kind::Render,
                QStringLiteral("Invalid template name in 'extends' tag: %1. Got this from the '%2' variable.")
                    .arg(v->toRepr(), ext->parent.base.text));
        return;
    }
    if (!st.loader) {
        st.fail(ext, TemplateError::Kind::NotFound, QStringLiteral("template '%1' not found (no loader)").arg(v->toString()));
        return;
    }
    auto derived = derivedTemplate(ext, v->toString(), st);
    if (!derived)
        return;
    out.push_back(Dyn{QByteArray(), renderTop(*derived, st, prev, changed), nullptr});
}

/// Django's strip_spaces_between_tags(output.strip()): `>\s+<` becomes `><`.
static QString spaceless(const QString &in)
{
    const QString text = pythonStrip(in);
    const qsizetype e = text.size();
    QString out;
    out.reserve(e);
    for (qsizetype i = 0; i < e; ++i) {
        out += text[i];
        if (text[i] != u'>')
            continue;
        qsizetype j = i + 1;
        while (j < e && isPythonSpace(text[j]))
            ++j;
        if (j > i + 1 && j < e && text[j] == u'<')
            i = j - 1; // drop the run of spaces
    }
    return out;
}

static void failBlockSuper(const Node *node, RenderState &st)
{
    st.fail(node, TemplateError::Kind::Render,
            QStringLiteral("'block.super' in a template that extends no other. Did you use {{ block.super }} in a base template?"));
}

/// The renderer as library nodes see it (library_p.h).
class LibraryRender final : public RenderApi
{
public:
    LibraryRender(RenderState &st, const Node *node) : m_st(st), m_node(node) { }

    std::optional<Value> resolve(const FilterExpr &e, bool ignoreFailures) override
    {
        return resolveExpr(e, m_st, ignoreFailures, m_node->templateName);
    }
    std::optional<Value> lookup(const QString &name) override
    {
        VarRef r;
        r.name = name;
        return resolveVar(r, m_st);
    }
    bool autoescape() const override { return m_st.autoescape; }
    void set(const QString &name, const Value &v) override { m_st.set(name, v); }
    void push(const std::vector<std::pair<QString, Value>> &vars) override
    {
        m_marks.push_back(m_st.bindings.size());
        for (const auto &[k, v] : vars)
            m_st.bindings.push_back({k, v, nullptr, false});
    }
    void pop() override
    {
        m_st.bindings.resize(m_marks.back());
        m_marks.pop_back();
    }
    void renderOps(const std::vector<const Node *> &ops, DynList &out) override { TemplateDetail::renderOps(ops, m_st, out); }
    void fail(const QString &message) override { m_st.fail(m_node, TemplateError::Kind::Render, message); }
    bool failed() const override { return m_st.error.has_value(); }
    ValueMap visibleVariables() override
    {
        ValueMap out = m_st.ctx.assigns();
        qsizetype from = 0; // bindings above the innermost barrier (`include … only`)
        for (qsizetype i = qsizetype(m_st.bindings.size()) - 1; i >= 0; --i)
            if (m_st.bindings[size_t(i)].barrier) {
                out = ValueMap();
                from = i + 1;
                break;
            }
        for (size_t i = size_t(from); i < m_st.bindings.size(); ++i) {
            const Binding &b = m_st.bindings[i];
            if (!b.name.isEmpty()) // a scope marker binds nothing
                out.insert(b.name, b.loop ? loopValue(b.loop) : b.value);
        }
        return out;
    }
    std::shared_ptr<const RNode> renderTemplate(const QString &name, const ValueMap &vars) override
    {
        if (!m_st.loader) {
            m_st.fail(m_node, TemplateError::Kind::NotFound, QStringLiteral("template '%1' not found (no loader)").arg(name));
            return nullptr;
        }
        if (m_st.depth > 64) {
            m_st.fail(m_node, TemplateError::Kind::Render, QStringLiteral("include recursion too deep"));
            return nullptr;
        }
        auto c = loadCompiled(m_st.loader, name);
        if (!c) {
            TemplateError e = c.error();
            if (e.line == 0) {
                e.templateName = m_node->templateName;
                e.line = m_node->line;
                e.column = m_node->column;
            }
            m_st.error = e;
            return nullptr;
        }
        // Django's context.new(): the returned variables only, same autoescape and csrf token —
        // and the same active language (Django's is per thread, ours is the `language` variable)
        const TemplateContext &outer = m_st.ctx;
        TemplateContext ctx(vars);
        if (auto language = lookup(QStringLiteral("language")); language && !vars.contains(QStringLiteral("language")))
            ctx.set(QStringLiteral("language"), *language);
        ctx.setAutoescape(m_st.autoescape);
        ctx.setStrict(outer.isStrict());
        ctx.setNow(outer.now());
        ctx.setCsrfTokenProvider([&outer] { return outer.csrfToken(); });
        RenderState inner(ctx);
        inner.autoescape = m_st.autoescape;
        inner.loader = m_st.loader;
        inner.env.context = &ctx;
        inner.depth = m_st.depth + 1;
        auto node = renderBlock((*c)->top, inner);
        if (inner.error)
            m_st.error = inner.error;
        return node;
    }
    QDateTime now() override { return m_st.env.now(); }

private:
    RenderState &m_st;
    const Node *m_node;
    std::vector<size_t> m_marks;
};

static void renderOne(const Node *node, RenderState &st, DynList &out)
{
    const QString &tmpl = node->templateName;
    switch (node->kind) {
    case NodeKind::Var: {
        auto v = static_cast<const VarNode *>(node);
        if (v->expr.isBlockSuper()) { // the flattener leaves it as an op only when there is no parent
            failBlockSuper(node, st);
            return;
        }
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
        st.pushScopeMarker();
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
        else
            st.pushScopeMarker();
        for (auto &b : values)
            st.bindings.push_back(std::move(b));
        auto savedCycles = std::exchange(st.cycles, {});
        auto savedIfchanged = std::exchange(st.ifchangedOutsideLoops, {});
        if (inc->literal) {
            renderOps(inc->ops, st, out);
        } else {
            auto nameValue = resolveExpr(inc->name, st, false, tmpl);
            std::shared_ptr<const Compiled> compiled;
            if (nameValue && !st.error) {
                if (!st.loader) {
                    st.fail(node, TemplateError::Kind::NotFound,
                            QStringLiteral("template '%1' not found (no loader)").arg(nameValue->toString()));
                } else if (st.depth > 64) {
                    st.fail(node, TemplateError::Kind::Render, QStringLiteral("include recursion too deep"));
                } else {
                    compiled = selectTemplate(*nameValue, node, st);
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
        st.ifchangedOutsideLoops = std::move(savedIfchanged);
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
            st.set(src->asName, *v, true);
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
            out.push_back(Dyn{s.toUtf8(), nullptr, nullptr}); // str(), as Django: not escaped
        return;
    }
    case NodeKind::Csrf: {
        // Django reads the context variable csrf_token; liveactor's views set it on the context
        static const VarRef csrfVar = [] {
            VarRef v;
            v.name = QStringLiteral("csrf_token");
            v.text = v.name;
            return v;
        }();
        const auto fromVar = resolveVar(csrfVar, st);
        const QString token = fromVar && fromVar->isTruthy() ? fromVar->toString() : st.ctx.csrfToken();
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
        // int(max_width): a float beyond 64 bits stays exact as a double
        const double fw = mw->type() == Value::Type::Float ? std::trunc(mw->toDouble()) : 0;
        const auto maxWidth = std::isfinite(fw) && std::fabs(fw) >= 9.2e18 ? std::optional<double>(fw)
            : pythonInt(*mw).transform([](qint64 x) { return double(x); });
        if (!maxWidth) {
            st.fail(node, TemplateError::Kind::Render, QStringLiteral("widthratio final argument must be a number"));
            return;
        }
        const QString result = widthratio(*v, *m, *maxWidth);
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
    case NodeKind::LiveRender: {
        auto r = static_cast<const LiveRenderNode *>(node);
        const LiveRenderResolver &resolver = st.ctx.liveRenderResolver();
        if (!resolver) {
            st.fail(node, TemplateError::Kind::Render, QStringLiteral("live_render: nested views render only in a live view's page"));
            return;
        }
        auto view = resolveExpr(r->view, st, false, tmpl);
        if (!view)
            return;
        if (!view->isString() || view->toString().isEmpty()) {
            st.fail(node, TemplateError::Kind::Render,
                    QStringLiteral("live_render: the view must be a \"module.Class\" string, not %1").arg(view->toRepr()));
            return;
        }
        ValueMap options;
        for (const auto &[name, expr] : r->options) {
            auto v = resolveExpr(expr, st, false, tmpl);
            if (!v)
                return;
            options.insert(name, *v);
        }
        auto container = resolver(view->toString(), options);
        if (!container) {
            st.fail(node, container.error().kind, container.error().message);
            return;
        }
        out.push_back(Dyn{std::move(*container), nullptr, nullptr});
        return;
    }
    case NodeKind::Spaceless: {
        auto s = static_cast<const SpacelessNode *>(node);
        auto n = renderBlock(s->block, st);
        QByteArray html;
        appendHtml(html, *n);
        out.push_back(Dyn{spaceless(QString::fromUtf8(html)).toUtf8(), nullptr, nullptr});
        return;
    }
    case NodeKind::BlockSuper: {
        auto s = static_cast<const BlockSuperNode *>(node);
        if (s->noParent) {
            failBlockSuper(node, st);
            return;
        }
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
            auto r = applyFilter(f, obj, f.hasArg ? &argValue : nullptr, st, s->expr, tmpl);
            if (!r)
                return;
            obj = std::move(*r);
        }
        out.push_back(Dyn{outputBytes(obj, st.autoescape), nullptr, nullptr});
        return;
    }
    case NodeKind::Library: {
        LibraryRender api(st, node);
        static_cast<const LibraryNode *>(node)->render(api, out);
        return;
    }
    case NodeKind::IfChanged:
        renderIfChanged(static_cast<const IfChangedNode *>(node), st, out);
        return;
    case NodeKind::Regroup:
        renderRegroup(static_cast<const RegroupNode *>(node), st);
        return;
    case NodeKind::ResetCycle:
        st.cycles[static_cast<const ResetCycleNode *>(node)->cycle] = 0;
        return;
    case NodeKind::Lorem:
        renderLorem(static_cast<const LoremNode *>(node), st, out);
        return;
    case NodeKind::FilterBlock:
        renderFilterBlock(static_cast<const FilterBlockNode *>(node), st, out);
        return;
    case NodeKind::Extends:
        renderDynamicExtends(static_cast<const ExtendsNode *>(node), st, out);
        return;
    case NodeKind::Text:
    case NodeKind::Block:
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

namespace TemplateDetail {

std::shared_ptr<RNode> renderTop(const Compiled &c, RenderState &st, const RNode *prev, const QSet<QString> *changed)
{
    auto node = std::make_shared<RNode>();
    node->statics = c.top.statics;
    node->templateId = &c;
    const size_t dynCount = size_t(c.top.statics->parts.size() - 1);
    node->dyns.reserve(dynCount);
    if (prev && (prev->templateId != &c || size_t(prev->dyns.size()) != dynCount))
        prev = nullptr;
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
        if (ops[i]->kind == NodeKind::Extends) {
            // `extends variable`: the parent's tree is re-rendered by its own ops' dependencies
            const RNode *prevParent = prev ? prev->dyns[node->dyns.size()].node.get() : nullptr;
            renderDynamicExtends(static_cast<const ExtendsNode *>(ops[i]), st, node->dyns, prevParent, changed);
            continue;
        }
        renderOne(ops[i], st, node->dyns);
    }
    return node;
}

} // namespace TemplateDetail

static TemplateResult<RenderedTree> renderImpl(const Compiled &c, const TemplateContext &context,
                                               const RenderedTree *previous, const QSet<QString> *changed)
{
    RenderState st(context);
    st.autoescape = context.autoescape();
    st.loader = c.loader.lock();
    st.env.context = &context;
    auto node = renderTop(c, st, previous ? previous->root().get() : nullptr, changed);
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
