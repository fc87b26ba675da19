// Django's built-in filters (django/template/defaultfilters.py, 3.2 semantics) and date formats.

#include "template/compiled_p.h"
#include "template/djangotext_p.h"
#include "template/escaping.h"
#include "template/pyrepr_p.h"
#include "template/unicodetext_p.h"

#include <QLocale>
#include <QRandomGenerator>
#include <QTimeZone>
#include <QRegularExpression>
#include <QUrl>

#include <cmath>

namespace LiveActor::TemplateDetail {

namespace {

const QString nbsp = QStringLiteral("\u00a0");

// @stringfilter's str(): Python's str() (floats keep their repr, e.g. 1e-07)
QString str(const Value &v) { return v.toString(); }

// Django's escape() as a string: appendHtmlEscaped (the one HTML escaper) decoded back to UTF-16.
QString htmlEscape(const QString &s)
{
    QByteArray out;
    appendHtmlEscaped(out, s);
    return QString::fromUtf8(out);
}

bool pyInt(const Value &v, qint64 *out)
{
    switch (v.type()) {
    case Value::Type::Bool:
    case Value::Type::Int:
        *out = v.toInt();
        return true;
    case Value::Type::Float: {
        // Python's int() of a float beyond 64 bits is a big int we cannot hold: not an int here.
        const double d = v.toDouble();
        if (!std::isfinite(d) || d >= 9223372036854775807.0 || d < -9223372036854775808.0)
            return false;
        *out = v.toInt();
        return true;
    }
    case Value::Type::String:
    case Value::Type::SafeString:
        if (const auto n = PyText::parseInt(v.toString())) {
            *out = *n;
            return true;
        }
        return false;
    default: return false;
    }
}

std::optional<qsizetype> pyLen(const Value &v)
{
    if (v.isString())
        return PyText::length(v.toString());
    if (v.list())
        return v.list()->size();
    if (v.map())
        return v.map()->size();
    if (v.object()) {
        if (auto l = v.iterate())
            return l->size();
    }
    return std::nullopt;
}

Value safeIf(bool safe, const QString &s) { return safe ? Value::safe(s) : Value(s); }

QByteArray int128Text(__int128 v)
{
    const bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    QByteArray out;
    do {
        out.prepend(char('0' + int(u % 10)));
        u /= 10;
    } while (u != 0);
    return neg ? '-' + out : out;
}

Value fAdd(const Value &in, const Value *arg, const FilterEnv &)
{
    qint64 a, b;
    if (pyInt(in, &a) && pyInt(*arg, &b)) {
        qint64 sum;
        if (!__builtin_add_overflow(a, b, &sum))
            return Value(sum);
        // Python ints do not overflow: show the exact sum (as text, the one place it leaves 64 bits).
        return Value(QString::fromLatin1(int128Text(__int128(a) + b)));
    }
    if (in.isString() && arg->isString()) // SafeString + SafeString stays safe (Python __add__)
        return safeIf(in.isSafe() && arg->isSafe(), in.toString() + arg->toString());
    if (in.list() && arg->list())
        return Value(*in.list() + *arg->list());
    if ((in.type() == Value::Type::Float || in.type() == Value::Type::Int) && arg->isNumber())
        return Value(in.toDouble() + arg->toDouble());
    return Value(QString());
}

Value fCapfirst(const Value &in, const Value *, const FilterEnv &)
{
    const QString s = str(in);
    if (s.isEmpty())
        return Value(s);
    const qsizetype first = PyText::unitIndex(s, 1);
    return Value(s.left(first).toUpper() + s.mid(first));
}

Value padFilter(const Value &in, const Value *arg, PyText::Align align)
{
    qint64 w;
    if (!pyInt(*arg, &w))
        return Value(str(in));
    return Value(PyText::pad(str(in), w, align));
}
Value fCenter(const Value &in, const Value *arg, const FilterEnv &) { return padFilter(in, arg, PyText::Align::Center); }
Value fLjust(const Value &in, const Value *arg, const FilterEnv &) { return padFilter(in, arg, PyText::Align::Left); }
Value fRjust(const Value &in, const Value *arg, const FilterEnv &) { return padFilter(in, arg, PyText::Align::Right); }

Value fCut(const Value &in, const Value *arg, const FilterEnv &)
{
    const bool safe = in.isSafe();
    QString s = str(in);
    const QString a = str(*arg);
    if (!a.isEmpty())
        s.remove(a);
    return safeIf(safe && a != u";", s);
}

// Django's named formats (global_settings defaults) are accepted wherever a format is
QString resolveDateFormat(const QString &formatOrName)
{
    static const QHash<QString, QString> named = {
        {QStringLiteral("DATE_FORMAT"), QStringLiteral("N j, Y")},
        {QStringLiteral("DATETIME_FORMAT"), QStringLiteral("N j, Y, P")},
        {QStringLiteral("TIME_FORMAT"), QStringLiteral("P")},
        {QStringLiteral("YEAR_MONTH_FORMAT"), QStringLiteral("F Y")},
        {QStringLiteral("MONTH_DAY_FORMAT"), QStringLiteral("F j")},
        {QStringLiteral("SHORT_DATE_FORMAT"), QStringLiteral("m/d/Y")},
        {QStringLiteral("SHORT_DATETIME_FORMAT"), QStringLiteral("m/d/Y P")},
    };
    return named.value(formatOrName, formatOrName);
}

// Whether a format uses one of the (unescaped) specifiers in `chars`.
bool usesSpecifier(const QString &format, QStringView chars)
{
    for (qsizetype i = 0; i < format.size(); ++i) {
        if (format[i] == u'\\')
            ++i;
        else if (chars.contains(format[i]))
            return true;
    }
    return false;
}

Value fDate(const Value &in, const Value *arg, const FilterEnv &)
{
    if (in.type() != Value::Type::DateTime)
        return Value(QString());
    const QString format = resolveDateFormat(arg ? str(*arg) : QStringLiteral("N j, Y"));
    // Django refuses time specifiers for a date (TypeError)
    if (in.isDate() && usesSpecifier(format, u"aAefgGhHiOPsTuZr"))
        return Value(QString());
    return Value(formatDate(in.dateTime(), format, in.isDate()));
}

Value fTime(const Value &in, const Value *arg, const FilterEnv &)
{
    if (in.type() != Value::Type::DateTime)
        return Value(QString());
    const QString format = resolveDateFormat(arg ? str(*arg) : QStringLiteral("P"));
    // Django's TimeFormat knows only the time specifiers: a date one, or any for a date (which has
    // no time of day), makes the filter print ""
    static const QString dateSpecifiers = QStringLiteral("bcdDEFIjlLmMnNorStUwWyYz");
    static const QString allSpecifiers = dateSpecifiers + QStringLiteral("aAefgGhHiOPsTuZ");
    if (usesSpecifier(format, in.isDate() ? allSpecifiers : dateSpecifiers))
        return Value(QString());
    return Value(formatDate(in.dateTime(), format));
}

Value fDefault(const Value &in, const Value *arg, const FilterEnv &) { return in.isTruthy() ? in : *arg; }
Value fDefaultIfNone(const Value &in, const Value *arg, const FilterEnv &) { return in.isNull() ? *arg : in; }

std::optional<Value> lookupPath(const Value &item, const QString &path)
{
    std::optional<Value> cur = item;
    for (const QString &seg : path.split(u'.')) {
        cur = cur->lookup(seg);
        if (!cur)
            return std::nullopt;
    }
    return cur;
}

Value dictsortImpl(const Value &in, const Value *arg, bool reverse)
{
    auto items = in.iterate();
    if (!items || (in.isString() && !items->isEmpty()))
        return Value(QString());
    const QString key = str(*arg);
    std::vector<std::pair<Value, Value>> keyed;
    for (const Value &i : *items) {
        auto k = lookupPath(i, key);
        if (!k)
            return Value(QString());
        keyed.emplace_back(*k, i);
    }
    bool typeError = false;
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto &a, const auto &b) {
        auto lt = reverse ? b.first.lessThan(a.first) : a.first.lessThan(b.first);
        if (!lt) {
            typeError = true;
            return false;
        }
        return *lt;
    });
    if (typeError)
        return Value(QString());
    ValueList out;
    for (auto &p : keyed)
        out.append(p.second);
    return Value(out);
}
Value fDictsort(const Value &in, const Value *arg, const FilterEnv &) { return dictsortImpl(in, arg, false); }
Value fDictsortReversed(const Value &in, const Value *arg, const FilterEnv &) { return dictsortImpl(in, arg, true); }

