// Tag libraries: the registry behind `{% load %}`, the translation cache, the built-in
// libraries (i18n, l10n, humanize) and the nodes of library tags (simple and inclusion tags).

#include "template/escaping.h"
#include "template/library_p.h"

#include <QMutex>
#include <QRegularExpression>

#include <cmath>

namespace LiveActor {

using namespace TemplateDetail;

namespace {

struct Registry
{
    QMutex mutex;
    QHash<QString, std::shared_ptr<const TemplateLibrary>> libraries;
    TemplateLibraries::Resolver resolver;
    TemplateLibraries::Translator translator;
    QHash<QString, QString> translations; ///< cache: request key → translation
};

Registry &registry()
{
    static Registry r;
    return r;
}

QString requestKey(const TranslationRequest &r)
{
    // \x04 is gettext's context separator; it cannot occur in template text
    return r.language + u'\x04' + r.context + u'\x04' + r.singular
        + (r.hasPlural ? u'\x04' + r.plural + u'\x04' + QString::number(r.count, 'g', 17) : QString());
}

QString passThrough(const TranslationRequest &r)
{
    return r.hasPlural && r.count != 1 ? r.plural : r.singular;
}

} // namespace

void TemplateLibraries::add(std::shared_ptr<const TemplateLibrary> lib)
{
    if (!lib || builtinLibrary(lib->name))
        return;
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    r.libraries.insert(lib->name, std::move(lib));
}

void TemplateLibraries::remove(const QString &name)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    r.libraries.remove(name);
}

void TemplateLibraries::setResolver(Resolver resolver)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    r.resolver = std::move(resolver);
}

std::shared_ptr<const TemplateLibrary> TemplateLibraries::find(const QString &name)
{
    if (auto lib = builtinLibrary(name))
        return lib;
    Registry &r = registry();
    Resolver resolver;
    {
        QMutexLocker lock(&r.mutex);
        if (auto lib = r.libraries.value(name))
            return lib;
        resolver = r.resolver;
    }
    return resolver ? resolver(name) : nullptr;
}

QStringList TemplateLibraries::names()
{
    QStringList out = builtinLibraryNames();
    {
        Registry &r = registry();
        QMutexLocker lock(&r.mutex);
        out += r.libraries.keys();
    }
    out.sort();
    return out;
}

void TemplateLibraries::setTranslator(Translator translator)
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    r.translator = std::move(translator);
    r.translations.clear();
}

void TemplateLibraries::clearTranslationCache()
{
    Registry &r = registry();
    QMutexLocker lock(&r.mutex);
    r.translations.clear();
}

QString TemplateLibraries::translate(const TranslationRequest &request)
{
    if (request.singular.isEmpty() && !request.hasPlural)
        return {}; // gettext("") would be the catalog's header
    Registry &r = registry();
    const QString key = requestKey(request);
    Translator translator;
    {
        QMutexLocker lock(&r.mutex);
        if (auto it = r.translations.constFind(key); it != r.translations.constEnd())
            return *it;
        translator = r.translator;
    }
    if (!translator)
        return passThrough(request);
    const QString out = translator(request).value_or(passThrough(request));
    QMutexLocker lock(&r.mutex);
    if (r.translations.size() > 100000) // unbounded keys (translated variables): stay bounded
        r.translations.clear();
    r.translations.insert(key, out);
    return out;
}

namespace TemplateDetail {

QString activeLanguage(RenderApi &api)
{
    auto v = api.lookup(QStringLiteral("language"));
    return v && v->isString() ? v->toString() : QString();
}

std::optional<QString> percentFormat(const QString &format, const QHash<QString, QString> &data)
{
    QString out;
    out.reserve(format.size());
    for (qsizetype i = 0; i < format.size(); ++i) {
        if (format[i] != u'%') {
            out += format[i];
            continue;
        }
        if (i + 1 < format.size() && format[i + 1] == u'%') {
            out += u'%';
            ++i;
            continue;
        }
        if (i + 1 >= format.size() || format[i + 1] != u'(')
            return std::nullopt;
        const qsizetype close = format.indexOf(u')', i + 2);
        if (close < 0 || close + 1 >= format.size() || format[close + 1] != u's')
            return std::nullopt;
        auto it = data.constFind(format.mid(i + 2, close - i - 2));
        if (it == data.constEnd())
            return std::nullopt;
        out += *it;
        i = close + 1;
    }
    return out;
}

namespace {

// ---- simple and inclusion tags ----

struct CustomTagNode : LibraryNode
{
    std::shared_ptr<const TemplateTag> tag;
    std::vector<FilterExpr> args;
    std::vector<std::pair<QString, FilterExpr>> kwargs;
    QString asVar;

