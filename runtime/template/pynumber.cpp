// Python's whitespace, float() and int() for the tags whose Django code relies on them (spaceless,
// widthratio, lorem): what Python accepts, and nullopt where it raises.

#include "template/compiled_p.h"

#include <QRegularExpression>

#include <cmath>

namespace LiveActor::TemplateDetail {

bool isPythonSpace(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= 0x09 && u <= 0x0d) || (u >= 0x1c && u <= 0x20) || u == 0x85 || u == 0xa0 || u == 0x1680
        || (u >= 0x2000 && u <= 0x200a) || u == 0x2028 || u == 0x2029 || u == 0x202f || u == 0x205f || u == 0x3000;
}

QString pythonStrip(const QString &s)
{
    qsizetype b = 0, e = s.size();
    while (b < e && isPythonSpace(s[b]))
        ++b;
    while (e > b && isPythonSpace(s[e - 1]))
        --e;
    return s.mid(b, e - b);
}

std::optional<double> pythonFloat(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Int:
    case Value::Type::Bool:
    case Value::Type::Float: return v.toDouble();
    case Value::Type::String:
    case Value::Type::SafeString: {
        const QString s = pythonStrip(v.toString());
        thread_local const QRegularExpression special(QStringLiteral("^([+-]?)(inf|infinity|nan)$"),
                                                      QRegularExpression::CaseInsensitiveOption);
        if (const auto m = special.match(s); m.hasMatch()) {
            const double x = m.captured(2).startsWith(u'n', Qt::CaseInsensitive) ? std::nan("") : HUGE_VAL;
            return m.captured(1) == u"-" ? -x : x;
        }
        // digits may be grouped by single underscores (PEP 515)
        thread_local const QRegularExpression number(QStringLiteral(
            "^[+-]?(\\d(_?\\d)*)?(\\.(\\d(_?\\d)*)?)?([eE][+-]?\\d(_?\\d)*)?$"));
        if (!number.match(s).hasMatch() || !s.contains(QRegularExpression(QStringLiteral("^[+-]?\\.?\\d"))))
            return std::nullopt;
        bool ok = false;
        const double x = QString(s).remove(u'_').toDouble(&ok);
        return ok ? std::optional<double>(x) : std::nullopt;
    }
    default: return std::nullopt;
    }
}

std::optional<qint64> pythonInt(const Value &v)
{
    switch (v.type()) {
    case Value::Type::Int:
    case Value::Type::Bool: return v.toInt();
    case Value::Type::Float: {
        const double x = v.toDouble();
        if (!std::isfinite(x) || std::fabs(x) >= 9.2e18)
            return std::nullopt;
        return qint64(std::trunc(x));
    }
    case Value::Type::String:
    case Value::Type::SafeString: {
        const QString s = pythonStrip(v.toString());
        thread_local const QRegularExpression intRe(QStringLiteral("^[+-]?\\d(_?\\d)*$"));
        if (!intRe.match(s).hasMatch())
            return std::nullopt;
        bool ok = false;
        const qint64 n = QString(s).remove(u'_').toLongLong(&ok);
        return ok ? std::optional<qint64>(n) : std::nullopt;
    }
    default: return std::nullopt;
    }
}

QString pythonRoundToString(double x)
{
    // Python's str(round(x)): half to even, an exact integer of any size
    const double r = std::nearbyint(x);
    if (std::fabs(r) < 9.2e18)
        return QString::number(qint64(r));
    return QString::number(r, 'f', 0);
}

} // namespace LiveActor::TemplateDetail
