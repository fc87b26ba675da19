// Flattener: parse tree → Compiled (LiveView blocks, per-op dependencies; includes and
// inheritance resolved at compile time).

#include "template/compiled_p.h"
#include "template/library_p.h"

namespace LiveActor::TemplateDetail {

namespace {

/// Turns a parse tree into LiveView blocks (statics + dynamic-producing ops), resolving literal
/// includes and `extends` at compile time and recording each top-level op's dependencies.
class Flattener
{
public:
    Flattener(Compiled &c, std::shared_ptr<LoaderState> loader, QSet<QString> tagAssigned)
        : m_c(c), m_loader(std::move(loader)), m_tagAssigned(std::move(tagAssigned)) { }

    std::optional<TemplateError> error;

    void flattenTop(const NodeList &nodes)
    {
        QList<QByteArray> parts{QByteArray()};
        m_topLevel = true;
        m_includeStack.append(m_c.name); // a template including itself recurses at render time
        flattenTemplate(nodes, parts, m_c.top.ops);
        finishBlock(m_c.top, parts);
    }

private:
    Compiled &m_c;
    std::shared_ptr<LoaderState> m_loader;
    QSet<QString> m_tagAssigned;
    bool m_topLevel = false;
    bool m_extending = false; ///< flattening a parent template (its child's blocks are collected)
    QSet<QString> *m_opDeps = nullptr;

    struct ScopeEntry { QString name; QSet<QString> deps; bool barrier = false; };
    std::vector<ScopeEntry> m_scope;

    // Purity trackers, one per enclosing for-body being flattened: does the body read anything
    // besides its loop variables (and names bound from them inside the body)?
    struct Tracker { QSet<QString> allowed; bool pure = true; };
    std::vector<Tracker> m_trackers;

    std::vector<QSet<QString>> saveAllowed() const
    {
        std::vector<QSet<QString>> saved;
        for (const auto &t : m_trackers)
            saved.push_back(t.allowed);
        return saved;
    }
    void restoreAllowed(const std::vector<QSet<QString>> &saved)
    {
        for (size_t i = 0; i < saved.size() && i < m_trackers.size(); ++i)
            m_trackers[i].allowed = saved[i];
    }
    void allowNames(const QStringList &names)
    {
        for (auto &t : m_trackers)
            for (const QString &n : names)
                t.allowed.insert(n);
    }

    using Chain = std::vector<const NodeList *>;
    QHash<QString, Chain> m_blocks;
    struct SuperCtx { Chain chain; size_t index; };
    std::vector<SuperCtx> m_super;
    QStringList m_includeStack;

    void finishBlock(Block &b, QList<QByteArray> &parts)
    {
        auto s = std::make_shared<Statics>();
        s->parts = parts;
        s->finalize();
        b.statics = s;
    }

    QSet<QString> nameDeps(const QString &name) const
    {
        for (auto it = m_scope.rbegin(); it != m_scope.rend(); ++it) {
            if (it->barrier && !it->name.isEmpty() && it->name != name)
                continue;
            if (it->name == name)
                return it->deps;
            if (it->barrier)
                return {};
        }
        if (name == u"True" || name == u"False" || name == u"None")
            return {};
        return {name};
    }

    void addDeps(const QSet<QString> &d)
    {
        if (m_opDeps)
            *m_opDeps += d;
    }
    void markVolatile()
    {
        if (m_opDeps)
            m_opDeps->insert(QStringLiteral("*"));
        for (auto &t : m_trackers)
            t.pure = false;
    }

    /// An op that assigns a name (`… as name`) runs on every render: a reader re-rendered for
    /// another reason must find the name bound (readers are volatile through m_tagAssigned).
    void markAssigning()
    {
        if (m_opDeps)
            m_opDeps->insert(QStringLiteral("*"));
    }

    QSet<QString> varDeps(const VarRef &v)
    {
        if (v.translate) // translated in the active language
            return varDeps(languageRef()) + (v.literal ? QSet<QString>() : varDeps(plainRef(v)));
        if (v.literal)
            return {};
        for (auto &t : m_trackers)
            if (!t.allowed.contains(v.name))
                t.pure = false;
        if (m_tagAssigned.contains(v.name))
            markVolatile();
        return nameDeps(v.name);
    }

    static const VarRef &languageRef()
    {
        static const VarRef ref = [] { VarRef r; r.name = QStringLiteral("language"); return r; }();
        return ref;
    }
    static VarRef plainRef(const VarRef &v)
    {
        VarRef r = v;
        r.translate = false;
        return r;
    }