Value fDivisibleby(const Value &in, const Value *arg, const FilterEnv &)
{
    qint64 a, b;
    if (!pyInt(in, &a) || !pyInt(*arg, &b) || b == 0)
        return Value(QString());
    return Value(b == -1 || a % b == 0); // INT64_MIN % -1 traps on x86
}

Value fEscape(const Value &in, const Value *, const FilterEnv &)
{
    if (in.isSafe())
        return in;
    return Value::safe(htmlEscape(str(in)));
}

Value fForceEscape(const Value &in, const Value *, const FilterEnv &) { return Value::safe(htmlEscape(str(in))); }

Value fEscapejs(const Value &in, const Value *, const FilterEnv &)
{
    const QString s = str(in);
    QString out;
    for (QChar c : s) {
        const ushort u = c.unicode();
        if (u < 32 || u == '\\' || u == '\'' || u == '"' || u == '>' || u == '<' || u == '&' || u == '='
            || u == '-' || u == ';' || u == '`' || u == 0x2028 || u == 0x2029)
            out += QStringLiteral("\\u%1").arg(u, 4, 16, QChar(u'0')).toUpper().replace(QStringLiteral("\\U"), QStringLiteral("\\u"));
        else
            out += c;
    }
    return Value::safe(out);
}

QString numberFormat1(double v)
{
    // formats.number_format(round(v, 1), 1)
    return QString::number(v, 'f', 1);
}

Value fFilesizeformat(const Value &in, const Value *, const FilterEnv &)
{
    qint64 whole = 0; // Django: bytes_ = int(bytes_), "0 bytes" when that fails
    if (!pyInt(in, &whole))
        return Value(QStringLiteral("0") + nbsp + QStringLiteral("bytes"));
    double bytes = double(whole);
    const bool negative = bytes < 0;
    if (negative)
        bytes = -bytes;
    const double KB = 1024, MB = KB * 1024, GB = MB * 1024, TB = GB * 1024, PB = TB * 1024;
    QString value;
    if (bytes < KB) {
        const qint64 b = qint64(bytes);
        value = QString::number(b) + (b == 1 ? QStringLiteral(" byte") : QStringLiteral(" bytes"));
    } else if (bytes < MB) {
        value = numberFormat1(bytes / KB) + QStringLiteral(" KB");
    } else if (bytes < GB) {
        value = numberFormat1(bytes / MB) + QStringLiteral(" MB");
    } else if (bytes < TB) {
        value = numberFormat1(bytes / GB) + QStringLiteral(" GB");
    } else if (bytes < PB) {
        value = numberFormat1(bytes / TB) + QStringLiteral(" TB");
    } else {
        value = numberFormat1(bytes / PB) + QStringLiteral(" PB");
    }
    if (negative)
        value = u'-' + value;
    value.replace(u' ', nbsp);
    return Value(value);
}

Value fFirst(const Value &in, const Value *, const FilterEnv &)
{
    if (in.isString()) {
        const QString s = in.toString();
        return Value(PyText::left(s, 1));
    }
    auto l = in.iterate();
    if (!l || l->isEmpty())
        return Value(QString());
    return l->first();
}

Value fLast(const Value &in, const Value *, const FilterEnv &)
{
    if (in.isString()) {
        const QString s = in.toString();
        const qsizetype n = PyText::length(s);
        return Value(s.mid(PyText::unitIndex(s, n - 1)));
    }
    auto l = in.iterate();
    if (!l || l->isEmpty())
        return Value(QString());
    return l->last();
}

