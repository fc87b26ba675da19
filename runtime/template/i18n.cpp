// The i18n library's tags (`{% load i18n %}`): translate/trans, blocktranslate/blocktrans,
// language, get_current_language(_bidi). Translations go through TemplateLibraries::translate
// in the active language (activeLanguage()); output follows Django 3.2 byte for byte, including
// its `%` handling (template text is a Python %-format, so `%` is doubled and undoubled).

#include "template/library_p.h"

#include <QRegularExpression>

namespace LiveActor::TemplateDetail {

namespace {

QByteArray renderValue(const Value &v, bool autoescape)
{
    QByteArray out;
    appendValueOutput(out, v, autoescape);
    return out;
}

/// Django's `context.get(name)` for the plain names blocktrans interpolates: `{{ a.b }}` or
/// `{{ a|f }}` inside blocktrans is a name no context holds.
bool isPlainName(const QString &s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s)
        if (!c.isLetterOrNumber() && c != u'_')
            return false;
    return true;
}

struct TransNode : LibraryNode
{
    FilterExpr expr;
    FilterExpr messageContext;
    QString asVar;

    void render(RenderApi &api, DynList &out) const override
    {
        auto v = api.resolve(expr, false);
        if (!v)
            return;
        QByteArray bytes = renderValue(*v, api.autoescape());
        bytes.replace("%%", "%"); // Variable.resolve doubled them for the catalog lookup
        if (asVar.isEmpty()) {
            out.push_back(Dyn{bytes, nullptr, nullptr});
            return;
        }
        const QString text = QString::fromUtf8(bytes);
        api.set(asVar, (v->isSafe() || api.autoescape()) ? Value::safe(text) : Value(text));
    }
};

struct BlockTransNode : LibraryNode
{
    QString tagName;
    std::vector<std::pair<QString, FilterExpr>> with;
    QString counterVar;
    FilterExpr counter;
    bool hasPlural = false;
    bool hasContext = false;
    FilterExpr messageContext;
    QString asVar;
    QString singular, plural; ///< %-formats: text with `%` doubled, variables as %(name)s
    QStringList vars;         ///< the names interpolated (singular, then plural)

