#pragma once

#include "template/renderedtree.h"
#include "template/templatecontext.h"
#include "template/templateerror.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>

namespace LiveActor {

namespace TemplateDetail {
struct Compiled;
}

/// A compiled Django template: immutable, cheap to copy, usable from any thread at once.
///
/// Compile with TemplateEngine (which resolves `include`/`extends` through its loader and caches)
/// or, for a template without includes, with Template::compile(). Compilation splits the template
/// into LiveView statics and dynamics once; render() only evaluates the dynamics.
///
/// Tree shape (how Django syntax maps to LiveView nodes):
/// - text is static; every `{{ … }}` and every value-producing tag (`cycle`, `firstof`, `now`,
///   `csrf_token`, `widthratio`, dynamic `include`, `spaceless` blocks) is one dynamic string;
/// - `{% if %}` is one dynamic holding a nested node for the branch taken (each branch has its own
///   statics) or "" when no branch is taken;
/// - `{% for %}` is one dynamic holding a comprehension (shared statics); with `{% empty %}`, an
///   empty sequence gives the empty branch as a nested node;
/// - `with`, `autoescape`, `include "literal"`, `extends`/`block` are flattened into the
///   enclosing statics.
///
/// Keyed loops (a liveactor extension): `{% for item in items key item.id %}` keys each entry by
/// the value of the expression after `key` (any variable or filter expression, evaluated with the
/// loop variables bound; it comes last: `{% for x in xs reversed key x.id %}`), so the diff of an
/// insert, delete or move sends only the moved positions and new rows (`km: true` when anything
/// moved). Without `key`, entries are keyed by index, as LiveView does without `:key`. Duplicate
/// keys are allowed (such rows are resent rather than moved). Django itself does not know `key`;
/// remove it to render the same template with Django.
///
/// Unsupported Django features: `{% extends variable %}` (a compile error: the parent must be a
/// quoted name, because inheritance is resolved at compile time). `{% load … %}` loads tag
/// libraries (templatelibrary.h): the built-in i18n, l10n and humanize, and registered ones (custom
/// filters and tags from Python); an unknown library is a compile error at the load tag.
class Template
{
public:
    Template() = default;

    /// Compiles source without a loader (`include`/`extends` then fail with NotFound).
    /// Errors name the template, line, column and what was expected.
    static TemplateResult<Template> compile(const QString &source,
                                            const QString &name = QStringLiteral("<string>"));

    bool isNull() const { return !m_compiled; }
    QString name() const;

    /// Renders to a tree. Fails only in strict mode (missing variable) or when a dynamic include
    /// cannot be loaded; otherwise missing values render as "".
    TemplateResult<RenderedTree> render(const TemplateContext &context) const;

    /// Re-renders after an event: top-level dynamics whose dependencies (see
    /// dynamicDependencies()) are disjoint from changedAssigns are copied from previous instead of
    /// being evaluated, so an event that changes one assign neither reads nor re-renders the
    /// others. Inside a changed top-level `for` whose body reads only its loop variables, an entry
    /// whose item is the identical Value as in previous (the same list/map object, or an equal
    /// scalar; never a LazyObject) is reused without evaluating the body — so replacing one row
    /// of a 10,000-row list costs one row. previous must come from this template with the same
    /// context settings (autoescape, strict); otherwise everything is rendered.
    TemplateResult<RenderedTree> render(const TemplateContext &context, const RenderedTree &previous,
                                        const QSet<QString> &changedAssigns) const;

    /// Renders straight to HTML (same bytes as render()->toHtml()).
    TemplateResult<QByteArray> renderHtml(const TemplateContext &context) const;

    /// Every top-level assign name the template reads (loop variables and `with` names are
    /// resolved to the assigns they come from).
    QSet<QString> dependencies() const;
    /// For each top-level dynamic, the assigns it reads. A dynamic that must always be
    /// re-rendered (`now`, `cycle`, `csrf_token`, dynamic includes) lists "*".
    QList<QSet<QString>> dynamicDependencies() const;
    /// Files this template was compiled from (itself, includes, parents), for change tracking.
    QStringList sourceFiles() const;

    const std::shared_ptr<const TemplateDetail::Compiled> &compiled() const { return m_compiled; }
    explicit Template(std::shared_ptr<const TemplateDetail::Compiled> compiled);

private:
    std::shared_ptr<const TemplateDetail::Compiled> m_compiled;
};

} // namespace LiveActor
