// The public escapers of escaping.h: HTML (Django's escape) and JSON string literals.

#include "template/escaping.h"

namespace LiveActor {

void appendHtmlEscaped(QByteArray &out, const QString &s)
{
    // One pass UTF-16 → UTF-8 with Django's escaping; plain ASCII is the common case.
    const qsizetype n = s.size();
    const char16_t *p = reinterpret_cast<const char16_t *>(s.utf16());
    qsizetype i = 0;
    for (; i < n; ++i) {
        const char16_t c = p[i];
        if (c >= 0x80 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'')
            break;
    }
    if (i == n) {
        const qsizetype at = out.size();
        out.resize(at + n);
        char *d = out.data() + at;
        for (qsizetype k = 0; k < n; ++k)
            d[k] = char(p[k]);
        return;
    }
    QByteArray u = s.toUtf8();
    const char *b = u.constData();
    const qsizetype m = u.size();
    qsizetype start = 0;
    for (qsizetype k = 0; k < m; ++k) {
        const char *rep = nullptr;
        switch (b[k]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#x27;"; break;
        default: continue;
        }
        out.append(b + start, k - start);
        out.append(rep);
        start = k + 1;
    }
    out.append(b + start, m - start);
}

void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    const char *p = utf8.constData();
    const qsizetype n = utf8.size();
    qsizetype start = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(p[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(p + start, i - start);
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default: {
            char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            out.append(e, 6);
        }
        }
        start = i + 1;
    }
    out.append(p + start, n - start);
    out.append('"');
}

} // namespace LiveActor