// Decimal digits of a value for floatformat: sign, digits, exponent (value = digits × 10^exp).
struct Dec { bool neg = false; QByteArray digits; int exp = 0; };

std::optional<Dec> toDec(const Value &v)
{
    QByteArray text;
    if (v.type() == Value::Type::Int || v.type() == Value::Type::Bool)
        text = QByteArray::number(v.toInt());
    else if (v.type() == Value::Type::Float)
        text = pyFloatRepr(v.toDouble());
    else if (v.isString()) {
        const auto d = PyText::parseFloat(v.toString());
        if (!d)
            return std::nullopt;
        text = pyFloatRepr(*d);
    } else {
        return std::nullopt;
    }
    if (text.contains("inf") || text.contains("nan"))
        return std::nullopt;
    Dec d;
    if (text.startsWith('-')) {
        d.neg = true;
        text.remove(0, 1);
    }
    int e = 0;
    const qsizetype epos = text.indexOf('e');
    if (epos >= 0) {
        e = text.mid(epos + 1).toInt();
        text.truncate(epos);
    }
    const qsizetype dot = text.indexOf('.');
    if (dot >= 0) {
        e -= int(text.size() - dot - 1);
        text.remove(dot, 1);
    }
    d.digits = text;
    d.exp = e;
    return d;
}

Value fFloatformat(const Value &in, const Value *arg, const FilterEnv &)
{
    auto dopt = toDec(in);
    if (!dopt)
        return Value(QString());
    Dec d = *dopt;
    qint64 p = -1;
    // Beyond kMaxFloatformatPlaces the output would be megabytes of zeros (or an allocation failure): the input
    // is returned unchanged, as for a precision that is not a number.
    constexpr qint64 kMaxFloatformatPlaces = 10000;
    if (arg && (!pyInt(*arg, &p) || p > kMaxFloatformatPlaces || p < -kMaxFloatformatPlaces))
        return Value(in.toString());
    // is the value an integer?
    bool isInt = true;
    for (qsizetype i = d.digits.size() + d.exp; i < d.digits.size(); ++i)
        if (i >= 0 && d.digits[i] != '0')
            isInt = false;
    if (d.exp >= 0)
        isInt = true;
    if (isInt && p < 0) {
        // '%d' % int(d)
        QByteArray intDigits = d.exp >= 0 ? d.digits + QByteArray(d.exp, '0')
                                          : d.digits.left(qMax<qsizetype>(0, d.digits.size() + d.exp));
        while (intDigits.size() > 1 && intDigits[0] == '0')
            intDigits.remove(0, 1);
        if (intDigits.isEmpty())
            intDigits = "0";
        const bool neg = d.neg && intDigits != "0";
        return Value::safe(QString::fromLatin1((neg ? "-" : "") + intDigits));
    }
    const int places = int(std::abs(p));
    // round half up to `places` decimals
    QByteArray digits = d.digits;
    int exp = d.exp;
    if (exp < -places) {
        const int drop = -places - exp;
        QByteArray keep = digits.size() > drop ? digits.left(digits.size() - drop) : QByteArray();
        const char first = digits.size() >= drop ? digits[digits.size() - drop] : '0';
        if (keep.isEmpty())
            keep = "0";
        if (first >= '5') {
            int i = int(keep.size()) - 1;
            while (i >= 0) {
                if (keep[i] == '9') {
                    keep[i] = '0';
                    --i;
                } else {
                    keep[i] = char(keep[i] + 1);
                    break;
                }
            }
            if (i < 0)
                keep.prepend('1');
        }
        digits = keep;
        exp = -places;
    }
    while (exp > -places) {
        digits.append('0');
        --exp;
    }
    while (digits.size() <= places)
        digits.prepend('0');
    QByteArray number = digits.left(digits.size() - places);
    if (places > 0)
        number += '.' + digits.right(places);
    while (number.size() > 1 && number[0] == '0' && number[1] != '.')
        number.remove(0, 1);
    bool nonzero = false;
    for (char c : digits)
        if (c != '0')
            nonzero = true;
    if (d.neg && nonzero)
        number.prepend('-');
    return Value::safe(QString::fromLatin1(number));
}

Value fJoin(const Value &in, const Value *arg, const FilterEnv &env)
{
    auto items = in.iterate();
    if (!items || in.isString()) {
        if (in.isString()) {
            // joining a string joins its characters
        } else {
            return in;
        }
    }
    QStringList parts;
    for (const Value &v : *items) {
        // without autoescape Django joins the raw items: str.join raises on non-strings and the
        // filter then returns its input unchanged
        if (!env.autoescape && !v.isString())
            return in;
        parts.append(env.autoescape && !v.isSafe() ? htmlEscape(str(v)) : str(v));
    }
    const QString sep = env.autoescape && !arg->isSafe() ? htmlEscape(str(*arg)) : str(*arg);
    return Value::safe(parts.join(sep));
}

Value fJsonScript(const Value &in, const Value *arg, const FilterEnv &)
{
    QString json = QString::fromLatin1(in.toJsonText(true));
    json.replace(u'<', QStringLiteral("\\u003C")).replace(u'>', QStringLiteral("\\u003E")).replace(u'&', QStringLiteral("\\u0026"));
    return Value::safe(QStringLiteral("<script id=\"%1\" type=\"application/json\">%2</script>")
                           .arg(arg->isSafe() ? str(*arg) : htmlEscape(str(*arg)), json));
}

Value fLength(const Value &in, const Value *, const FilterEnv &)
{
    auto n = pyLen(in);
    return Value(qint64(n.value_or(0)));
}

Value fLengthIs(const Value &in, const Value *arg, const FilterEnv &)
{
    auto n = pyLen(in);
    qint64 want;
    if (!n || !pyInt(*arg, &want))
        return Value(QString());
    return Value(*n == want);
}

QString normalizeNewlines(QString s)
{
    s.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    s.replace(u'\r', u'\n');
    return s;
}