    void render(RenderApi &api, DynList &out) const override
    {
        TranslationRequest req;
        req.language = activeLanguage(api);
        if (hasContext) {
            auto c = api.resolve(messageContext, false);
            if (!c)
                return;
            req.context = c->toString();
        }
        std::vector<std::pair<QString, Value>> scope;
        for (const auto &[name, e] : with) {
            auto v = api.resolve(e, false);
            if (!v)
                return;
            scope.emplace_back(name, *v);
        }
        api.push(scope);
        req.singular = singular;
        if (hasPlural) {
            auto count = api.resolve(counter, false);
            if (!count) {
                api.pop();
                return;
            }
            const auto type = count->type();
            if (type != Value::Type::Int && type != Value::Type::Float && type != Value::Type::Bool) {
                api.pop();
                api.fail(QStringLiteral("'%1' argument to '%2' tag must be a number.").arg(counterVar, tagName));
                return;
            }
            api.set(counterVar, *count);
            req.hasPlural = true;
            req.plural = plural;
            req.count = count->toDouble();
        }
        QHash<QString, QString> data;
        QSet<QString> safe; // Django's escaped values are SafeStrings (see asVar below)
        for (const QString &name : vars) {
            auto v = isPlainName(name) ? api.lookup(name) : std::nullopt;
            data.insert(name, v ? QString::fromUtf8(renderValue(*v, api.autoescape())) : QString());
            if (api.autoescape() || (v && v->isSafe()))
                safe.insert(name);
        }
        api.pop();
        const QString format = TemplateLibraries::translate(req);
        auto result = percentFormat(format, data);
        bool fellBack = false;
        if (!result) { // a broken translation: Django renders the untranslated message instead
            result = percentFormat(req.hasPlural && req.count != 1 ? plural : singular, data);
            if (!result) {
                api.fail(QStringLiteral("'%1' is unable to format string returned by gettext").arg(tagName));
                return;
            }
            fellBack = true;
        }
        if (!asVar.isEmpty() && fellBack) {
            // Django's fallback is a nested render, which stores the text and returns "" — and
            // the outer render then stores that ""
            api.set(asVar, Value(QString()));
        } else if (!asVar.isEmpty()) {
            // CPython's `fmt % data` hands back the last argument's object itself (a SafeString
            // stays safe) when the format ends with it and nothing before it produced any text:
            // its string writer adopts an object written into an empty buffer at the format's
            // end. Any other result is a new, plain str.
            const qsizetype open = format.lastIndexOf(u"%(");
            const QString last = open >= 0 && format.endsWith(u")s") ? format.mid(open + 2, format.size() - open - 4) : QString();
            const bool adopted = !last.isEmpty() && !last.contains(u')') && safe.contains(last) && !result->isEmpty()
                && *result == data.value(last);
            api.set(asVar, adopted ? Value::safe(*result) : Value(*result));
        } else
            out.push_back(Dyn{result->toUtf8(), nullptr, nullptr});
    }
};

/// `{% language "de" %}…{% endlanguage %}`: the body's active language.
struct LanguageNode : LibraryNode
{
    FilterExpr language;
    void render(RenderApi &api, DynList &out) const override
    {
        auto v = api.resolve(language, false);
        if (!v)
            return;
        api.push({{QStringLiteral("language"), Value(v->toString())}});
        api.renderOps(ops, out);
        api.pop();
    }
};

/// `{% get_current_language as x %}` and `{% get_current_language_bidi as x %}`.
struct CurrentLanguageNode : LibraryNode
{
    QString asVar;
    bool bidi = false;
    void render(RenderApi &api, DynList &) const override
    {
        QString lang = activeLanguage(api);
        if (lang.isEmpty())
            lang = QStringLiteral("en-us"); // Django's default LANGUAGE_CODE
        if (!bidi) {
            api.set(asVar, Value(lang));
            return;
        }
        static const QStringList bidiLanguages{QStringLiteral("he"), QStringLiteral("ar"), QStringLiteral("ar-dz"),
                                               QStringLiteral("fa"), QStringLiteral("ur")};
        api.set(asVar, Value(bidiLanguages.contains(lang.section(u'-', 0, 0))));
    }
};

std::unique_ptr<Node> parseTrans(TagParserApi &p, const Token &t, const QStringList &bits)
{
    if (bits.size() < 2) {
        p.fail(t, QStringLiteral("'%1' takes at least one argument").arg(bits[0]));
        return nullptr;
    }
    auto n = std::make_unique<TransNode>();
    if (!p.parseFilterExpr(bits[1], n->expr, t))
        return nullptr;
    bool noop = false;
    bool hasContext = false;
    QSet<QString> seen;
    for (qsizetype i = 2; i < bits.size(); ++i) {
        const QString &option = bits[i];
        if (seen.contains(option)) {
            p.fail(t, QStringLiteral("The '%1' option was specified more than once.").arg(option));
            return nullptr;
        }
        if (option == u"noop") {
            noop = true;
        } else if (option == u"context" || option == u"as") {
            if (i + 1 >= bits.size()) {
                p.fail(t, QStringLiteral("No argument provided to the '%1' tag for the %2 option.").arg(bits[0], option));
                return nullptr;
            }
            const QString value = bits[++i];
            if (option == u"as") {
                n->asVar = value;
            } else {
                if (value == u"as" || value == u"noop") {
                    p.fail(t, QStringLiteral("Invalid argument '%1' provided to the '%2' tag for the context option").arg(value, bits[0]));
                    return nullptr;
                }
                if (!p.parseFilterExpr(value, n->messageContext, t))
                    return nullptr;
                hasContext = true;
            }
        } else {
            p.fail(t, QStringLiteral("Unknown argument for '%1' tag: '%2'. The only options available are 'noop', "
                                     "'context' \"xxx\", and 'as VAR'.").arg(bits[0], option));
            return nullptr;
        }
        seen.insert(option);
    }
    // A `_("…")` message is translated however the tag says: Django resolves a constant when it
    // compiles the tag (a lazy translation), so neither noop nor context reaches it.
    const bool i18nLiteral = n->expr.base.translate;
    if (!i18nLiteral) {
        n->expr.base.translate = !noop;
        n->expr.base.messageContext = hasContext ? &n->messageContext : nullptr;
    }
    n->exprs = {&n->expr};
    if (hasContext)
        n->exprs.push_back(&n->messageContext);
    n->translates = i18nLiteral || !noop;
    if (!n->asVar.isEmpty()) {
        n->dynamics = 0;
        p.assigns(n->asVar);
    }
    return n;
}

/// Reads blocktrans's text and variables up to the next tag; the format and the names read.
QString readMessage(TagParserApi &p, QStringList &vars, const Token **stop, int *tokens = nullptr)
{
    QString msg;
    while (const Token *tok = p.nextToken()) {
        if (tokens)
            ++*tokens;
        if (tok->type == Token::Text) {
            msg += QString(tok->content).replace(u'%', QStringLiteral("%%"));
        } else if (tok->type == Token::Var) {
            msg += QStringLiteral("%(") + tok->content + QStringLiteral(")s");
            vars.append(tok->content);
        } else {
            *stop = tok;
            return msg;
        }
    }
    *stop = nullptr;
    return msg;
}

QString trimWhitespace(const QString &s)
{
    thread_local const QRegularExpression re(QStringLiteral("\\s*\\n\\s*"), QRegularExpression::UseUnicodePropertiesOption);
    return s.trimmed().replace(re, QStringLiteral(" "));
}

std::unique_ptr<Node> parseBlockTrans(TagParserApi &p, const Token &t, const QStringList &bits)
{
    auto n = std::make_unique<BlockTransNode>();
    n->tagName = bits[0];
    QStringList rest = bits.mid(1);
    QSet<QString> seen;
    bool trimmed = false;
    while (!rest.isEmpty()) {
        const QString option = rest.takeFirst();
        if (seen.contains(option)) {
            p.fail(t, QStringLiteral("The '%1' option was specified more than once.").arg(option));
            return nullptr;
        }
        seen.insert(option);
        if (option == u"with" || option == u"count") {
            std::vector<std::pair<QString, FilterExpr>> kwargs;
            if (!p.parseKwargs(rest, kwargs, t))
                return nullptr;
            if (option == u"with" && kwargs.empty()) {
                p.fail(t, QStringLiteral("\"with\" in '%1' tag needs at least one keyword argument.").arg(bits[0]));
                return nullptr;
            }
            if (option == u"count") {
                if (kwargs.size() != 1) {
                    p.fail(t, QStringLiteral("\"count\" in '%1' tag expected exactly one keyword argument.").arg(bits[0]));
                    return nullptr;
                }
                n->counterVar = kwargs[0].first;
                n->counter = std::move(kwargs[0].second);
                n->hasPlural = true;
            } else {
                n->with = std::move(kwargs);
            }
        } else if (option == u"context") {
            if (rest.isEmpty() || !p.parseFilterExpr(rest.takeFirst(), n->messageContext, t)) {
                p.fail(t, QStringLiteral("\"context\" in '%1' tag expected exactly one argument.").arg(bits[0]));
                return nullptr;
            }
            n->hasContext = true;
        } else if (option == u"trimmed") {
            trimmed = true;
        } else if (option == u"asvar") {
            if (rest.isEmpty()) {
                p.fail(t, QStringLiteral("No argument provided to the '%1' tag for the asvar option.").arg(bits[0]));
                return nullptr;
            }
            n->asVar = rest.takeFirst();
        } else {
            p.fail(t, QStringLiteral("Unknown argument for '%1' tag: '%2'.").arg(bits[0], option));
            return nullptr;
        }
    }
    const Token *stop = nullptr;
    n->singular = readMessage(p, n->vars, &stop);
    const QString endName = u"end" + bits[0];
    if (n->hasPlural && stop && stop->content.trimmed() == u"plural") {
        int tokens = 0;
        n->plural = readMessage(p, n->vars, &stop, &tokens);
        if (tokens == (stop ? 1 : 0)) // Django: an empty plural section means no plural at all
            n->hasPlural = false;
    } else if (n->hasPlural && stop && stop->content.trimmed() != endName) {
        p.fail(*stop, QStringLiteral("'%1' doesn't allow other block tags inside it").arg(bits[0]));
        return nullptr;
    }
    if (!stop) {
        p.fail(t, QStringLiteral("Unclosed tag on line %1: '%2'. Looking for one of: %3.").arg(t.line).arg(bits[0], endName));
        return nullptr;
    }
    if (stop->content.trimmed() != endName) {
        p.fail(*stop, QStringLiteral("'%1' doesn't allow other block tags (seen '%2') inside it").arg(bits[0], stop->content));
        return nullptr;
    }
    if (trimmed) {
        n->singular = trimWhitespace(n->singular);
        n->plural = trimWhitespace(n->plural);
    }
    for (const auto &[name, e] : n->with)
        n->exprs.push_back(&e);
    if (n->hasPlural)
        n->exprs.push_back(&n->counter);
    if (n->hasContext)
        n->exprs.push_back(&n->messageContext);
    for (const QString &name : std::as_const(n->vars))
        if (isPlainName(name)) {
            VarRef r;
            r.name = name;
            n->reads.push_back(r);
        }
    n->translates = true;
    if (!n->asVar.isEmpty()) {
        n->dynamics = 0;
        p.assigns(n->asVar);
    }
    return n;
}

std::unique_ptr<Node> parseLanguage(TagParserApi &p, const Token &t, const QStringList &bits)
{
    if (bits.size() != 2) {
        p.fail(t, QStringLiteral("'%1' takes one argument (language)").arg(bits[0]));
        return nullptr;
    }
    auto n = std::make_unique<LanguageNode>();
    if (!p.parseFilterExpr(bits[1], n->language, t))
        return nullptr;
    n->exprs = {&n->language};
    n->hasBody = true;
    n->dynamics = 0;
    QString end;
    n->body = p.parseBody({QStringLiteral("endlanguage")}, &end);
    return n;
}

std::unique_ptr<Node> parseCurrentLanguage(TagParserApi &p, const Token &t, const QStringList &bits)
{
    if (bits.size() != 3 || bits[1] != u"as") {
        p.fail(t, QStringLiteral("'%1' requires 'as variable' (got %2)").arg(bits[0], bits.join(u' ')));
        return nullptr;
    }
    auto n = std::make_unique<CurrentLanguageNode>();
    n->asVar = bits[2];
    n->bidi = bits[0] == u"get_current_language_bidi";
    n->translates = true;
    n->dynamics = 0;
    p.assigns(n->asVar);
    return n;
}

} // namespace

QStringList i18nTagNames()
{
    return {QStringLiteral("translate"), QStringLiteral("trans"), QStringLiteral("blocktranslate"),
            QStringLiteral("blocktrans"), QStringLiteral("language"), QStringLiteral("get_current_language"),
            QStringLiteral("get_current_language_bidi"), QStringLiteral("get_available_languages"),
            QStringLiteral("get_language_info"), QStringLiteral("get_language_info_list")};
}

std::unique_ptr<Node> parseI18nTag(TagParserApi &p, const Token &t, const QStringList &bits)
{
    const QString &name = bits[0];
    if (name == u"translate" || name == u"trans")
        return parseTrans(p, t, bits);
    if (name == u"blocktranslate" || name == u"blocktrans")
        return parseBlockTrans(p, t, bits);
    if (name == u"language")
        return parseLanguage(p, t, bits);
    if (name == u"get_current_language" || name == u"get_current_language_bidi")
        return parseCurrentLanguage(p, t, bits);
    p.fail(t, QStringLiteral("'%1' is not supported by liveactor (it needs Django's settings.LANGUAGES and LANG_INFO)").arg(name));
    return nullptr;
}

} // namespace LiveActor::TemplateDetail
