// Python's whitespace, float() and int() for the tags whose Django code relies on them (spaceless,
// widthratio, lorem): what Python accepts, and nullopt where it raises.

#include "template/compiled_p.h"
#include "template/unicodetext_p.h"

#include <QRegularExpression>

#include <cmath>

namespace LiveActor::TemplateDetail {

bool isPythonSpace(QChar c) { return PyText::isSpace(c.unicode()); }

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
    case Value::Type::SafeString: return PyText::parseFloat(v.toString());
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
    case Value::Type::SafeString: return PyText::parseInt(v.toString());
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