Value fLinebreaks(const Value &in, const Value *, const FilterEnv &env)
{
    const bool autoescape = env.autoescape && !in.isSafe();
    const QString value = normalizeNewlines(str(in));
    thread_local const QRegularExpression paraSep(QStringLiteral("\n{2,}"));
    const QStringList paras = value.split(paraSep);
    QStringList out;
    for (QString p : paras) {
        if (autoescape)
            p = htmlEscape(p);
        p.replace(u'\n', QStringLiteral("<br>"));
        out.append(u"<p>" + p + u"</p>");
    }
    return Value::safe(out.join(QStringLiteral("\n\n")));
}

Value fLinebreaksbr(const Value &in, const Value *, const FilterEnv &env)
{
    const bool autoescape = env.autoescape && !in.isSafe();
    QString value = normalizeNewlines(str(in));
    if (autoescape)
        value = htmlEscape(value);
    value.replace(u'\n', QStringLiteral("<br>"));
    return Value::safe(value);
}

Value fLower(const Value &in, const Value *, const FilterEnv &) { return Value(str(in).toLower()); }
Value fUpper(const Value &in, const Value *, const FilterEnv &) { return Value(str(in).toUpper()); }

Value fMakeList(const Value &in, const Value *, const FilterEnv &)
{
    return Value(*Value(str(in)).iterate());
}

Value fPluralize(const Value &in, const Value *arg, const FilterEnv &)
{
    QString a = arg ? str(*arg) : QStringLiteral("s");
    if (!a.contains(u','))
        a = u',' + a;
    const QStringList bits = a.split(u',');
    if (bits.size() > 2)
        return Value(QString());
    const QString singular = bits[0], plural = bits[1];
    if (in.isNumber() || in.type() == Value::Type::Bool)
        return Value(in.toDouble() == 1 ? singular : plural);
    if (in.isString()) {
        const auto d = PyText::parseFloat(in.toString());
        if (!d)
            return Value(QString());
        return Value(*d == 1 ? singular : plural);
    }
    if (auto n = pyLen(in))
        return Value(*n == 1 ? singular : plural);
    return Value(QString());
}

Value fSafe(const Value &in, const Value *, const FilterEnv &) { return in.isSafe() ? in : Value::safe(str(in)); }

Value fSlice(const Value &in, const Value *arg, const FilterEnv &)
{
    const QStringList bits = str(*arg).split(u':');
    if (bits.size() > 3)
        return in;
    std::optional<qint64> b[3];
    for (qsizetype i = 0; i < bits.size(); ++i) {
        if (bits[i].isEmpty())
            continue;
        bool ok = false;
        b[i] = bits[i].trimmed().toLongLong(&ok);
        if (!ok)
            return in;
    }
    if (bits.size() == 1) { // slice(x) == slice(None, x)
        b[1] = b[0];
        b[0].reset();
    }
    const qint64 step = b[2].value_or(1);
    if (step == 0)
        return in;
    const bool isStr = in.isString();
    std::optional<ValueList> items;
    std::u32string s;
    qint64 len;
    if (isStr) {
        s = PyText::codePoints(in.toString());
        len = qint64(s.size());
    } else {
        items = in.list() ? std::optional<ValueList>(*in.list()) : std::nullopt;
        if (!items)
            return in;
        len = items->size();
    }
    auto norm = [&](std::optional<qint64> v, qint64 def, bool isStart) -> qint64 {
        if (!v)
            return def;
        qint64 x = *v;
        if (x < 0)
            x += len;
        if (step > 0)
            return std::clamp<qint64>(x, 0, len);
        Q_UNUSED(isStart);
        return std::clamp<qint64>(x, -1, len - 1);
    };
    const qint64 start = norm(b[0], step > 0 ? 0 : len - 1, true);
    const qint64 stop = norm(b[1], step > 0 ? len : -1, false);
    std::u32string rs;
    ValueList rl;
    for (qint64 i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (isStr)
            rs += s[size_t(i)];
        else
            rl.append((*items)[i]);
    }
    if (isStr)
        return Value(PyText::fromCodePoints(rs));
    return Value(rl);
}

Value fSlugify(const Value &in, const Value *, const FilterEnv &)
{
    // NFKD, drop non-ASCII, lower; drop what is not \w, \s or '-'; runs of '-' and \s become one
    // '-'; strip '-' and '_' at both ends. Python's \s includes \x1c-\x1f.
    const QString s = str(in).normalized(QString::NormalizationForm_KD);
    QString out;
    bool inDash = false;
    for (QChar c : s) {
        const char16_t u = c.toLower().unicode();
        if (u >= 128)
            continue;
        if (u == u'-' || PyText::isSpace(u)) {
            if (!inDash)
                out += u'-';
            inDash = true;
        } else if (PyText::isWordChar(u)) {
            out += QChar(u);
            inDash = false;
        }
    }
    qsizetype b = 0, e = out.size();
    while (b < e && (out[b] == u'-' || out[b] == u'_'))
        ++b;
    while (e > b && (out[e - 1] == u'-' || out[e - 1] == u'_'))
        --e;
    return Value(out.mid(b, e - b));
}

