#pragma once

#include "template/templateerror.h"
#include "template/value.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace LiveActor {

/// A filter from a tag library: one of the built-in libraries' (humanize) or a Python
/// `@template.filter`. Available in a template after `{% load library %}`.
struct TemplateFilter
{
    enum class Args { None, Required, Optional };
    QString name;
    Args args = Args::None;
    /// Django's is_safe: when the input is a safe string, the result is marked safe too.
    bool isSafe = false;
    /// Called on the rendering thread (an implementation that calls Python takes the GIL itself).
    /// arg is null when the template gave none. autoescape is the state where the filter is used
    /// (Django's needs_autoescape). An error fails the render at the filter expression's position.
    std::function<TemplateResult<Value>(const Value &input, const Value *arg, bool autoescape)> call;
};

/// What a library tag's function is called with.
struct TemplateTagCall
{
    QList<Value> args;
    QList<std::pair<QString, Value>> kwargs;
    /// takes_context tags: the variables visible where the tag is (assigns, then loop and `with`
    /// variables); null otherwise.
    const ValueMap *context = nullptr;
    bool autoescape = true;
};

/// A tag from a tag library: a Python `@template.simple_tag` or `@template.inclusion_tag`, or one
/// of the built-in libraries' tags (Kind::Native: parsed by the engine itself, e.g. i18n's trans).
///
/// `{% name arg1 arg2 key=value as var %}`: arguments are filter expressions resolved at render
/// time. A simple tag prints what call() returns (escaped unless safe when autoescape is on) or,
/// with `as var`, stores it. An inclusion tag renders templateName (through the template's
/// loader) with the map call() returns as its only variables, as one nested dynamic. Library tags
/// are re-rendered on every render (their function may read anything).
struct TemplateTag
{
    enum class Kind { Simple, Inclusion, Native };
    QString name;
    Kind kind = Kind::Simple;
    bool takesContext = false;
    QString templateName;
    std::function<TemplateResult<Value>(const TemplateTagCall &call)> call;
};

/// A named set of filters and tags that `{% load name %}` makes available.
struct TemplateLibrary
{
    QString name;
    QHash<QString, std::shared_ptr<const TemplateFilter>> filters;
    QHash<QString, std::shared_ptr<const TemplateTag>> tags;
    /// Set by a resolver when the library exists but failed to load (e.g. a Python traceback):
    /// `{% load %}` of it is then a compile error with this text.
    QString loadError;
};

/// One message to translate (gettext, pgettext, ngettext or npgettext).
struct TranslationRequest
{
    QString language; ///< e.g. "de"; empty: the translator's default
    QString context;  ///< pgettext context; empty for none
    QString singular;
    QString plural;   ///< with hasPlural
    bool hasPlural = false;
    double count = 0; ///< with hasPlural
};

/// The process-wide registry of tag libraries and the translator the i18n tags use.
///
/// Built in (always loadable): `i18n`, `l10n` and `humanize` (see docs/templates.md for what each
/// provides). Other names come from add() or, on the first `{% load %}` of an unknown name, from
/// the resolver (the Python side installs one that imports `templatetags/<name>.py`). A name that
/// none of them knows is a compile error at the `load` tag listing the loadable names.
/// Thread-safe: every function may be called from any thread; templates compiled before a
/// library is replaced keep the old one.
class TemplateLibraries
{
public:
    /// Registers lib under lib->name (replacing one of the same name; built-ins cannot be replaced).
    static void add(std::shared_ptr<const TemplateLibrary> lib);
    static void remove(const QString &name);
    using Resolver = std::function<std::shared_ptr<const TemplateLibrary>(const QString &name)>;
    /// Called (outside the registry's lock) for names not registered; may return null.
    static void setResolver(Resolver resolver);
    /// The library called name: built-in, registered, or from the resolver; null if none.
    static std::shared_ptr<const TemplateLibrary> find(const QString &name);
    /// Every name find() knows without the resolver, sorted.
    static QStringList names();

    /// Returns the translation, or nullopt for "no translation" (the message passes through).
    using Translator = std::function<std::optional<QString>(const TranslationRequest &request)>;
    /// Installs the translator (null: none) and drops the translation cache.
    static void setTranslator(Translator translator);
    /// Drops the cached translations (after the catalogs changed).
    static void clearTranslationCache();
    /// The translation of request: cached per request after the first call; without a
    /// translator (or when it has none) the singular, or the plural unless count == 1.
    static QString translate(const TranslationRequest &request);
};

} // namespace LiveActor
