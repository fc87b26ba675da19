#pragma once

// Private: the compiled form of a template — a parse tree whose nodes also carry the flattened
// LiveView blocks (statics + the nodes that produce dynamics) computed once at compile time.

#include "template/rendernode_p.h"
#include "template/templateerror.h"
#include "template/value.h"

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace LiveActor {
class TemplateContext;
struct TemplateFilter;
}

namespace LiveActor::TemplateDetail {

struct FilterDef;
struct RenderState;
struct FilterExpr;

/// A variable reference or a literal (Django's Variable).
struct VarRef
{
    bool literal = false;
    Value value;           ///< the literal
    QString name;          ///< first segment
    QStringList path;      ///< remaining segments
    QString text;          ///< as written
    /// `_("…")`, or the message of `{% translate %}`: the value is translated at render time.
    bool translate = false;
    const FilterExpr *messageContext = nullptr; ///< translate: `context "…"` (owned by the tag)
};

struct FilterCall
{
    const FilterDef *def = nullptr;
    std::shared_ptr<const TemplateFilter> custom; ///< a loaded library's filter (def is null)
    QString name;
    bool hasArg = false;
    VarRef arg;
};

/// `var|filter:arg|…` (Django's FilterExpression).
struct FilterExpr
{
    VarRef base;
    std::vector<FilterCall> filters;
    int line = 0;
    int column = 0;
    bool isBlockSuper() const { return !base.literal && base.name == u"block" && base.path == QStringList{QStringLiteral("super")}; }
};

enum class NodeKind {
    Text, Var, If, For, With, Autoescape, Include, Block, Extends, Cycle, Firstof, Now, Csrf,
    Widthratio, Spaceless, BlockSuper, IfChanged, Regroup, ResetCycle, Lorem, FilterBlock,
    LiveComponent, LiveRender,
    Library ///< a tag from a loaded library (library_p.h)
};

struct Node;
using NodeList = std::vector<std::unique_ptr<Node>>;

/// A flattened unit: statics and the nodes whose render appends dynamics (scope nodes such as
/// `with` append their children's dynamics into the same list).
struct Block
{
    std::shared_ptr<Statics> statics;
    std::vector<const Node *> ops;
};

struct Node
{
    explicit Node(NodeKind k) : kind(k) { }
    virtual ~Node() = default;
    NodeKind kind;
    int line = 0;
    int column = 0;
    QString templateName;
};

struct TextNode : Node { TextNode() : Node(NodeKind::Text) { } QString text; };
struct VarNode : Node { VarNode() : Node(NodeKind::Var) { } FilterExpr expr; };

struct Cond
{
    enum Op { Leaf, Or, And, Not, In, NotIn, Is, IsNot, Eq, Ne, Lt, Le, Gt, Ge };
    Op op = Leaf;
    FilterExpr expr;
    std::unique_ptr<Cond> a, b;
};

struct IfNode : Node
{
    IfNode() : Node(NodeKind::If) { }
    std::vector<std::unique_ptr<Cond>> conds; ///< nullptr for else
    std::vector<NodeList> bodies;
    std::vector<Block> blocks;
};

struct ForNode : Node
{
    ForNode() : Node(NodeKind::For) { }
    QStringList loopVars;
    FilterExpr sequence;
    bool reversed = false;
    bool hasKey = false;
    FilterExpr key;
    NodeList body, empty;
    bool hasEmpty = false;
    /// The body (and key) read only the loop variables: an entry whose item is the identical
    /// Value as in the previous render can be reused without evaluating the body.
    bool memoizable = false;
    Block bodyBlock, emptyBlock;
};

struct WithNode : Node
{
    WithNode() : Node(NodeKind::With) { }
    std::vector<std::pair<QString, FilterExpr>> bindings;
    NodeList body;
    std::vector<const Node *> ops;
};

struct AutoescapeNode : Node
{
    AutoescapeNode() : Node(NodeKind::Autoescape) { }
    bool on = true;
    NodeList body;
    std::vector<const Node *> ops;
};

struct IncludeNode : Node
{
    IncludeNode() : Node(NodeKind::Include) { }
    FilterExpr name;
    std::vector<std::pair<QString, FilterExpr>> bindings;
    bool only = false;
    bool literal = false;       ///< flattened at compile time
    std::vector<const Node *> ops; ///< literal: the included template's ops
};

struct BlockNode : Node
{
    BlockNode() : Node(NodeKind::Block) { }
    QString name;
    NodeList body;
};

struct Compiled;

struct ExtendsNode : Node
{
    ExtendsNode() : Node(NodeKind::Extends) { }
    FilterExpr parent;
    NodeList rest; ///< the child's nodes (only its blocks matter)
    /// `{% extends variable %}`: the parent is known only at render time, so the child's source
    /// is recompiled once per parent name (with that name as a literal parent) and cached here.
    bool dynamic = false;
    QString source;
    struct Derived
    {
        std::shared_ptr<const Compiled> compiled;
        QHash<QString, QDateTime> mtimes;
    };
    mutable QMutex mutex;
    mutable QHash<QString, Derived> derived;
};

struct CycleNode : Node
{
    CycleNode() : Node(NodeKind::Cycle) { }
    std::vector<FilterExpr> values;
    QString asName;
    bool silent = false;
    const CycleNode *shared = nullptr; ///< `{% cycle name %}` refers to the named cycle
};

struct FirstofNode : Node
{
    FirstofNode() : Node(NodeKind::Firstof) { }
    std::vector<FilterExpr> values;
    QString asName;
};

struct NowNode : Node { NowNode() : Node(NodeKind::Now) { } QString format; QString asName; };
struct CsrfNode : Node { CsrfNode() : Node(NodeKind::Csrf) { } };

struct WidthratioNode : Node
{
    WidthratioNode() : Node(NodeKind::Widthratio) { }
    FilterExpr value, maxValue, maxWidth;
    QString asName;
};

/// `spaceless`, and `{{ block.super|filters }}`: the body is rendered to one string dynamic.
struct SpacelessNode : Node
{
    SpacelessNode() : Node(NodeKind::Spaceless) { }
    NodeList body;
    Block block;
};

struct BlockSuperNode : Node
{
    BlockSuperNode() : Node(NodeKind::BlockSuper) { }
    FilterExpr expr; ///< the filters to apply to the rendered parent block
    Block block;
    bool noParent = false; ///< in a template that extends nothing: an error when rendered
};

/// `{% ifchanged [vars…] %}…{% else %}…{% endifchanged %}`: shows its body when the body's
/// output (no vars) or the vars' values changed since the previous iteration of the enclosing loop.
struct IfChangedNode : Node
{
    IfChangedNode() : Node(NodeKind::IfChanged) { }
    std::vector<FilterExpr> values;
    NodeList body, elseBody;
    Block block, elseBlock;
};

/// `{% regroup list by attr as name %}`: `expr` is Django's `name.attr|filters`.
struct RegroupNode : Node
{
    RegroupNode() : Node(NodeKind::Regroup) { }
    FilterExpr target, expr;
    QString asName;
};

struct ResetCycleNode : Node
{
    ResetCycleNode() : Node(NodeKind::ResetCycle) { }
    const CycleNode *cycle = nullptr;
};

/// `{% lorem [count] [w|p|b] [random] %}` whose count is a variable (literal counts are text).
struct LoremNode : Node
{
    LoremNode() : Node(NodeKind::Lorem) { }
    FilterExpr count;
    QChar method = u'b';
    bool common = true;
};

/// `{% filter f|g:arg %}…{% endfilter %}`: expr is `var|f|g:arg`, var bound to the body's output.
struct FilterBlockNode : Node
{
    FilterBlockNode() : Node(NodeKind::FilterBlock) { }
    FilterExpr expr;
    NodeList body;
    Block block;
};

/// `{% live_component Card id=item.id title=item.title %}`: one dynamic, the component's cid
/// (see TemplateContext::setComponentResolver()).
struct LiveComponentNode : Node
{
    LiveComponentNode() : Node(NodeKind::LiveComponent) { }
    QString component; ///< the class name as written
    std::vector<std::pair<QString, FilterExpr>> assigns;
};

/// `{% live_render "module.Class" id="sidebar" session=data sticky=True %}`: one dynamic, the
/// child view's container (see TemplateContext::setLiveRenderResolver()).
struct LiveRenderNode : Node
{
    LiveRenderNode() : Node(NodeKind::LiveRender) { }
    FilterExpr view; ///< the child view's class, "module.Class"
    std::vector<std::pair<QString, FilterExpr>> options;
};

struct LoaderState;

struct Compiled
{
    QString name;
    NodeList nodes;
    std::vector<NodeList> owned;  ///< parse trees of included and parent templates
    Block top;
    std::vector<QSet<QString>> opDeps; ///< per top-level op; contains "*" when volatile
    std::vector<int> opDynCount;       ///< dynamics each top-level op appends
    QSet<QString> deps;
    QStringList files;
    std::weak_ptr<LoaderState> loader;
};

/// The loader behind TemplateEngine (also used by compiled templates for dynamic includes).
struct LoaderState
{
    mutable QMutex mutex;
    QStringList dirs;
    bool devMode = false;
    QHash<QString, QString> strings;
    struct Entry
    {
        std::shared_ptr<const Compiled> compiled;
        QHash<QString, QDateTime> mtimes;
    };
    QHash<QString, Entry> cache;
    QHash<QString, std::shared_ptr<const Compiled>> stringCache;

