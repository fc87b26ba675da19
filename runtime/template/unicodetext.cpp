// Python str semantics over UTF-16 QStrings (see unicodetext_p.h).

#include "template/unicodetext_p.h"

#include <QChar>

#include <limits>

namespace LiveActor::TemplateDetail::PyText {

std::u32string codePoints(QStringView s)
{
    std::u32string out;
    out.reserve(size_t(s.size()));
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < s.size() && QChar::isLowSurrogate(s[i + 1].unicode())) {
            out.push_back(QChar::surrogateToUcs4(c, s[i + 1].unicode()));
            ++i;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

QString fromCodePoints(std::u32string_view cps)
{
    QString out;
    out.reserve(qsizetype(cps.size()));
    for (char32_t c : cps) {
        if (QChar::requiresSurrogates(c)) {
            out += QChar(QChar::highSurrogate(c));
            out += QChar(QChar::lowSurrogate(c));
        } else {
            out += QChar(char16_t(c));
        }
    }
    return out;
}

qsizetype unitIndex(QStringView s, qsizetype n)
{
    qsizetype i = 0;
    for (; i < s.size() && n > 0; --n, ++i) {
        if (s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate())
            ++i;
    }
    return i;
}

qsizetype length(QStringView s)
{
    qsizetype n = s.size();
    for (qsizetype i = 0; i + 1 < s.size(); ++i) {
        if (s[i].isHighSurrogate() && s[i + 1].isLowSurrogate()) {
            --n;
            ++i;
        }
    }
    return n;
}

bool isSpace(char32_t c)
{
    // CPython's _PyUnicode_IsWhitespace: bidirectional class WS, B or S, or category Zs
    if (c < 0x80)
        return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
    return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029
        || c == 0x202f || c == 0x205f || c == 0x3000;
}

bool isAlnum(char32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    switch (QChar::category(c)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other: return true;
    default: return false;
    }
}

bool isDecimal(char32_t c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return QChar::category(c) == QChar::Number_DecimalDigit;
}

bool isCombining(char32_t c) { return c >= 0x300 && QChar::combiningClass(c) != 0; }

QString upper(char32_t c) { return fromCodePoints(std::u32string_view(&c, 1)).toUpper(); }
QString lower(char32_t c) { return fromCodePoints(std::u32string_view(&c, 1)).toLower(); }

QStringList splitWhitespace(QStringView s)
{
    QStringList words;
    qsizetype start = -1;
    for (qsizetype i = 0; i < s.size(); ++i) {
        // every isSpace() code point is in the BMP, so a surrogate is never a separator
        if (isSpace(s[i].unicode())) {
            if (start >= 0)
                words.append(s.mid(start, i - start).toString());
            start = -1;
        } else if (start < 0) {
            start = i;
        }
    }
    if (start >= 0)
        words.append(s.mid(start).toString());
    return words;
}

std::optional<qint64> parseInt(const QString &text)
{
    const std::u32string s = codePoints(text);
    size_t i = 0, end = s.size();
    while (i < end && isSpace(s[i]))
        ++i;
    while (end > i && isSpace(s[end - 1]))
        --end;
    bool neg = false;
    if (i < end && (s[i] == U'+' || s[i] == U'-'))
        neg = s[i++] == U'-';
    if (i == end)
        return std::nullopt;
    quint64 v = 0;
    bool lastDigit = false;
    for (; i < end; ++i) {
        if (s[i] == U'_' && lastDigit) {
            lastDigit = false;
            continue;
        }
        if (!isDecimal(s[i]))
            return std::nullopt;
        v = v * 10 + quint64(QChar::digitValue(s[i]));
        if (v > quint64(std::numeric_limits<qint64>::max()))
            return std::nullopt; // beyond what a Value holds
        lastDigit = true;
    }
    if (!lastDigit)
        return std::nullopt;
    return neg ? -qint64(v) : qint64(v);
}

std::optional<double> parseFloat(const QString &text)
{
    QString ascii;
    char32_t prev = 0;
    const std::u32string s = codePoints(text);
    for (size_t i = 0; i < s.size(); ++i) {
        const char32_t c = s[i];
        if (c == U'_') {
            if (!isDecimal(prev) || i + 1 >= s.size() || !isDecimal(s[i + 1]))
                return std::nullopt;
        } else if (isDecimal(c)) {
            ascii += QChar(u'0' + QChar::digitValue(c));
        } else if (isSpace(c)) {
            ascii += u' ';
        } else if (c < 0x80) {
            ascii += QChar(char16_t(c));
        } else {
            return std::nullopt;
        }
        prev = c;
    }
    bool ok = false;
    const double d = ascii.trimmed().toDouble(&ok);
    return ok ? std::optional<double>(d) : std::nullopt;
}

QString pad(const QString &s, qint64 width, Align align)
{
    const qint64 marg = width - length(s);
    if (marg <= 0 || width > kMaxPadWidth)
        return s;
    if (align == Align::Left)
        return s + QString(marg, u' ');
    if (align == Align::Right)
        return QString(marg, u' ') + s;
    const qint64 left = marg / 2 + (marg & width & 1); // CPython's pad() for str.center
    return QString(left, u' ') + s + QString(marg - left, u' ');
}

namespace {

// CPython's "cased": has an upper/lower/title case form or is one (Lu, Ll, Lt; also e.g. Ⓐ).
bool isCased(char32_t c)
{
    const auto cat = QChar::category(c);
    return cat == QChar::Letter_Uppercase || cat == QChar::Letter_Lowercase || cat == QChar::Letter_Titlecase
        || QChar::toLower(c) != c || QChar::toUpper(c) != c;
}

QString titleCase(char32_t c)
{
    const char32_t t = QChar::toTitleCase(c);
    if (t != c)
        return fromCodePoints(std::u32string_view(&t, 1));
    // no simple title mapping: the full upper mapping, its tail lowered after a cased head
    // ("ß" → "Ss", "ﬁ" → "Fi", but "ŉ" → "ʼN")
    const QString u = upper(c);
    const qsizetype first = unitIndex(u, 1);
    if (first >= u.size() || !isCased(codePoints(QStringView(u).left(first))[0]))
        return u;
    return u.left(first) + u.mid(first).toLower();
}

} // namespace

QString title(QStringView s)
{
    QString out;
    out.reserve(s.size());
    bool previousCased = false;
    for (char32_t c : codePoints(s)) {
        out += previousCased ? lower(c) : titleCase(c);
        previousCased = isCased(c);
    }
    return out;
}

} // namespace LiveActor::TemplateDetail::PyText