Value fStringformat(const Value &in, const Value *arg, const FilterEnv &)
{
    thread_local const QRegularExpression spec(QStringLiteral("^([-+ 0#]*)(\\d*)(?:\\.(\\d+))?([sdifeEgGxXor])$"));
    const auto m = spec.match(str(*arg));
    if (!m.hasMatch())
        return Value(QString());
    const QString flags = m.captured(1);
    const int width = m.captured(2).toInt();
    const bool hasPrec = m.capturedLength(3) > 0;
    const int prec = m.captured(3).toInt();
    const QChar conv = m.captured(4)[0];
    if (width > PyText::kMaxPadWidth || prec > PyText::kMaxPadWidth) // toInt() gives 0 past INT_MAX: also unpadded
        return Value(str(in));
    QString body;
    bool numeric = true;
    bool neg = false;
    switch (conv.unicode()) {
    case 's': body = str(in); numeric = false; if (hasPrec) body = PyText::left(body, prec); break;
    case 'r': body = in.toRepr(); numeric = false; if (hasPrec) body = PyText::left(body, prec); break;
    case 'd': case 'i': case 'x': case 'X': case 'o': {
        if (!(in.isNumber() || in.type() == Value::Type::Bool))
            return Value(QString());
        qint64 v = in.toInt();
        neg = v < 0;
        const quint64 a = neg ? quint64(-v) : quint64(v);
        const int base = conv == u'd' || conv == u'i' ? 10 : conv == u'o' ? 8 : 16;
        body = QString::number(a, base);
        if (conv == u'X')
            body = body.toUpper();
        if (flags.contains(u'#') && base != 10)
            body = (base == 8 ? QStringLiteral("0o") : conv == u'X' ? QStringLiteral("0X") : QStringLiteral("0x")) + body;
        break;
    }
    default: {
        if (!(in.isNumber() || in.type() == Value::Type::Bool))
            return Value(QString());
        double v = in.toDouble();
        neg = std::signbit(v);
        v = std::fabs(v);
        body = QString::number(v, conv.toLatin1() == 'F' ? 'f' : conv.toLatin1(), hasPrec ? prec : 6);
        if (conv == u'e' || conv == u'E' || conv == u'g' || conv == u'G') {
            // Python prints at least two exponent digits, like C
        }
    }
    }
    QString sign;
    if (numeric) {
        if (neg)
            sign = QStringLiteral("-");
        else if (flags.contains(u'+'))
            sign = QStringLiteral("+");
        else if (flags.contains(u' '))
            sign = QStringLiteral(" ");
    }
    const int padLen = width - int(sign.size() + PyText::length(body));
    if (padLen > 0) {
        if (flags.contains(u'-'))
            return Value(sign + body + QString(padLen, u' '));
        if (flags.contains(u'0') && numeric)
            return Value(sign + QString(padLen, u'0') + body);
        return Value(QString(padLen, u' ') + sign + body);
    }
    return Value(sign + body);
}

Value fStriptags(const Value &in, const Value *, const FilterEnv &)
{
    QString s = str(in);
    // Django's strip_tags only parses text that has both '<' and '>'; its parser (html.parser)
    // drops tags and re-emits entity and character references with a ';'
    if (!s.contains(u'<') || !s.contains(u'>'))
        return Value(s);
    thread_local const QRegularExpression tag(QStringLiteral("<[a-zA-Z/!?][^>]*>"));
    thread_local const QRegularExpression entity(QStringLiteral("&([a-zA-Z][-.a-zA-Z0-9]*|#(?:[0-9]+|[xX][0-9a-fA-F]+));?(?=[^a-zA-Z0-9;])"));
    for (int i = 0; i < 10 && s.contains(u'<') && s.contains(u'>'); ++i) {
        const qsizetype before = s.count(u'<');
        s.remove(tag);
        s.replace(entity, QStringLiteral("&\\1;"));
        if (s.count(u'<') == before)
            break;
    }
    return Value(s);
}

Value fTitle(const Value &in, const Value *, const FilterEnv &)
{
    // value.title(), then re.sub("([a-z])'([A-Z])", lower) and re.sub(r"\d([A-Z])", lower)
    std::u32string t = PyText::codePoints(PyText::title(str(in)));
    auto isUpperAscii = [](char32_t c) { return c >= U'A' && c <= U'Z'; };
    for (size_t i = 0; i + 2 < t.size(); ++i) {
        if (t[i] >= U'a' && t[i] <= U'z' && t[i + 1] == U'\'' && isUpperAscii(t[i + 2])) {
            t[i + 2] += U'a' - U'A';
            i += 2;
        }
    }
    for (size_t i = 0; i + 1 < t.size(); ++i) {
        if (PyText::isDecimal(t[i]) && isUpperAscii(t[i + 1])) {
            t[i + 1] += U'a' - U'A';
            ++i;
        }
    }
    return Value(PyText::fromCodePoints(t));
}

Value fTruncatechars(const Value &in, const Value *arg, const FilterEnv &)
{
    qint64 length;
    if (!pyInt(*arg, &length))
        return in;
    return Value(DjangoText::truncateChars(str(in), length));
}

Value fTruncatewords(const Value &in, const Value *arg, const FilterEnv &)
{
    qint64 length;
    if (!pyInt(*arg, &length))
        return in;
    const QStringList words = PyText::splitWhitespace(str(in));
    if (words.size() > length) {
        const QString head = words.mid(0, qMax<qint64>(length, 0)).join(u' ');
        const QString trunc = QStringLiteral(" \u2026");
        return Value(head.endsWith(trunc) ? head : head + trunc);
    }
    return Value(words.join(u' '));
}

Value fUrlencode(const Value &in, const Value *arg, const FilterEnv &)
{
    return Value(DjangoText::quote(str(in), arg ? str(*arg).toUtf8() : QByteArray("/")));
}

Value fUrlize(const Value &in, const Value *, const FilterEnv &env)
{
    return Value::safe(DjangoText::urlize(str(in), in.isSafe(), env.autoescape, -1));
}

Value fUrlizetrunc(const Value &in, const Value *arg, const FilterEnv &env)
{
    qint64 limit;
    if (!pyInt(*arg, &limit))
        return Value(QString()); // int(limit) raises in Django
    return Value::safe(DjangoText::urlize(str(in), in.isSafe(), env.autoescape, limit));
}

Value fWordcount(const Value &in, const Value *, const FilterEnv &)
{
    return Value(qint64(PyText::splitWhitespace(str(in)).size()));
}

Value fYesno(const Value &in, const Value *arg, const FilterEnv &)
{
    const QString a = arg ? str(*arg) : QStringLiteral("yes,no,maybe");
    const QStringList bits = a.split(u',');
    if (bits.size() < 2)
        return in;
    const QString yes = bits[0], no = bits[1], maybe = bits.size() == 3 ? bits[2] : bits[1];
    if (bits.size() > 3)
        return Value(in.isNull() ? bits[1] : in.isTruthy() ? yes : no);
    if (in.isNull())
        return Value(maybe);
    return Value(in.isTruthy() ? yes : no);
}

