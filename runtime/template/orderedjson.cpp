// JSON for Values that keeps object key order (QJsonObject sorts keys): writer and reader.

#include "template/orderedjson_p.h"

#include "template/escaping.h"
#include "template/pyrepr_p.h"

#include <cmath>
#include <cstring>

namespace LiveActor::TemplateDetail {

namespace {

// DjangoJSONEncoder: isoformat() cut to milliseconds, "+00:00" written as "Z"
QString djangoJsonDateTime(const QDateTime &dt)
{
    QString r = isoFormat(dt, u'T');
    if (dt.time().msec())
        r.remove(23, 3);
    if (r.endsWith(QStringLiteral("+00:00")))
        r = r.left(r.size() - 6) + u'Z';
    return r;
}

} // namespace

static void appendPyJsonString(QByteArray &out, const QString &s)
{
    // json.dumps with ensure_ascii=True
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    for (QChar qc : s) {
        const ushort c = qc.unicode();
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
            if (c < 0x20 || c > 0x7e) {
                char e[7] = {'\\', 'u', hex[(c >> 12) & 15], hex[(c >> 8) & 15], hex[(c >> 4) & 15],
                             hex[c & 15], 0};
                out.append(e, 6);
            } else {
                out.append(char(c));
            }
        }
    }
    out.append('"');
}

void writeJsonValue(QByteArray &out, const Value &v, bool py)
{
    switch (v.type()) {
    case Value::Type::Null: out.append("null"); return;
    case Value::Type::Bool: out.append(v.isTruthy() ? "true" : "false"); return;
    case Value::Type::Int: out.append(QByteArray::number(v.toInt())); return;
    case Value::Type::Float: {
        const double d = v.toDouble();
        if (std::isnan(d))
            out.append(py ? "NaN" : "null");
        else if (std::isinf(d))
            out.append(py ? (d < 0 ? "-Infinity" : "Infinity") : "null");
        else
            out.append(pyFloatRepr(d));
        return;
    }
    case Value::Type::List: {
        out.append('[');
        bool first = true;
        for (const Value &e : *v.list()) {
            if (!first)
                out.append(py ? ", " : ",");
            first = false;
            writeJsonValue(out, e, py);
        }
        out.append(']');
        return;
    }
    case Value::Type::Map: {
        out.append('{');
        const ValueMap &m = *v.map();
        for (qsizetype i = 0; i < m.size(); ++i) {
            if (i)
                out.append(py ? ", " : ",");
            if (py)
                appendPyJsonString(out, m.keys()[i]);
            else
                appendJsonString(out, m.keys()[i].toUtf8());
            out.append(py ? ": " : ":");
            writeJsonValue(out, m.values()[i], py);
        }
        out.append('}');
        return;
    }
    case Value::Type::DateTime: {
        const QString iso = v.dateTime().toString(Qt::ISODate);
        if (py)
            appendPyJsonString(out, v.isDate() ? v.toString() : djangoJsonDateTime(v.dateTime()));
        else
            appendJsonString(out, iso.toUtf8());
        return;
    }
    default:
        if (py)
            appendPyJsonString(out, v.toString());
        else
            appendJsonString(out, v.toString().toUtf8());
    }
}

namespace {
struct JsonReader
{
    const char *p;
    const char *end;
    QString error;
    int depth = 0;