    QSet<QString> exprDeps(const FilterExpr &e)
    {
        QSet<QString> d = varDeps(e.base);
        for (const auto &f : e.filters)
            if (f.hasArg)
                d += varDeps(f.arg);
        addDeps(d);
        return d;
    }

    void condDeps(const Cond *c)
    {
        if (!c)
            return;
        if (c->op == Cond::Leaf)
            exprDeps(c->expr);
        condDeps(c->a.get());
        condDeps(c->b.get());
    }

    void fail(const Node &n, const QString &msg, TemplateError::Kind kind)
    {
        if (!error)
            error = TemplateError{kind, n.templateName, n.line, n.column, msg};
    }

    // Top-level bookkeeping: each top-level op gets its dependency set and dynamic count.
    template<typename F>
    void addOp(const Node *node, QList<QByteArray> &parts, std::vector<const Node *> &ops, int dyns, F &&inner)
    {
        const bool top = m_topLevel;
        QSet<QString> deps;
        const qsizetype partsBefore = parts.size();
        if (top) {
            m_opDeps = &deps;
            m_topLevel = false;
        }
        ops.push_back(node);
        inner();
        for (int i = 0; i < dyns; ++i)
            parts.append(QByteArray());
        if (top) {
            m_opDeps = nullptr;
            m_topLevel = true;
            m_c.opDeps.push_back(deps);
            m_c.opDynCount.push_back(int(parts.size() - partsBefore));
            m_c.deps += deps;
            m_c.deps.remove(QStringLiteral("*"));
        }
    }

    void flattenTemplate(const NodeList &nodes, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        const ExtendsNode *ext = nullptr;
        for (const auto &n : nodes)
            if (n->kind == NodeKind::Extends)
                ext = static_cast<const ExtendsNode *>(n.get());
        if (!ext) {
            flattenList(nodes, parts, ops);
            return;
        }
        if (ext->dynamic) {
            if (m_extending) {
                fail(*ext, QStringLiteral("'extends' with a variable is not supported in a template that is itself "
                                          "extended; name the parent in quotes"), TemplateError::Kind::Syntax);
                return;
            }
            // the parent is chosen at render time: the whole template is one dynamic
            addOp(ext, parts, ops, 1, [&] {
                exprDeps(ext->parent);
                markVolatile();
            });
            return;
        }
        // text before `extends` is printed, as Django renders the child's node list (only text
        // may come before it; with a variable parent it is in the recompiled page)
        for (const auto &n : nodes) {
            if (n.get() == ext)
                break;
            flattenNode(n.get(), parts, ops);
        }
        collectBlocks(ext->rest);
        const QString parentName = ext->parent.base.value.toString();
        const NodeList *parent = loadParsed(parentName, *ext);
        if (!parent)
            return;
        if (m_includeStack.count(parentName) > 1) {
            fail(*ext, QStringLiteral("'extends' recursion: %1").arg(parentName), TemplateError::Kind::Syntax);
            return;
        }
        m_includeStack.append(parentName);
        const bool wasExtending = std::exchange(m_extending, true);
        flattenTemplate(*parent, parts, ops);
        m_extending = wasExtending;
        m_includeStack.removeLast();
    }

    void collectBlocks(const NodeList &nodes)
    {
        for (const auto &n : nodes) {
            if (n->kind == NodeKind::Block) {
                auto b = static_cast<const BlockNode *>(n.get());
                m_blocks[b->name].push_back(&b->body);
                collectBlocks(b->body);
            } else if (n->kind == NodeKind::If) {
                for (const auto &body : static_cast<const IfNode *>(n.get())->bodies)
                    collectBlocks(body);
            } else if (n->kind == NodeKind::For) {
                collectBlocks(static_cast<const ForNode *>(n.get())->body);
                collectBlocks(static_cast<const ForNode *>(n.get())->empty);
            } else if (n->kind == NodeKind::With) {
                collectBlocks(static_cast<const WithNode *>(n.get())->body);
            } else if (n->kind == NodeKind::Autoescape) {
                collectBlocks(static_cast<const AutoescapeNode *>(n.get())->body);
            } else if (n->kind == NodeKind::Spaceless) {
                collectBlocks(static_cast<const SpacelessNode *>(n.get())->body);
            } else if (n->kind == NodeKind::Library) {
                collectBlocks(static_cast<const LibraryNode *>(n.get())->body);
            } else if (n->kind == NodeKind::FilterBlock) {
                collectBlocks(static_cast<const FilterBlockNode *>(n.get())->body);
            } else if (n->kind == NodeKind::IfChanged) {
                collectBlocks(static_cast<const IfChangedNode *>(n.get())->body);
                collectBlocks(static_cast<const IfChangedNode *>(n.get())->elseBody);
            }
        }
    }

