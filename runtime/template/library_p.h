#pragma once

// Private: tags that come from tag libraries (`{% load %}`): i18n's trans/blocktrans/language,
// l10n's localize, and Python simple/inclusion tags. They live outside the core parser and
// renderer behind two small interfaces, so a library tag is one LibraryNode subclass.

#include "template/compiled_p.h"
#include "template/lexer_p.h"
#include "template/templatelibrary.h"

namespace LiveActor::TemplateDetail {

/// What a library tag's parse function may use of the parser.
class TagParserApi
{
public:
    virtual ~TagParserApi() = default;
    virtual bool parseFilterExpr(const QString &text, FilterExpr &out, const Token &t) = 0;
    /// Django's token_kwargs with the legacy `value as name and …` form; consumes from bits.
    virtual bool parseKwargs(QStringList &bits, std::vector<std::pair<QString, FilterExpr>> &out, const Token &t) = 0;
    virtual void fail(const Token &t, const QString &message) = 0;
    /// The next raw token (blocktrans reads text and variables itself), or null at the end.
    virtual const Token *nextToken() = 0;
    /// Parses nodes up to one of ends (a tag with a body); *endTag is the end found.
    virtual NodeList parseBody(const QStringList &ends, QString *endTag) = 0;
    /// A name the tag assigns (`as var`): reads of it are re-rendered every time.
    virtual void assigns(const QString &name) = 0;
    virtual const QString &templateName() const = 0;
};

/// What a library node may use of the renderer (bound to the node being rendered).
class RenderApi
{
public:
    virtual ~RenderApi() = default;
    /// Django's FilterExpression.resolve; nullopt only when the render has failed.
    virtual std::optional<Value> resolve(const FilterExpr &e, bool ignoreFailures) = 0;
    /// A plain variable name as Django's `name in context` / `context[name]` sees it.
    virtual std::optional<Value> lookup(const QString &name) = 0;
    virtual bool autoescape() const = 0;
    /// `as var`: sets name in the innermost scope, as Django's context[name] = v.
    virtual void set(const QString &name, const Value &v) = 0;
    /// Pushes a scope of variables (blocktrans `with`, `language`); pop restores.
    virtual void push(const std::vector<std::pair<QString, Value>> &vars) = 0;
    virtual void pop() = 0;
    virtual void renderOps(const std::vector<const Node *> &ops, DynList &out) = 0;
    /// Fails the render at the node's position.
    virtual void fail(const QString &message) = 0;
    virtual bool failed() const = 0;
    /// The variables visible here (takes_context tags).
    virtual ValueMap visibleVariables() = 0;
    /// Renders the named template (through the loader) with vars as its only variables.
    virtual std::shared_ptr<const RNode> renderTemplate(const QString &name, const ValueMap &vars) = 0;
    virtual QDateTime now() = 0;
};

/// A node of a library tag. Flattening: its expressions' and reads' dependencies (plus "language" when it
/// translates, "*" when volatile); `dynamics` strings are appended by render(); a tag with a body
/// (language, localize) is a scope whose body is flattened into the enclosing statics.
struct LibraryNode : Node
{
    LibraryNode() : Node(NodeKind::Library) { }
    std::vector<const FilterExpr *> exprs;
    std::vector<VarRef> reads; ///< plain variables read besides exprs (blocktrans)
    bool translates = false;
    bool isVolatile = false;
    int dynamics = 1;
    bool hasBody = false;
    NodeList body;
    std::vector<const Node *> ops;
    virtual void render(RenderApi &api, DynList &out) const = 0;
};

/// The active language where a node renders: the `language` variable (the `language` assign,
/// or a `{% language %}` block), else "".
QString activeLanguage(RenderApi &api);

/// Parses `{% name … %}` for a tag of a loaded library (t is its token, bits its words).
std::unique_ptr<Node> parseLibraryTag(TagParserApi &p, const std::shared_ptr<const TemplateTag> &tag,
                                      const Token &t, const QStringList &bits);

/// The built-in libraries (library.cpp): i18n, l10n, humanize.
std::shared_ptr<const TemplateLibrary> builtinLibrary(const QString &name);
QStringList builtinLibraryNames();

/// i18n tags (i18n.cpp).
std::unique_ptr<Node> parseI18nTag(TagParserApi &p, const Token &t, const QStringList &bits);
QStringList i18nTagNames();

/// Python %-formatting with named arguments only (`%(name)s`, `%%`), as blocktrans applies it;
/// nullopt for a malformed format or a missing name.
std::optional<QString> percentFormat(const QString &format, const QHash<QString, QString> &data);

} // namespace LiveActor::TemplateDetail