    void ws()
    {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            ++p;
    }
    bool fail(const char *what)
    {
        if (error.isEmpty())
            error = QString::fromLatin1(what);
        return false;
    }
    bool parseString(QString &out)
    {
        ++p; // opening quote
        QByteArray buf;
        while (p < end && *p != '"') {
            if (*p == '\\') {
                ++p;
                if (p >= end)
                    return fail("unterminated string");
                switch (*p) {
                case '"': buf.append('"'); break;
                case '\\': buf.append('\\'); break;
                case '/': buf.append('/'); break;
                case 'b': buf.append('\b'); break;
                case 'f': buf.append('\f'); break;
                case 'n': buf.append('\n'); break;
                case 'r': buf.append('\r'); break;
                case 't': buf.append('\t'); break;
                case 'u': {
                    if (end - p < 5)
                        return fail("bad \\u escape");
                    bool ok = false;
                    uint cp = QByteArray(p + 1, 4).toUInt(&ok, 16);
                    if (!ok)
                        return fail("bad \\u escape");
                    p += 4;
                    if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 7 && p[1] == '\\' && p[2] == 'u') {
                        uint lo = QByteArray(p + 3, 4).toUInt(&ok, 16);
                        if (ok && lo >= 0xdc00 && lo < 0xe000) {
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                            p += 6;
                        }
                    }
                    char32_t c32 = cp;
                    buf.append(QString::fromUcs4(&c32, 1).toUtf8());
                    break;
                }
                default: return fail("bad escape");
                }
                ++p;
            } else {
                buf.append(*p++);
            }
        }
        if (p >= end)
            return fail("unterminated string");
        ++p;
        out = QString::fromUtf8(buf);
        return true;
    }
    bool parse(Value &out)
    {
        if (++depth > 512)
            return fail("nesting too deep");
        ws();
        if (p >= end)
            return fail("unexpected end of input");
        bool ok = true;
        switch (*p) {
        case '{': {
            ++p;
            ValueMap m;
            ws();
            if (p < end && *p == '}') {
                ++p;
            } else {
                for (;;) {
                    ws();
                    if (p >= end || *p != '"')
                        return fail("expected a string key");
                    QString key;
                    if (!parseString(key))
                        return false;
                    ws();
                    if (p >= end || *p != ':')
                        return fail("expected ':'");
                    ++p;
                    Value v;
                    if (!parse(v))
                        return false;
                    m.insert(key, v);
                    ws();
                    if (p < end && *p == ',') {
                        ++p;
                        continue;
                    }
                    if (p < end && *p == '}') {
                        ++p;
                        break;
                    }
                    return fail("expected ',' or '}'");
                }
            }
            out = Value(m);
            break;
        }
        case '[': {
            ++p;
            ValueList l;
            ws();
            if (p < end && *p == ']') {
                ++p;
            } else {
                for (;;) {
                    Value v;
                    if (!parse(v))
                        return false;
                    l.append(v);
                    ws();
                    if (p < end && *p == ',') {
                        ++p;
                        continue;
                    }
                    if (p < end && *p == ']') {
                        ++p;
                        break;
                    }
                    return fail("expected ',' or ']'");
                }
            }
            out = Value(l);
            break;
        }
        case '"': {
            QString s;
            if (!parseString(s))
                return false;
            out = Value(s);
            break;
        }
        case 't':
            if (end - p >= 4 && std::memcmp(p, "true", 4) == 0) {
                p += 4;
                out = Value(true);
            } else {
                ok = fail("invalid literal");
            }
            break;
        case 'f':
            if (end - p >= 5 && std::memcmp(p, "false", 5) == 0) {
                p += 5;
                out = Value(false);
            } else {
                ok = fail("invalid literal");
            }
            break;
        case 'n':
            if (end - p >= 4 && std::memcmp(p, "null", 4) == 0) {
                p += 4;
                out = Value();
            } else {
                ok = fail("invalid literal");
            }
            break;
        default: {
            const char *s = p;
            bool isFloat = false;
            if (p < end && *p == '-')
                ++p;
            while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E'
                               || *p == '+' || *p == '-')) {
                if (*p == '.' || *p == 'e' || *p == 'E')
                    isFloat = true;
                ++p;
            }
            if (p == s)
                return fail("unexpected character");
            const QByteArray num(s, p - s);
            bool nok = false;
            if (!isFloat) {
                const qlonglong i = num.toLongLong(&nok);
                if (nok) {
                    out = Value(qint64(i));
                    break;
                }
            }
            const double d = num.toDouble(&nok);
            if (!nok)
                return fail("invalid number");
            out = Value(d);
        }
        }
        --depth;
        return ok;
    }
};
} // namespace

std::optional<Value> parseJson(const QByteArray &json, QString *error)
{
    JsonReader r{json.constData(), json.constData() + json.size(), {}};
    Value v;
    bool ok = r.parse(v);
    if (ok) {
        r.ws();
        if (r.p != r.end)
            ok = r.fail("trailing characters");
    }
    if (!ok) {
        if (error)
            *error = QStringLiteral("%1 at offset %2").arg(r.error).arg(r.p - json.constData());
        return std::nullopt;
    }
    return v;
}

} // namespace LiveActor::TemplateDetail
