// Python repr() of floats and strings, as Django's output shows them.

#include "template/pyrepr_p.h"

#include <charconv>
#include <cmath>

namespace LiveActor::TemplateDetail {

QByteArray pyFloatRepr(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d < 0 ? "-inf" : "inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    // sci = [-]d[.ddd]e[+-]XX
    bool neg = false;
    if (!sci.empty() && sci[0] == '-') {
        neg = true;
        sci.erase(0, 1);
    }
    const auto epos = sci.find('e');
    std::string mant = sci.substr(0, epos);
    const int exp = std::stoi(sci.substr(epos + 1));
    std::string digits;
    for (char c : mant)
        if (c != '.')
            digits += c;
    std::string out;
    if (exp >= -4 && exp < 16) {
        if (exp >= 0) {
            std::string intPart, frac;
            if (int(digits.size()) <= exp + 1) {
                intPart = digits + std::string(exp + 1 - digits.size(), '0');
                frac = "0";
            } else {
                intPart = digits.substr(0, exp + 1);
                frac = digits.substr(exp + 1);
            }
            out = intPart + "." + frac;
        } else {
            out = "0." + std::string(-exp - 1, '0') + digits;
        }
    } else {
        out = digits.substr(0, 1);
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        char e[16];
        std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
        out += e;
    }
    if (neg)
        out.insert(out.begin(), '-');
    return QByteArray::fromStdString(out);
}

QString pyStringRepr(const QString &s)
{
    const QChar quote = (s.contains(u'\'') && !s.contains(u'"')) ? u'"' : u'\'';
    QString out(quote);
    for (QChar c : s) {
        if (c == quote || c == u'\\') {
            out += u'\\';
            out += c;
        } else if (c == u'\n') {
            out += u"\\n";
        } else if (c == u'\r') {
            out += u"\\r";
        } else if (c == u'\t') {
            out += u"\\t";
        } else if (c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() < 0xa0)) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QChar(u'0'));
        } else if (c.unicode() != ' ' && !c.isSurrogate()
                   && (c.category() == QChar::Separator_Space || c.category() == QChar::Separator_Line
                       || c.category() == QChar::Separator_Paragraph || c.category() == QChar::Other_Format
                       || c.category() == QChar::Other_NotAssigned || c.category() == QChar::Other_PrivateUse)) {
            // Python's repr escapes what str.isprintable() rejects
            if (c.unicode() < 0x100)
                out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QChar(u'0'));
            else
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QChar(u'0'));
        } else {
            out += c;
        }
    }
    out += quote;
    return out;
}

bool isAware(const QDateTime &dt) { return dt.timeSpec() != Qt::LocalTime; }

QString pyUtcOffset(const QDateTime &dt, bool colon)
{
    const int offset = dt.offsetFromUtc();
    const int a = std::abs(offset);
    QString out = QStringLiteral("%1%2%3%4").arg(QChar(offset < 0 ? u'-' : u'+')).arg(a / 3600, 2, 10, QChar(u'0'))
                      .arg(colon ? QStringLiteral(":") : QString()).arg(a / 60 % 60, 2, 10, QChar(u'0'));
    if (colon && a % 60)
        out += QStringLiteral(":%1").arg(a % 60, 2, 10, QChar(u'0'));
    return out;
}

QString isoFormat(const QDateTime &dt, QChar separator)
{
    QString out = dt.toString(QStringLiteral("yyyy-MM-dd")) + separator + dt.toString(QStringLiteral("HH:mm:ss"));
    if (const int ms = dt.time().msec())
        out += QStringLiteral(".%1").arg(ms * 1000, 6, 10, QChar(u'0'));
    if (isAware(dt))
        out += pyUtcOffset(dt, true);
    return out;
}

} // namespace LiveActor::TemplateDetail