    /// The modification times of files, to tell a stale compiled template in dev mode.
    static QHash<QString, QDateTime> fileTimes(const QStringList &files);
    /// Source of a named template and its file path (empty for registered strings).
    TemplateResult<std::pair<QString, QString>> source(const QString &name) const;
};

/// A parsed template: its nodes and the names its tags assign (`cycle … as x`, `firstof … as x`, …).
struct ParsedTemplate
{
    NodeList nodes;
    QSet<QString> tagAssigned;
};

/// Parses source (parser.cpp); the error carries the offending token's line and column.
/// parentOverride: compile `{% extends variable %}` as if it named that template (see ExtendsNode).
TemplateResult<ParsedTemplate> parseTemplate(const QString &source, const QString &name,
                                             const QString &parentOverride = {});

/// Loads a template by name through the loader's cache (recompiling changed files in dev mode).
TemplateResult<std::shared_ptr<const Compiled>> loadCompiled(const std::shared_ptr<LoaderState> &loader,
                                                             const QString &name);

/// Parses and flattens source (flatten.cpp). loader may be null (no include/extends).
TemplateResult<std::shared_ptr<const Compiled>> compileTemplate(const QString &source, const QString &name,
                                                                const std::shared_ptr<LoaderState> &loader,
                                                                const QString &file, const QString &parentOverride = {});

// ---- Python whitespace and number conversions (pynumber.cpp) ----
/// Python's str.isspace() for one character (what `\s` matches in Django's regular expressions).
bool isPythonSpace(QChar c);
/// Python's str.strip().
QString pythonStrip(const QString &s);
/// Python's float(v); nullopt where float() raises.
std::optional<double> pythonFloat(const Value &v);
/// Python's int(v) (within 64 bits); nullopt where int() raises.
std::optional<qint64> pythonInt(const Value &v);
/// Python's str(round(x)) of a finite x.
QString pythonRoundToString(double x);

// ---- lorem (lorem.cpp) ----
/// Django's lorem text: method 'w' words, 'p' HTML paragraphs, 'b' plain paragraphs.
/// Counts above these are cut to them (docs/templates.md).
QString loremText(qint64 count, QChar method, bool common);
inline constexpr qint64 kLoremMaxParagraphs = 1000;
inline constexpr qint64 kLoremMaxWords = 10000;

// ---- filters (filters.cpp) ----
struct FilterEnv
{
    bool autoescape = true;
    const TemplateContext *context = nullptr;
    /// The context's fixed "now", else the clock — read only by the filters that need it.
    QDateTime now() const;
    mutable QDateTime cachedNow;
};

struct FilterDef
{
    const char *name;
    int args;        ///< 0 none, 1 required, 2 optional
    bool isSafe;
    Value (*fn)(const Value &in, const Value *arg, const FilterEnv &env);
};

const FilterDef *findFilter(const QString &name);
/// Django's date format (date/time filters, now tag).
/// dateOnly: the value is a Python date (no time of day: 'c' prints the date, 'I' nothing).
QString formatDate(const QDateTime &dt, const QString &format, bool dateOnly = false);
/// Python-style escape of a value for output: str(), localize, escape unless safe.
void appendValueOutput(QByteArray &out, const Value &v, bool autoescape);
/// str() as Django prints it (floats in fixed notation, date-times with DATETIME_FORMAT).
QString displayString(const Value &v);

} // namespace LiveActor::TemplateDetail