    const NodeList *loadParsed(const QString &name, const Node &at)
    {
        std::shared_ptr<LoaderState> loader = m_loader;
        if (!loader) {
            fail(at, QStringLiteral("template '%1' not found (no loader)").arg(name), TemplateError::Kind::NotFound);
            return nullptr;
        }
        auto src = loader->source(name);
        if (!src) {
            fail(at, src.error().message, TemplateError::Kind::NotFound);
            return nullptr;
        }
        if (!src->second.isEmpty() && !m_c.files.contains(src->second))
            m_c.files.append(src->second);
        auto parsed = parseTemplate(src->first, name);
        if (!parsed) {
            error = parsed.error();
            return nullptr;
        }
        m_tagAssigned += parsed->tagAssigned;
        m_c.owned.push_back(std::move(parsed->nodes));
        return &m_c.owned.back();
    }

    void flattenList(const NodeList &nodes, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        for (const auto &n : nodes) {
            if (error)
                return;
            flattenNode(n.get(), parts, ops);
        }
    }

    void flattenBody(const NodeList &nodes, Block &block)
    {
        const bool top = m_topLevel;
        m_topLevel = false;
        QList<QByteArray> parts{QByteArray()};
        flattenList(nodes, parts, block.ops);
        finishBlock(block, parts);
        m_topLevel = top;
    }