// django.utils.timesince.timesince(d, now, reversed) with depth 2; nullopt where Python raises
std::optional<QString> timesince(QDateTime d, QDateTime now, bool reversed)
{
    if (isAware(d) != isAware(now))
        return std::nullopt;
    if (reversed)
        std::swap(d, now);
    if (!isAware(d)) { // naive datetimes subtract as wall-clock times, whatever the local DST
        d = QDateTime(d.date(), d.time(), Qt::UTC);
        now = QDateTime(now.date(), now.time(), Qt::UTC);
    }
    qint64 since = d.secsTo(now);
    if (d.msecsTo(now) < 0 && d.msecsTo(now) % 1000 != 0)
        --since; // timedelta floors to whole seconds
    // leap days between the two years (Django 3.2's adjustment)
    int leapdays = 0;
    for (int y = d.date().year(); y < now.date().year(); ++y)
        if (QDate::isLeapYear(y))
            ++leapdays;
    if (leapdays != 0) {
        if (QDate::isLeapYear(d.date().year()))
            leapdays -= 1;
        else if (QDate::isLeapYear(now.date().year()))
            leapdays += 1;
    }
    since -= qint64(leapdays) * 86400;
    auto fmt = [](qint64 n, const char *unit) -> QString {
        return QString::number(n) + nbsp + QString::fromLatin1(unit) + (n == 1 ? QString() : QStringLiteral("s"));
    };
    const QString zero = fmt(0, "minute");
    if (since <= 0)
        return zero;
    static const std::pair<qint64, const char *> chunks[] = {
        {60 * 60 * 24 * 365, "year"}, {60 * 60 * 24 * 30, "month"}, {60 * 60 * 24 * 7, "week"},
        {60 * 60 * 24, "day"}, {60 * 60, "hour"}, {60, "minute"}};
    size_t i = 0;
    qint64 count = 0;
    for (; i < 6; ++i) {
        count = since / chunks[i].first;
        if (count != 0)
            break;
    }
    if (i == 6)
        return zero;
    QString result = fmt(count, chunks[i].second);
    if (i + 1 < 6) {
        const qint64 count2 = (since - chunks[i].first * count) / chunks[i + 1].first;
        if (count2 != 0)
            result += QStringLiteral(", ") + fmt(count2, chunks[i + 1].second);
    }
    return result;
}

// timesince/timeuntil filters: "" for a false value; a false argument means now (in UTC for an
// aware value); "" where Django's timesince raises
Value timesinceFilter(const Value &in, const Value *arg, const FilterEnv &env, bool reversed)
{
    if (in.type() != Value::Type::DateTime)
        return Value(QString());
    const QDateTime d = in.dateTime();
    QDateTime now;
    if (arg && arg->isTruthy()) {
        if (arg->type() != Value::Type::DateTime)
            return Value(QString());
        now = arg->dateTime();
    } else {
        now = isAware(d) ? env.now().toUTC() : env.now().toLocalTime();
    }
    return Value(timesince(d, now, reversed).value_or(QString()));
}
Value fTimesince(const Value &in, const Value *arg, const FilterEnv &env) { return timesinceFilter(in, arg, env, false); }
Value fTimeuntil(const Value &in, const Value *arg, const FilterEnv &env) { return timesinceFilter(in, arg, env, true); }

Value fAddslashes(const Value &in, const Value *, const FilterEnv &)
{
    QString s = str(in);
    s.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")).replace(u'\'', QStringLiteral("\\'"));
    return Value(s);
}

Value fGetDigit(const Value &in, const Value *arg, const FilterEnv &)
{
    qint64 digit, value;
    if (!pyInt(*arg, &digit) || !pyInt(in, &value) || digit < 1)
        return in;
    const QString digits = QString::number(value);
    if (digit > digits.size())
        return Value(qint64(0));
    const QChar c = digits[digits.size() - digit];
    if (!c.isDigit())
        return Value(QString()); // int('-') raises in Django
    return Value(qint64(c.digitValue()));
}

Value fIriencode(const Value &in, const Value *, const FilterEnv &)
{
    // iri_to_uri: quote(iri, safe="/#%[]=:;$&()+,!?*@'~")
    return Value(DjangoText::quote(str(in), "/#%[]=:;$&()+,!?*@'~"));
}

Value fLinenumbers(const Value &in, const Value *, const FilterEnv &env)
{
    const bool escape = env.autoescape && !in.isSafe();
    const QStringList lines = str(in).split(u'\n');
    const int width = int(QString::number(lines.size()).size());
    QStringList out;
    for (qsizetype i = 0; i < lines.size(); ++i)
        out.append(QStringLiteral("%1. %2").arg(i + 1, width, 10, QChar(u'0')).arg(escape ? htmlEscape(lines[i]) : lines[i]));
    return Value::safe(out.join(u'\n'));
}

Value fPhone2numeric(const Value &in, const Value *, const FilterEnv &)
{
    if (!in.isString())
        return Value(QString()); // phone.lower() raises on anything else
    static const char digits[] = "22233344455566677778889999";
    QString s = in.toString().toLower();
    for (QChar &c : s)
        if (c >= u'a' && c <= u'z')
            c = QLatin1Char(digits[c.unicode() - 'a']);
    return Value(s);
}

Value fSafeseq(const Value &in, const Value *, const FilterEnv &)
{
    auto items = in.iterate();
    if (!items)
        return Value(QString()); // iterating raises in Django
    ValueList out;
    for (const Value &v : *items)
        out.append(v.isSafe() ? v : Value::safe(v.toString()));
    return Value(out);
}

Value fRandom(const Value &in, const Value *, const FilterEnv &)
{
    // random.choice: any element; the template cannot tell which one Python would have picked
    if (in.isString()) {
        const std::u32string s = PyText::codePoints(in.toString());
        if (s.empty())
            return Value(QString());
        return Value(PyText::fromCodePoints(s.substr(QRandomGenerator::global()->bounded(quint64(s.size())), 1)));
    }
    const ValueList *l = in.list();
    if (!l || l->isEmpty())
        return Value(QString());
    return l->at(qsizetype(QRandomGenerator::global()->bounded(quint64(l->size()))));
}