    void render(RenderApi &api, DynList &out) const override
    {
        TemplateTagCall call;
        call.autoescape = api.autoescape();
        for (const FilterExpr &e : args) {
            auto v = api.resolve(e, false);
            if (!v)
                return;
            call.args.append(*v);
        }
        for (const auto &[k, e] : kwargs) {
            auto v = api.resolve(e, false);
            if (!v)
                return;
            call.kwargs.append({k, *v});
        }
        ValueMap visible;
        if (tag->takesContext) {
            visible = api.visibleVariables();
            call.context = &visible;
        }
        auto result = tag->call(call);
        if (!result) {
            api.fail(QStringLiteral("tag '%1' raised: %2").arg(tag->name, result.error().message));
            return;
        }
        if (tag->kind == TemplateTag::Kind::Inclusion) {
            const ValueMap *vars = result->map();
            if (!vars) {
                api.fail(QStringLiteral("inclusion tag '%1' must return a dict").arg(tag->name));
                return;
            }
            out.push_back(Dyn{QByteArray(), api.renderTemplate(tag->templateName, *vars), nullptr});
            return;
        }
        if (!asVar.isEmpty()) {
            api.set(asVar, *result);
            return;
        }
        // Django: conditional_escape(output) with autoescape, else str(output)
        QByteArray bytes;
        if (result->isSafe() || !api.autoescape())
            bytes = result->toString().toUtf8();
        else
            appendHtmlEscaped(bytes, result->toString());
        out.push_back(Dyn{bytes, nullptr, nullptr});
    }
};

std::unique_ptr<Node> parseCustomTag(TagParserApi &p, const std::shared_ptr<const TemplateTag> &tag, const Token &t,
                                     const QStringList &bits)
{
    auto n = std::make_unique<CustomTagNode>();
    n->tag = tag;
    n->isVolatile = true;
    QStringList rest = bits.mid(1);
    if (tag->kind == TemplateTag::Kind::Simple && rest.size() >= 2 && rest[rest.size() - 2] == u"as") {
        n->asVar = rest.last();
        n->dynamics = 0;
        p.assigns(n->asVar);
        rest = rest.mid(0, rest.size() - 2);
    }
    thread_local const QRegularExpression kwRe(QStringLiteral("^(\\w+)=(.+)$"));
    for (const QString &bit : rest) {
        const auto m = kwRe.match(bit);
        FilterExpr e;
        if (m.hasMatch()) {
            for (const auto &kw : n->kwargs)
                if (kw.first == m.captured(1)) {
                    p.fail(t, QStringLiteral("'%1' received multiple values for keyword argument '%2'").arg(bits[0], kw.first));
                    return nullptr;
                }
            if (!p.parseFilterExpr(m.captured(2), e, t))
                return nullptr;
            n->kwargs.emplace_back(m.captured(1), std::move(e));
        } else {
            if (!n->kwargs.empty()) {
                p.fail(t, QStringLiteral("'%1' received some positional argument(s) after some keyword argument(s)").arg(bits[0]));
                return nullptr;
            }
            if (!p.parseFilterExpr(bit, e, t))
                return nullptr;
            n->args.push_back(std::move(e));
        }
    }
    for (const auto &e : n->args)
        n->exprs.push_back(&e);
    for (const auto &[k, e] : n->kwargs)
        n->exprs.push_back(&e);
    return n;
}

// ---- l10n ----

/// `{% localize on|off %}`: liveactor does not localize numbers, so the body renders as it is.
struct LocalizeNode : LibraryNode
{
    void render(RenderApi &api, DynList &out) const override { api.renderOps(ops, out); }
};

std::unique_ptr<Node> parseLocalize(TagParserApi &p, const Token &t, const QStringList &bits)
{
    if (bits.size() > 2) {
        p.fail(t, QStringLiteral("'%1' takes one argument").arg(bits[0]));
        return nullptr;
    }
    if (bits.size() == 2 && bits[1] != u"on" && bits[1] != u"off") {
        p.fail(t, QStringLiteral("'%1' argument should be 'on' or 'off'").arg(bits[0]));
        return nullptr;
    }
    auto n = std::make_unique<LocalizeNode>();
    n->hasBody = true;
    n->dynamics = 0;
    QString end;
    n->body = p.parseBody({QStringLiteral("endlocalize")}, &end);
    return n;
}

// ---- humanize (English output; Django's defaults: USE_L10N off, en) ----

/// Python int(value): ints, bools, floats (truncated) and integer strings.
std::optional<qint64> pyIntOf(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Int:
    case Value::Type::Bool: return v.toInt();
    case Value::Type::Float: {
        const double d = v.toDouble();
        if (!std::isfinite(d) || std::abs(d) > 9.2e18)
            return std::nullopt;
        return qint64(d);
    }
    case Value::Type::String:
    case Value::Type::SafeString: {
        QString s = v.toString().trimmed();
        s.remove(u'_');
        bool ok = false;
        const qint64 i = s.toLongLong(&ok);
        if (!ok || v.toString().contains(u"__") || v.toString().trimmed().startsWith(u'_')
            || v.toString().trimmed().endsWith(u'_'))
            return std::nullopt;
        return i;
    }
    default: return std::nullopt;
    }
}

/// Groups the leading digits of s in threes with commas ("-1234.5" → "-1,234.5").
QString groupThousands(const QString &s)
{
    qsizetype start = s.startsWith(u'-') ? 1 : 0;
    qsizetype end = start;
    while (end < s.size() && s[end].isDigit() && s[end].unicode() < 128)
        ++end;
    if (end == start)
        return s;
    QString digits = s.mid(start, end - start);
    for (qsizetype i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, u',');
    return s.left(start) + digits + s.mid(end);
}

TemplateResult<Value> hIntcomma(const Value &in, const Value *, bool)
{
    if (in.type() == Value::Type::Float)
        return Value(groupThousands(displayString(in)));
    if (auto i = pyIntOf(in))
        return Value(groupThousands(QString::number(*i)));
    return Value(groupThousands(in.toString()));
}

TemplateResult<Value> hIntword(const Value &in, const Value *, bool)
{
    auto i = pyIntOf(in);
    if (!i)
        return in;
    if (std::abs(double(*i)) < 1e6)
        return Value(*i);
    static const char *const names[] = {"million", "billion", "trillion", "quadrillion", "quintillion"};
    for (int k = 0; k < 5; ++k) {
        const double large = std::pow(10.0, 6 + 3 * k);
        if (std::abs(double(*i)) < large * 1000) {
            const Value scaled(double(*i) / large);
            const Value one(qint64(1));
            FilterEnv env;
            const QString number = findFilter(QStringLiteral("floatformat"))->fn(scaled, &one, env).toString();
            return Value(QStringLiteral("%1 %2").arg(number, QLatin1StringView(names[k])));
        }
    }
    return Value(*i);
}

TemplateResult<Value> hApnumber(const Value &in, const Value *, bool)
{
    auto i = pyIntOf(in);
    if (!i)
        return in;
    static const char *const words[] = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    if (*i <= 0 || *i >= 10)
        return Value(*i);
    return Value(QString::fromLatin1(words[*i - 1]));
}

TemplateResult<Value> hOrdinal(const Value &in, const Value *, bool)
{
    auto i = pyIntOf(in);
    if (!i)
        return in;
    const qint64 mod100 = ((*i % 100) + 100) % 100; // Python's modulo
    static const char *const suffix[] = {"th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th"};
    const char *s = (mod100 >= 11 && mod100 <= 13) ? "th" : suffix[((*i % 10) + 10) % 10];
    return Value::safe(QString::number(*i) + QLatin1StringView(s));
}

TemplateResult<Value> hNaturalday(const Value &in, const Value *arg, bool)
{
    const QDateTime dt = in.dateTime();
    if (!dt.isValid())
        return in;
    const qint64 days = QDate::currentDate().daysTo(dt.date());
    if (days == 0)
        return Value(QStringLiteral("today"));
    if (days == 1)
        return Value(QStringLiteral("tomorrow"));
    if (days == -1)
        return Value(QStringLiteral("yesterday"));
    const QString format = arg && !arg->isNull() ? arg->toString() : QStringLiteral("DATE_FORMAT");
    return Value(formatDate(QDateTime(dt.date(), QTime(0, 0)), format));
}

/// Django's NaturalTimeFormatter (English): "now", "a minute ago", "3 hours from now", and past a
/// day timesince/timeuntil + " ago"/" from now".
TemplateResult<Value> hNaturaltime(const Value &in, const Value *, bool)
{
    const QDateTime value = in.dateTime();
    if (!value.isValid())
        return in;
    const QDateTime now = QDateTime::currentDateTime();
    const bool past = value < now;
    const qint64 secs = past ? value.secsTo(now) : now.secsTo(value);
    if (secs >= 86400) { // timesince's "2 days, 3 hours" with the same non-breaking spaces
        const FilterEnv env;
        const Value a(past ? value : now), b(past ? now : value);
        const QString delta = findFilter(QStringLiteral("timesince"))->fn(a, &b, env).toString();
        return Value(delta + (past ? QStringLiteral(" ago") : QStringLiteral(" from now")));
    }
    if (secs == 0)
        return Value(QStringLiteral("now"));
    const char *unit = secs < 60 ? "second" : secs < 3600 ? "minute" : "hour";
    const qint64 count = secs < 60 ? secs : secs < 3600 ? secs / 60 : secs / 3600;
    const QString when = past ? QStringLiteral(" ago") : QStringLiteral(" from now");
    if (count == 1)
        return Value((unit[0] == 'h' ? QStringLiteral("an ") : QStringLiteral("a ")) + QLatin1StringView(unit) + when);
    return Value(QString::number(count) + u'\u00a0' + QLatin1StringView(unit) + u's' + when); // Django's nbsp
}

TemplateResult<Value> lLocalize(const Value &in, const Value *, bool)
{
    return in.isString() ? in : Value(displayString(in));
}

TemplateResult<Value> lUnlocalize(const Value &in, const Value *, bool)
{
    return in.isString() ? in : Value(in.toString());
}

using FilterFn = TemplateResult<Value> (*)(const Value &, const Value *, bool);

void addFilter(TemplateLibrary &lib, const char *name, TemplateFilter::Args args, bool safe, FilterFn fn)
{
    auto f = std::make_shared<TemplateFilter>();
    f->name = QString::fromLatin1(name);
    f->args = args;
    f->isSafe = safe;
    if (fn)
        f->call = fn;
    lib.filters.insert(f->name, f);
}

void addNativeTags(TemplateLibrary &lib, const QStringList &names)
{
    for (const QString &name : names) {
        auto t = std::make_shared<TemplateTag>();
        t->name = name;
        t->kind = TemplateTag::Kind::Native;
        lib.tags.insert(name, t);
    }
}

QHash<QString, std::shared_ptr<const TemplateLibrary>> makeBuiltins()
{
    using A = TemplateFilter::Args;
    QHash<QString, std::shared_ptr<const TemplateLibrary>> out;
    auto i18n = std::make_shared<TemplateLibrary>();
    i18n->name = QStringLiteral("i18n");
    addNativeTags(*i18n, i18nTagNames());
    for (const char *f : {"language_name", "language_name_translated", "language_name_local", "language_bidi"})
        addFilter(*i18n, f, A::None, false, nullptr); // need Django's LANG_INFO: not supported
    out.insert(i18n->name, i18n);

    auto l10n = std::make_shared<TemplateLibrary>();
    l10n->name = QStringLiteral("l10n");
    addNativeTags(*l10n, {QStringLiteral("localize")});
    addFilter(*l10n, "localize", A::None, false, lLocalize);
    addFilter(*l10n, "unlocalize", A::None, false, lUnlocalize);
    out.insert(l10n->name, l10n);

    auto humanize = std::make_shared<TemplateLibrary>();
    humanize->name = QStringLiteral("humanize");
    addFilter(*humanize, "intcomma", A::None, true, hIntcomma);
    addFilter(*humanize, "intword", A::None, false, hIntword);
    addFilter(*humanize, "apnumber", A::None, true, hApnumber);
    addFilter(*humanize, "ordinal", A::None, true, hOrdinal);
    addFilter(*humanize, "naturalday", A::Optional, false, hNaturalday);
    addFilter(*humanize, "naturaltime", A::None, false, hNaturaltime);
    out.insert(humanize->name, humanize);
    return out;
}

} // namespace

std::shared_ptr<const TemplateLibrary> builtinLibrary(const QString &name)
{
    static const auto builtins = makeBuiltins();
    return builtins.value(name);
}

QStringList builtinLibraryNames()
{
    return {QStringLiteral("humanize"), QStringLiteral("i18n"), QStringLiteral("l10n")};
}

std::unique_ptr<Node> parseLibraryTag(TagParserApi &p, const std::shared_ptr<const TemplateTag> &tag,
                                      const Token &t, const QStringList &bits)
{
    std::unique_ptr<Node> n;
    if (tag->kind != TemplateTag::Kind::Native)
        n = parseCustomTag(p, tag, t, bits);
    else if (tag->name == u"localize")
        n = parseLocalize(p, t, bits);
    else
        n = parseI18nTag(p, t, bits);
    if (n) {
        n->line = t.line;
        n->column = t.column;
        n->templateName = p.templateName();
    }
    return n;
}

} // namespace TemplateDetail

} // namespace LiveActor