    void flattenNode(Node *n, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        switch (n->kind) {
        case NodeKind::Text:
            parts.last().append(static_cast<TextNode *>(n)->text.toUtf8());
            return;
        case NodeKind::Var: {
            auto v = static_cast<VarNode *>(n);
            if (v->expr.isBlockSuper() && superWithoutParent()) {
                addOp(n, parts, ops, 1, [] { }); // fails when rendered, as in Django
                return;
            }
            if (v->expr.isBlockSuper()) {
                flattenSuper(parts, ops);
                return;
            }
            addOp(n, parts, ops, 1, [&] { exprDeps(v->expr); });
            return;
        }
        case NodeKind::BlockSuper: {
            auto s = static_cast<BlockSuperNode *>(n);
            s->noParent = superWithoutParent();
            addOp(n, parts, ops, 1, [&] {
                exprDeps(s->expr);
                QList<QByteArray> sub{QByteArray()};
                flattenSuper(sub, s->block.ops);
                finishBlock(s->block, sub);
            });
            return;
        }
        case NodeKind::If: {
            auto f = static_cast<IfNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                f->blocks.resize(f->bodies.size());
                for (size_t i = 0; i < f->bodies.size(); ++i) {
                    condDeps(f->conds[i].get());
                    flattenBody(f->bodies[i], f->blocks[i]);
                }
            });
            return;
        }
        case NodeKind::For: {
            auto f = static_cast<ForNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                const QSet<QString> seqDeps = exprDeps(f->sequence);
                if (f->hasEmpty)
                    flattenBody(f->empty, f->emptyBlock);
                m_scope.push_back({QStringLiteral("forloop"), seqDeps, false});
                for (const QString &v : f->loopVars)
                    m_scope.push_back({v, seqDeps, false});
                const auto saved = saveAllowed();
                allowNames(f->loopVars); // inner loop variables for enclosing bodies
                Tracker own;
                own.allowed = QSet<QString>(f->loopVars.begin(), f->loopVars.end());
                own.allowed += QSet<QString>{QStringLiteral("True"), QStringLiteral("False"), QStringLiteral("None")};
                m_trackers.push_back(own);
                if (f->hasKey)
                    exprDeps(f->key);
                flattenBody(f->body, f->bodyBlock);
                f->memoizable = m_trackers.back().pure;
                m_trackers.pop_back();
                restoreAllowed(saved);
                m_scope.resize(m_scope.size() - size_t(f->loopVars.size()) - 1);
            });
            return;
        }
        case NodeKind::With: {
            auto w = static_cast<WithNode *>(n);
            addScoped(n, parts, ops, [&] {
                std::vector<ScopeEntry> entries;
                for (const auto &[name, e] : w->bindings)
                    entries.push_back({name, exprDeps(e), false});
                for (auto &e : entries)
                    m_scope.push_back(e);
                const auto saved = saveAllowed();
                for (const auto &[name, e] : w->bindings)
                    allowNames({name});
                flattenList(w->body, parts, w->ops);
                restoreAllowed(saved);
                m_scope.resize(m_scope.size() - entries.size());
            });
            return;
        }
        case NodeKind::Autoescape: {
            auto a = static_cast<AutoescapeNode *>(n);
            addScoped(n, parts, ops, [&] { flattenList(a->body, parts, a->ops); });
            return;
        }
        case NodeKind::Include: {
            auto inc = static_cast<IncludeNode *>(n);
            const QString name = inc->literal ? inc->name.base.value.toString() : QString();
            if (inc->literal && m_includeStack.contains(name))
                inc->literal = false; // recursive include: resolved at render time
            if (!inc->literal) {
                addOp(n, parts, ops, 1, [&] {
                    exprDeps(inc->name);
                    for (const auto &[k, e] : inc->bindings)
                        exprDeps(e);
                    markVolatile();
                });
                return;
            }
            addScoped(n, parts, ops, [&] {
                std::vector<ScopeEntry> entries;
                for (const auto &[k, e] : inc->bindings)
                    entries.push_back({k, exprDeps(e), false});
                if (inc->only)
                    m_scope.push_back({QString(), {}, true});
                for (auto &e : entries)
                    m_scope.push_back(e);
                const auto saved = saveAllowed();
                for (const auto &[k, e] : inc->bindings)
                    allowNames({k});
                const NodeList *inner = loadParsed(name, *n);
                if (inner) {
                    auto savedBlocks = std::exchange(m_blocks, {});
                    auto savedSuper = std::exchange(m_super, {});
                    const bool wasExtending = std::exchange(m_extending, false);
                    m_includeStack.append(name);
                    flattenTemplate(*inner, parts, inc->ops);
                    m_includeStack.removeLast();
                    m_extending = wasExtending;
                    m_blocks = std::move(savedBlocks);
                    m_super = std::move(savedSuper);
                }
                restoreAllowed(saved);
                m_scope.resize(m_scope.size() - entries.size() - (inc->only ? 1 : 0));
            });
            return;
        }
        case NodeKind::Block: {
            auto b = static_cast<BlockNode *>(n);
            Chain chain = m_blocks.value(b->name);
            if (chain.empty() || chain.back() != &b->body)
                chain.push_back(&b->body);
            m_super.push_back({chain, 0});
            flattenList(*chain[0], parts, ops);
            m_super.pop_back();
            return;
        }
        case NodeKind::Extends:
            fail(*n, QStringLiteral("'extends' must be the first tag in the template."), TemplateError::Kind::Syntax);
            return;
        case NodeKind::Cycle: {
            auto c = static_cast<CycleNode *>(n);
            const CycleNode *src = c->shared ? c->shared : c;
            addOp(n, parts, ops, (c->silent || (c->shared && c->shared->silent)) ? 0 : 1, [&] {
                for (const auto &e : src->values)
                    exprDeps(e);
                markVolatile();
            });
            return;
        }
        case NodeKind::Firstof: {
            auto f = static_cast<FirstofNode *>(n);
            addOp(n, parts, ops, f->asName.isEmpty() ? 1 : 0, [&] {
                for (const auto &e : f->values)
                    exprDeps(e);
                if (!f->asName.isEmpty())
                    markAssigning();
            });
            return;
        }
        case NodeKind::Now: {
            auto f = static_cast<NowNode *>(n);
            addOp(n, parts, ops, f->asName.isEmpty() ? 1 : 0, [&] { markVolatile(); });
            return;
        }
        case NodeKind::Csrf:
            addOp(n, parts, ops, 1, [&] { markVolatile(); });
            return;
        case NodeKind::Widthratio: {
            auto w = static_cast<WidthratioNode *>(n);
            addOp(n, parts, ops, w->asName.isEmpty() ? 1 : 0, [&] {
                exprDeps(w->value);
                exprDeps(w->maxValue);
                exprDeps(w->maxWidth);
                if (!w->asName.isEmpty())
                    markAssigning();
            });
            return;
        }
        case NodeKind::LiveComponent: {
            auto c = static_cast<LiveComponentNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                for (const auto &[k, e] : c->assigns)
                    exprDeps(e);
            });
            return;
        }
        case NodeKind::LiveRender: {
            auto r = static_cast<LiveRenderNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                exprDeps(r->view);
                for (const auto &[k, e] : r->options)
                    exprDeps(e);
            });
            return;
        }
        case NodeKind::Spaceless: {
            auto s = static_cast<SpacelessNode *>(n);
            addOp(n, parts, ops, 1, [&] { flattenBody(s->body, s->block); });
            return;
        }
        case NodeKind::Library:
            flattenLibrary(static_cast<LibraryNode *>(n), parts, ops);
            return;
        case NodeKind::IfChanged:
            flattenIfChanged(static_cast<IfChangedNode *>(n), parts, ops);
            return;
        case NodeKind::Regroup:
            flattenRegroup(static_cast<RegroupNode *>(n), parts, ops);
            return;
        case NodeKind::ResetCycle:
            addOp(n, parts, ops, 0, [&] { markVolatile(); });
            return;
        case NodeKind::Lorem:
            addOp(n, parts, ops, 1, [&] { exprDeps(static_cast<LoremNode *>(n)->count); });
            return;
        case NodeKind::FilterBlock: {
            auto f = static_cast<FilterBlockNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                for (const auto &call : f->expr.filters)
                    if (call.hasArg)
                        addDeps(varDeps(call.arg));
                flattenBody(f->body, f->block);
            });
            return;
        }
        }
    }

    /// One dynamic holding the shown branch, as `if`. Its output depends on the previous loop
    /// iteration, so an enclosing loop's rows are never reused from an earlier render.
    void flattenIfChanged(IfChangedNode *c, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        addOp(c, parts, ops, 1, [&] {
            for (const auto &e : c->values)
                exprDeps(e);
            for (auto &t : m_trackers)
                t.pure = false;
            flattenBody(c->body, c->block);
            flattenBody(c->elseBody, c->elseBlock);
        });
    }

    /// Assigns a name (no output), so it always runs (see markAssigning).
    void flattenRegroup(RegroupNode *r, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        addOp(r, parts, ops, 0, [&] {
            exprDeps(r->target);
            for (const auto &call : r->expr.filters)
                if (call.hasArg)
                    addDeps(varDeps(call.arg));
            markAssigning();
        });
    }

    template<typename F>
    void addScoped(const Node *node, QList<QByteArray> &parts, std::vector<const Node *> &ops, F &&inner)
    {
        // A scope node's dynamics are its children's; at top level it is one op whose count is
        // whatever its children added.
        addOp(node, parts, ops, 0, inner);
    }

    /// A library tag (library_p.h): its reads, the active language when it translates, and a
    /// body flattened into the enclosing statics.
    void flattenLibrary(LibraryNode *l, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        auto deps = [&] {
            for (const FilterExpr *e : l->exprs)
                exprDeps(*e);
            for (const VarRef &r : l->reads)
                addDeps(varDeps(r));
            if (l->translates)
                addDeps(varDeps(languageRef()));
            if (l->isVolatile)
                markVolatile();
        };
        if (!l->hasBody) {
            addOp(l, parts, ops, l->dynamics, deps);
            return;
        }
        addScoped(l, parts, ops, [&] {
            deps();
            flattenList(l->body, parts, l->ops);
        });
    }
    /// `{{ block.super }}` inside a block of a template that extends nothing: Django raises when
    /// it renders one (outside any block it is a missing variable, printed as "").
    bool superWithoutParent() const { return !m_super.empty() && !m_extending; }

    void flattenSuper(QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        if (m_super.empty())
            return;
        SuperCtx ctx = m_super.back();
        if (ctx.index + 1 >= ctx.chain.size())
            return;
        m_super.push_back({ctx.chain, ctx.index + 1});
        flattenList(*ctx.chain[ctx.index + 1], parts, ops);
        m_super.pop_back();
    }
};

} // namespace

TemplateResult<std::shared_ptr<const Compiled>> compileTemplate(const QString &source, const QString &name,
                                                                const std::shared_ptr<LoaderState> &loader,
                                                                const QString &file, const QString &parentOverride)
{
    auto c = std::make_shared<Compiled>();
    c->name = name;
    c->loader = loader;
    if (!file.isEmpty())
        c->files.append(file);
    auto parsed = parseTemplate(source, name, parentOverride);
    if (!parsed)
        return std::unexpected(parsed.error());
    c->nodes = std::move(parsed->nodes);
    Flattener f(*c, loader, std::move(parsed->tagAssigned));
    f.flattenTop(c->nodes);
    if (f.error)
        return std::unexpected(*f.error);
    return std::shared_ptr<const Compiled>(std::move(c));
}

} // namespace LiveActor::TemplateDetail