Value truncateHtmlFilter(const Value &in, const Value *arg, QString (*truncate)(const QString &, qint64))
{
    qint64 length;
    if (!pyInt(*arg, &length))
        return in;
    return Value(truncate(str(in), length));
}
Value fTruncatecharsHtml(const Value &in, const Value *arg, const FilterEnv &)
{
    return truncateHtmlFilter(in, arg, DjangoText::truncateHtmlChars);
}
Value fTruncatewordsHtml(const Value &in, const Value *arg, const FilterEnv &)
{
    return truncateHtmlFilter(in, arg, DjangoText::truncateHtmlWords);
}

Value fWordwrap(const Value &in, const Value *arg, const FilterEnv &)
{
    qint64 width;
    if (!pyInt(*arg, &width))
        return Value(QString());
    return Value(DjangoText::wrap(str(in), width).value_or(QString()));
}

// unordered_list's walk_items + list_formatter: an item followed by a list is that item's sublist
QString listItems(const ValueList &items, int tabs, bool autoescape)
{
    const QString indent(tabs, u'\t');
    QStringList out;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const Value &item = items[i];
        const ValueList *children = i + 1 < items.size() ? items[i + 1].list() : nullptr;
        if (children)
            ++i;
        QString sublist;
        if (children && !children->isEmpty())
            sublist = QStringLiteral("\n%1<ul>\n%2\n%1</ul>\n%1").arg(indent, listItems(*children, tabs + 1, autoescape));
        const QString text = autoescape && !item.isSafe() ? htmlEscape(item.toString()) : item.toString();
        out.append(indent + u"<li>" + text + sublist + u"</li>");
    }
    return out.join(u'\n');
}

Value fUnorderedList(const Value &in, const Value *, const FilterEnv &env)
{
    auto items = in.iterate();
    if (!items)
        return Value(QString()); // iter() raises in Django
    return Value::safe(listItems(*items, 1, env.autoescape));
}

Value fPprint(const Value &in, const Value *, const FilterEnv &) { return Value(DjangoText::pformat(in)); }

const FilterDef filters[] = {
    {"add", 1, false, fAdd},
    {"addslashes", 0, true, fAddslashes},
    {"capfirst", 0, true, fCapfirst},
    {"center", 1, true, fCenter},
    {"cut", 1, false, fCut},
    {"date", 2, false, fDate},
    {"default", 1, false, fDefault},
    {"default_if_none", 1, false, fDefaultIfNone},
    {"dictsort", 1, false, fDictsort},
    {"dictsortreversed", 1, false, fDictsortReversed},
    {"divisibleby", 1, false, fDivisibleby},
    {"escape", 0, true, fEscape},
    {"escapejs", 0, false, fEscapejs},
    {"filesizeformat", 0, true, fFilesizeformat},
    {"first", 0, false, fFirst},
    {"floatformat", 2, true, fFloatformat},
    {"force_escape", 0, true, fForceEscape},
    {"get_digit", 1, false, fGetDigit},
    {"iriencode", 0, true, fIriencode},
    {"join", 1, true, fJoin},
    {"json_script", 1, true, fJsonScript},
    {"last", 0, true, fLast},
    {"length", 0, false, fLength},
    {"length_is", 1, false, fLengthIs},
    {"linebreaks", 0, true, fLinebreaks},
    {"linebreaksbr", 0, true, fLinebreaksbr},
    {"linenumbers", 0, true, fLinenumbers},
    {"ljust", 1, true, fLjust},
    {"lower", 0, true, fLower},
    {"make_list", 0, false, fMakeList},
    {"phone2numeric", 0, true, fPhone2numeric},
    {"pluralize", 2, false, fPluralize},
    {"pprint", 0, true, fPprint},
    {"random", 0, true, fRandom},
    {"rjust", 1, true, fRjust},
    {"safe", 0, true, fSafe},
    {"safeseq", 0, true, fSafeseq},
    {"slice", 1, true, fSlice},
    {"slugify", 0, true, fSlugify},
    {"stringformat", 1, true, fStringformat},
    {"striptags", 0, true, fStriptags},
    {"time", 2, false, fTime},
    {"timesince", 2, false, fTimesince},
    {"timeuntil", 2, false, fTimeuntil},
    {"title", 0, true, fTitle},
    {"truncatechars", 1, true, fTruncatechars},
    {"truncatechars_html", 1, true, fTruncatecharsHtml},
    {"truncatewords", 1, true, fTruncatewords},
    {"truncatewords_html", 1, true, fTruncatewordsHtml},
    {"unordered_list", 0, true, fUnorderedList},
    {"upper", 0, false, fUpper},
    {"urlencode", 2, false, fUrlencode},
    {"urlize", 0, true, fUrlize},
    {"urlizetrunc", 1, true, fUrlizetrunc},
    {"wordcount", 0, false, fWordcount},
    {"wordwrap", 1, true, fWordwrap},
    {"yesno", 2, false, fYesno},
};

} // namespace

const FilterDef *findFilter(const QString &name)
{
    for (const FilterDef &f : filters)
        if (name == QLatin1StringView(f.name))
            return &f;
    return nullptr;
}

QString formatDate(const QDateTime &dt, const QString &formatOrName, bool dateOnly)
{
    const QString format = resolveDateFormat(formatOrName);
    static const char *const monthsFull[] = {"January", "February", "March", "April", "May", "June", "July",
                                             "August", "September", "October", "November", "December"};
    static const char *const monthsAp[] = {"Jan.", "Feb.", "March", "April", "May", "June", "July",
                                           "Aug.", "Sept.", "Oct.", "Nov.", "Dec."};
    static const char *const days[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    const QDate d = dt.date();
    const QTime t = dt.time();
    auto two = [](int v) { return QStringLiteral("%1").arg(v, 2, 10, QChar(u'0')); };
    auto g12 = [&]() { int h = t.hour() % 12; return h == 0 ? 12 : h; };
    auto ampm = [&](bool upper) {
        return t.hour() < 12 ? (upper ? QStringLiteral("AM") : QStringLiteral("a.m."))
                             : (upper ? QStringLiteral("PM") : QStringLiteral("p.m."));
    };
    QString out;
    for (qsizetype i = 0; i < format.size(); ++i) {
        const QChar c = format[i];
        switch (c.unicode()) {
        case '\\':
            if (i + 1 < format.size())
                out += format[++i];
            break;
        case 'a': out += ampm(false); break;
        case 'A': out += ampm(true); break;
        case 'b': out += QString::fromLatin1(monthsFull[d.month() - 1]).left(3).toLower(); break;
        case 'c': out += dateOnly ? dt.toString(QStringLiteral("yyyy-MM-dd")) : isoFormat(dt, u'T'); break;
        case 'd': out += two(d.day()); break;
        case 'D': out += QString::fromLatin1(days[d.dayOfWeek() - 1]).left(3); break;
        case 'E':
        case 'F': out += QString::fromLatin1(monthsFull[d.month() - 1]); break;
        case 'f': {
            const int h = g12();
            out += t.minute() == 0 ? QString::number(h) : QString::number(h) + u':' + two(t.minute());
            break;
        }
        case 'g': out += QString::number(g12()); break;
        case 'G': out += QString::number(t.hour()); break;
        case 'h': out += two(g12()); break;
        case 'H': out += two(t.hour()); break;
        case 'i': out += two(t.minute()); break;
        case 'j': out += QString::number(d.day()); break;
        case 'l': out += QString::fromLatin1(days[d.dayOfWeek() - 1]); break;
        case 'L': out += d.isLeapYear(d.year()) ? QStringLiteral("True") : QStringLiteral("False"); break;
        case 'm': out += two(d.month()); break;
        case 'M': out += QString::fromLatin1(monthsFull[d.month() - 1]).left(3); break;
        case 'n': out += QString::number(d.month()); break;
        case 'N': out += QString::fromLatin1(monthsAp[d.month() - 1]); break;
        case 'o': { int y = 0; d.weekNumber(&y); out += QString::number(y); break; }
        case 'P':
            if (t.minute() == 0 && t.hour() == 0)
                out += QStringLiteral("midnight");
            else if (t.minute() == 0 && t.hour() == 12)
                out += QStringLiteral("noon");
            else {
                const int h = g12();
                out += (t.minute() == 0 ? QString::number(h) : QString::number(h) + u':' + two(t.minute()))
                    + u' ' + ampm(false);
            }
            break;
        case 's': out += two(t.second()); break;
        case 'S': {
            const int day = d.day();
            if (day == 11 || day == 12 || day == 13) out += QStringLiteral("th");
            else if (day % 10 == 1) out += QStringLiteral("st");
            else if (day % 10 == 2) out += QStringLiteral("nd");
            else if (day % 10 == 3) out += QStringLiteral("rd");
            else out += QStringLiteral("th");
            break;
        }
        case 't': out += QString::number(d.daysInMonth()); break;
        case 'u': out += QStringLiteral("%1").arg(t.msec() * 1000, 6, 10, QChar(u'0')); break;
        case 'U': out += QString::number(dt.toSecsSinceEpoch()); break;
        case 'w': out += QString::number(d.dayOfWeek() % 7); break;
        case 'W': out += QString::number(d.weekNumber()); break;
        case 'y': out += two(d.year() % 100); break;
        case 'Y': out += QString::number(d.year()); break;
        case 'z': out += QString::number(d.dayOfYear()); break;
        // zones: an aware date-time's own; a naive one is in the server's local zone (Django's
        // TIME_ZONE), and has no tzinfo name ('e')
        case 'e': out += isAware(dt) ? dt.timeZoneAbbreviation() : QString(); break;
        case 'O': out += pyUtcOffset(dt, false); break;
        case 'T': out += dt.timeZoneAbbreviation(); break;
        case 'Z': out += QString::number(dt.offsetFromUtc()); break;
        case 'I':
            if (!dateOnly)
                out += dt.isDaylightTime() ? u'1' : u'0';
            break;
        case 'r': out += formatDate(dt, QStringLiteral("D, d M Y H:i:s O")); break; // email.utils.format_datetime
        default: out += c;
        }
    }
    return out;
}

QString displayString(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Float: {
        const QByteArray r = pyFloatRepr(v.toDouble());
        if (r.contains('e')) {
            // Django's number_format prints floats with exponents in fixed notation
            auto d = toDec(v);
            if (d) {
                QByteArray digits = d->digits;
                QByteArray s;
                if (d->exp >= 0) {
                    s = digits + QByteArray(d->exp, '0');
                } else {
                    const int places = -d->exp;
                    while (digits.size() <= places)
                        digits.prepend('0');
                    s = digits.left(digits.size() - places) + '.' + digits.right(places);
                }
                return QString::fromLatin1((d->neg ? "-" : "") + s);
            }
        }
        return QString::fromLatin1(r);
    }
    case Value::Type::DateTime:
        return v.isDate() ? formatDate(v.dateTime(), QStringLiteral("N j, Y"), true)
                          : formatDate(v.dateTime(), QStringLiteral("N j, Y, P"));
    default: return v.toString();
    }
}

void appendValueOutput(QByteArray &out, const Value &v, bool autoescape)
{
    switch (v.type()) {
    case Value::Type::Int: out.append(QByteArray::number(v.toInt())); return;
    case Value::Type::SafeString: out.append(v.toString().toUtf8()); return;
    case Value::Type::String:
        if (autoescape)
            appendHtmlEscaped(out, v.toString());
        else
            out.append(v.toString().toUtf8());
        return;
    default:
        if (autoescape)
            appendHtmlEscaped(out, displayString(v));
        else
            out.append(displayString(v).toUtf8());
    }
}

} // namespace LiveActor::TemplateDetail
