// Ports of django.utils.text / django.utils.html helpers (see djangotext_p.h).

#include "template/djangotext_p.h"

#include "template/escaping.h"
#include "template/unicodetext_p.h"

#include <QRegularExpression>
#include <QUrl>

namespace LiveActor::TemplateDetail::DjangoText {

namespace {

using Text = std::u32string;
using PyText::codePoints;
using PyText::fromCodePoints;

const QString ellipsis = QStringLiteral("\u2026");

QString htmlEscape(const QString &s)
{
    QByteArray out;
    appendHtmlEscaped(out, s);
    return QString::fromUtf8(out);
}

// Truncator.add_truncation_text: the suffix is not appended twice.
QString addTruncation(const QString &text, const QString &suffix)
{
    return text.endsWith(suffix) ? text : text + suffix;
}

// ---- Truncator._truncate_html ----

struct Match
{
    size_t start = 0, end = 0;
    bool word = false; ///< a counted char/word (re group 1), else a tag candidate
};

// re_chars = r'<[^>]+?>|(.)' (re.S)
std::optional<Match> searchChar(const Text &t, size_t pos)
{
    if (pos >= t.size())
        return std::nullopt;
    if (t[pos] == U'<') {
        const size_t gt = t.find(U'>', pos + 1);
        if (gt != Text::npos && gt > pos + 1)
            return Match{pos, gt + 1, false};
    }
    return Match{pos, pos + 1, true};
}

bool isWordPart(char32_t c) { return c != U'<' && c != U'>' && !PyText::isSpace(c); }

// re_notag = r'([^<>\s]+)'
std::optional<Match> searchNoTag(const Text &t, size_t pos)
{
    while (pos < t.size() && !isWordPart(t[pos]))
        ++pos;
    if (pos >= t.size())
        return std::nullopt;
    size_t e = pos;
    while (e < t.size() && isWordPart(t[e]))
        ++e;
    return Match{pos, e, true};
}

// WordsRegex.search: a word, or "<" up to the next ">" (a fake tag match)
std::optional<Match> searchWord(const Text &t, size_t pos)
{
    size_t p = pos;
    while (p < t.size() && t[p] != U'<' && !isWordPart(t[p]))
        ++p;
    if (p >= t.size())
        return std::nullopt;
    if (t[p] != U'<')
        return searchNoTag(t, p);
    const size_t gt = t.find(U'>', p + 1);
    if (gt == Text::npos)
        return searchNoTag(t, pos + 1); // Django searches from pos + 1, not from after the '<'
    return Match{p, gt + 1, false};
}

struct Tag { bool closing = false; bool selfClosing = false; QString name; };

// re_tag = r'<(/)?(\S+?)(?:(\s*/)|\s.*?)?>' matched against "<…>" holding one '>' (its last char)
std::optional<Tag> parseTag(const Text &m)
{
    const Text inner = m.substr(1, m.size() - 2);
    for (int withSlash = 1; withSlash >= 0; --withSlash) {
        if (withSlash && (inner.empty() || inner[0] != U'/'))
            continue;
        const size_t from = size_t(withSlash);
        for (size_t k = from + 1; k <= inner.size() && !PyText::isSpace(inner[k - 1]); ++k) {
            const Text rest = inner.substr(k);
            bool slashOnly = !rest.empty() && rest.back() == U'/';
            for (size_t i = 0; slashOnly && i + 1 < rest.size(); ++i)
                slashOnly = PyText::isSpace(rest[i]);
            if (rest.empty() || slashOnly || PyText::isSpace(rest[0]))
                return Tag{withSlash == 1, slashOnly, fromCodePoints(inner.substr(from, k - from)).toLower()};
        }
    }
    return std::nullopt;
}

QString truncateHtml(const QString &input, qint64 length, const QString &suffix, qint64 truncateLen, bool words)
{
    if (words && length <= 0)
        return QString();
    constexpr size_t maxLength = 5'000'000; // Truncator.MAX_LENGTH_HTML
    Text text = codePoints(input);
    bool sizeLimited = false;
    if (text.size() > maxLength) {
        text.resize(maxLength);
        sizeLimited = true;
    }
    static const QStringList singlets = {QStringLiteral("br"), QStringLiteral("col"), QStringLiteral("link"),
                                         QStringLiteral("base"), QStringLiteral("img"), QStringLiteral("param"),
                                         QStringLiteral("area"), QStringLiteral("hr"), QStringLiteral("input")};
    size_t pos = 0, endTextPos = 0;
    qint64 currentLen = 0;
    QStringList openTags; // most recent first
    while (currentLen <= length) {
        const auto m = words ? searchWord(text, pos) : searchChar(text, pos);
        if (!m)
            break;
        pos = m->end;
        if (m->word) {
            ++currentLen;
            if (currentLen == truncateLen)
                endTextPos = pos;
            continue;
        }
        const auto tag = parseTag(text.substr(m->start, m->end - m->start));
        if (!tag || currentLen >= truncateLen)
            continue;
        if (tag->selfClosing || singlets.contains(tag->name))
            continue;
        if (tag->closing) {
            if (!openTags.isEmpty() && openTags.front() == tag->name)
                openTags.removeFirst();
        } else {
            openTags.prepend(tag->name);
        }
    }
    if (currentLen <= length)
        return fromCodePoints(text) + (sizeLimited ? suffix : QString());
    QString out = fromCodePoints(std::u32string_view(text).substr(0, endTextPos)) + suffix;
    for (const QString &tag : openTags)
        out += QStringLiteral("</%1>").arg(tag);
    return out;
}

// ---- textwrap ----

// str.splitlines(True)
std::vector<Text> splitLinesKeepEnds(const Text &t)
{
    std::vector<Text> lines;
    size_t start = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        const char32_t c = t[i];
        const bool brk = c == U'\n' || c == U'\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) || c == 0x85
            || c == 0x2028 || c == 0x2029;
        if (!brk)
            continue;
        if (c == U'\r' && i + 1 < t.size() && t[i + 1] == U'\n')
            ++i;
        lines.push_back(t.substr(start, i + 1 - start));
        start = i + 1;
    }
    if (start < t.size())
        lines.push_back(t.substr(start));
    return lines;
}

bool isAsciiWhitespace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0x0b || c == 0x0c; }

bool allSpace(const Text &s) // s.strip() == ''
{
    for (char32_t c : s)
        if (!PyText::isSpace(c))
            return false;
    return true;
}

// TextWrapper(width, break_long_words=False, break_on_hyphens=False).wrap(line)
std::vector<Text> wrapLine(const Text &line, size_t width)
{
    // _munge_whitespace: expandtabs(8), then each of string.whitespace becomes a space
    Text munged;
    size_t column = 0;
    for (char32_t c : line) {
        if (c == U'\t') {
            const size_t spaces = 8 - column % 8;
            munged.append(spaces, U' ');
            column += spaces;
            continue;
        }
        munged.push_back(isAsciiWhitespace(c) ? U' ' : c);
        column = (c == U'\n' || c == U'\r') ? 0 : column + 1;
    }
    // _split: runs of spaces and runs of anything else
    std::vector<Text> chunks;
    for (size_t i = 0; i < munged.size();) {
        size_t j = i;
        const bool space = munged[i] == U' ';
        while (j < munged.size() && (munged[j] == U' ') == space)
            ++j;
        chunks.push_back(munged.substr(i, j - i));
        i = j;
    }
    // _wrap_chunks
    std::vector<Text> lines;
    size_t next = 0;
    while (next < chunks.size()) {
        if (allSpace(chunks[next]) && !lines.empty())
            ++next;
        std::vector<const Text *> cur;
        size_t curLen = 0;
        while (next < chunks.size() && curLen + chunks[next].size() <= width) {
            curLen += chunks[next].size();
            cur.push_back(&chunks[next++]);
        }
        if (next < chunks.size() && chunks[next].size() > width && cur.empty())
            cur.push_back(&chunks[next++]); // a long word goes on a line of its own, unbroken
        if (!cur.empty() && allSpace(*cur.back()))
            cur.pop_back();
        if (!cur.empty()) {
            Text l;
            for (const Text *c : cur)
                l += *c;
            lines.push_back(std::move(l));
        }
    }
    return lines;
}

// ---- urlize ----

bool isHex(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'f') || (c >= U'A' && c <= U'F'); }

// urllib.parse.unquote: %XX sequences decoded as UTF-8 (invalid bytes become U+FFFD)
QString unquote(const QString &s)
{
    if (!s.contains(u'%'))
        return s;
    QString out;
    QByteArray bytes;
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s[i] == u'%' && i + 2 < s.size() && isHex(s[i + 1].unicode()) && isHex(s[i + 2].unicode())) {
            bytes.append(char(s.mid(i + 1, 2).toInt(nullptr, 16)));
            i += 2;
            continue;
        }
        if (!bytes.isEmpty()) {
            out += QString::fromUtf8(bytes);
            bytes.clear();
        }
        out += s[i];
    }
    return out + QString::fromUtf8(bytes);
}

} // namespace

QString quote(const QString &s, const QByteArray &safe)
{
    QString out;
    static const char hex[] = "0123456789ABCDEF";
    for (char ch : s.toUtf8()) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
            || c == '-' || c == '~' || (c < 128 && safe.contains(char(c)))) {
            out += QLatin1Char(char(c));
        } else {
            out += u'%';
            out += QLatin1Char(hex[c >> 4]);
            out += QLatin1Char(hex[c & 15]);
        }
    }
    return out;
}

namespace {

// urllib.parse.quote_plus(s) as urlencode() uses it
QString quotePlus(const QString &s) { return quote(s, " ").replace(u' ', u'+'); }

const QByteArray urlSafe = "!$&'()*+,;=:/?#[]@~"; // RFC 3986 sub-delims + gen-delims + '~'

QString unquoteQuote(const QString &s) { return quote(unquote(s), urlSafe); }

bool isAscii(QStringView s)
{
    for (QChar c : s)
        if (c.unicode() >= 128)
            return false;
    return true;
}

// domain.encode('idna').decode('ascii') (Python's IDNA 2003 codec); nullopt where it raises
std::optional<QString> punycode(const QString &domain)
{
    if (isAscii(domain)) {
        const QStringList labels = domain.split(u'.');
        for (qsizetype i = 0; i < labels.size(); ++i) {
            const bool last = i + 1 == labels.size();
            if (labels[i].size() >= 64 || (!last && labels[i].isEmpty()))
                return std::nullopt;
        }
        return domain;
    }
    thread_local const QRegularExpression dots(QStringLiteral("[.\\x{3002}\\x{ff0e}\\x{ff61}]"));
    QStringList labels = domain.split(dots);
    QString trailingDot;
    if (!labels.isEmpty() && labels.back().isEmpty()) {
        trailingDot = QStringLiteral(".");
        labels.removeLast();
    }
    QStringList out;
    for (const QString &label : labels) {
        // ToASCII: nameprep (case folding, NFKC) and, if still not ASCII, "xn--" + Punycode
        QString ascii = isAscii(label) ? label : label.toCaseFolded().normalized(QString::NormalizationForm_KC);
        if (!isAscii(ascii)) {
            ascii = QString::fromLatin1(QUrl::toAce(ascii));
            if (!ascii.startsWith(QStringLiteral("xn--")))
                return std::nullopt;
        }
        if (ascii.isEmpty() || ascii.size() >= 64)
            return std::nullopt;
        out.append(ascii);
    }
    return out.join(u'.') + trailingDot;
}

// django.utils.html.smart_urlquote
QString smartUrlquote(const QString &url)
{
    // urlsplit
    QString rest = url, scheme, netloc, query, fragment;
    const qsizetype colon = rest.indexOf(u':');
    if (colon > 0 && rest[0].unicode() < 128 && rest[0].isLetter()) {
        bool schemeChars = true;
        for (qsizetype i = 0; i < colon; ++i) {
            const char16_t c = rest[i].unicode();
            schemeChars = schemeChars && c < 128 && (QChar(c).isLetterOrNumber() || c == '+' || c == '-' || c == '.');
        }
        if (schemeChars) {
            scheme = rest.left(colon).toLower();
            rest = rest.mid(colon + 1);
        }
    }
    if (rest.startsWith(QStringLiteral("//"))) {
        qsizetype delim = rest.size();
        for (QChar c : {u'/', u'?', u'#'}) {
            const qsizetype w = rest.indexOf(c, 2);
            if (w >= 0)
                delim = qMin(delim, w);
        }
        netloc = rest.mid(2, delim - 2);
        rest = rest.mid(delim);
        if (netloc.contains(u'[') != netloc.contains(u']'))
            return unquoteQuote(url); // "Invalid IPv6 URL"
    }
    if (const qsizetype hash = rest.indexOf(u'#'); hash >= 0) {
        fragment = rest.mid(hash + 1);
        rest.truncate(hash);
    }
    if (const qsizetype q = rest.indexOf(u'?'); q >= 0) {
        query = rest.mid(q + 1);
        rest.truncate(q);
    }
    const auto ace = punycode(netloc);
    if (!ace)
        return unquoteQuote(url);
    netloc = *ace;
    if (!query.isEmpty()) {
        // parse_qsl(keep_blank_values=True), each part unquoted once more, then urlencode()
        QStringList pairs;
        for (const QString &nv : query.split(u'&')) {
            if (nv.isEmpty())
                continue;
            const qsizetype eq = nv.indexOf(u'=');
            QString name = eq >= 0 ? nv.left(eq) : nv;
            QString value = eq >= 0 ? nv.mid(eq + 1) : QString();
            name = unquote(unquote(name.replace(u'+', u' ')));
            value = unquote(unquote(value.replace(u'+', u' ')));
            pairs.append(quotePlus(name) + u'=' + quotePlus(value));
        }
        query = pairs.join(u'&');
    }
    QString path = unquoteQuote(rest);
    fragment = unquoteQuote(fragment);
    // urlunsplit
    static const QStringList usesNetloc = {
        QString(), QStringLiteral("ftp"), QStringLiteral("http"), QStringLiteral("gopher"), QStringLiteral("nntp"),
        QStringLiteral("telnet"), QStringLiteral("imap"), QStringLiteral("wais"), QStringLiteral("file"),
        QStringLiteral("mms"), QStringLiteral("https"), QStringLiteral("shttp"), QStringLiteral("snews"),
        QStringLiteral("prospero"), QStringLiteral("rtsp"), QStringLiteral("rtspu"), QStringLiteral("rsync"),
        QStringLiteral("svn"), QStringLiteral("svn+ssh"), QStringLiteral("sftp"), QStringLiteral("nfs"),
        QStringLiteral("git"), QStringLiteral("git+ssh"), QStringLiteral("ws"), QStringLiteral("wss")};
    QString out = path;
    if (!netloc.isEmpty() || (!scheme.isEmpty() && usesNetloc.contains(scheme) && !out.startsWith(QStringLiteral("//")))) {
        if (!out.isEmpty() && !out.startsWith(u'/'))
            out.prepend(u'/');
        out = u"//" + netloc + out;
    }
    if (!scheme.isEmpty())
        out = scheme + u':' + out;
    if (!query.isEmpty())
        out += u'?' + query;
    if (!fragment.isEmpty())
        out += u'#' + fragment;
    return out;
}

// html.unescape for the references urlize meets in practice (named ones in their common forms)
QString htmlUnescape(const QString &s)
{
    if (!s.contains(u'&'))
        return s;
    thread_local const QRegularExpression ref(QStringLiteral("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|amp;?|lt;?|gt;?|quot;?|apos;)"));
    QString out;
    qsizetype last = 0;
    for (auto it = ref.globalMatch(s); it.hasNext();) {
        const auto m = it.next();
        out += s.mid(last, m.capturedStart() - last);
        QString name = m.captured(1);
        if (name.endsWith(u';'))
            name.chop(1);
        if (name.startsWith(u'#')) {
            bool ok = false;
            const uint cp = (name.size() > 1 && (name[1] == u'x' || name[1] == u'X')) ? name.mid(2).toUInt(&ok, 16)
                                                                                   : name.mid(1).toUInt(&ok, 10);
            const char32_t c = ok && cp && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? char32_t(cp) : U'\ufffd';
            out += fromCodePoints(std::u32string_view(&c, 1));
        } else {
            static const QHash<QString, QString> named = {
                {QStringLiteral("amp"), QStringLiteral("&")}, {QStringLiteral("lt"), QStringLiteral("<")},
                {QStringLiteral("gt"), QStringLiteral(">")}, {QStringLiteral("quot"), QStringLiteral("\"")},
                {QStringLiteral("apos"), QStringLiteral("'")}};
            out += named.value(name);
        }
        last = m.capturedEnd();
    }
    return out + s.mid(last);
}

bool startsWithCi(const QString &s, QLatin1StringView prefix) { return s.startsWith(prefix, Qt::CaseInsensitive); }

bool isSimpleUrl(const QString &middle) // r'^https?://\[?\w' (re.I)
{
    qsizetype i;
    if (startsWithCi(middle, QLatin1StringView("http://")))
        i = 7;
    else if (startsWithCi(middle, QLatin1StringView("https://")))
        i = 8;
    else
        return false;
    if (i < middle.size() && middle[i] == u'[')
        ++i;
    const Text rest = codePoints(QStringView(middle).mid(i, 2));
    return !rest.empty() && PyText::isWordChar(rest[0]);
}

bool isSimpleUrl2(const QString &middle) // r'^www\.|^(?!http)\w[^@]+\.(com|edu|gov|int|mil|net|org)($|/.*)$' (re.I)
{
    if (startsWithCi(middle, QLatin1StringView("www.")))
        return true;
    if (startsWithCi(middle, QLatin1StringView("http")) || middle.isEmpty())
        return false;
    const qsizetype first = PyText::unitIndex(middle, 1);
    if (!PyText::isWordChar(codePoints(QStringView(middle).left(first))[0]))
        return false;
    thread_local const QRegularExpression tail(QStringLiteral("^[^@]+\\.(com|edu|gov|int|mil|net|org)($|/.*)$"),
                                               QRegularExpression::CaseInsensitiveOption);
    return tail.match(middle.mid(first)).hasMatch();
}

bool isEmailSimple(const QString &v)
{
    if (!v.contains(u'@') || v.startsWith(u'@') || v.endsWith(u'@') || v.count(u'@') != 1)
        return false;
    const QString p2 = v.mid(v.indexOf(u'@') + 1);
    return PyText::length(p2) <= 63 && p2.contains(u'.') && !p2.startsWith(u'.');
}

// ---- pprint ----

bool codePointLess(const QString &a, const QString &b) { return codePoints(a) < codePoints(b); }

// pprint's _safe_repr: repr() with dict keys sorted
QString safeRepr(const Value &v)
{
    if (const ValueList *l = v.list()) {
        QStringList parts;
        for (const Value &item : *l)
            parts.append(safeRepr(item));
        return u'[' + parts.join(QStringLiteral(", ")) + u']';
    }
    if (const ValueMap *m = v.map()) {
        QStringList keys = m->keys();
        std::sort(keys.begin(), keys.end(), codePointLess);
        QStringList parts;
        for (const QString &k : keys)
            parts.append(Value(k).toRepr() + QStringLiteral(": ") + safeRepr(m->value(k)));
        return u'{' + parts.join(QStringLiteral(", ")) + u'}';
    }
    return v.toRepr();
}

struct PrettyPrinter
{
    static constexpr qsizetype width = 80;
    QString out;

    void format(const Value &v, qsizetype indent, qsizetype allowance, int level)
    {
        const QString rep = safeRepr(v);
        if (PyText::length(rep) > width - indent - allowance) {
            if (const ValueList *l = v.list())
                return formatList(*l, indent, allowance, level + 1);
            if (const ValueMap *m = v.map())
                return formatDict(*m, indent, allowance, level + 1);
            if (v.isString())
                return formatString(v.toString(), indent, allowance, level + 1);
        }
        out += rep;
    }

    void formatList(const ValueList &l, qsizetype indent, qsizetype allowance, int level)
    {
        out += u'[';
        indent += 1;
        for (qsizetype i = 0; i < l.size(); ++i) {
            if (i)
                out += u",\n" + QString(indent, u' ');
            const bool last = i + 1 == l.size();
            format(l[i], indent, last ? allowance + 1 : 1, level);
        }
        out += u']';
    }

    void formatDict(const ValueMap &m, qsizetype indent, qsizetype allowance, int level)
    {
        out += u'{';
        QStringList keys = m.keys();
        std::sort(keys.begin(), keys.end(), codePointLess);
        indent += 1;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            const bool last = i + 1 == keys.size();
            const QString rep = Value(keys[i]).toRepr();
            out += rep + QStringLiteral(": ");
            format(m.value(keys[i]), indent + PyText::length(rep) + 2, last ? allowance + 1 : 1, level);
            if (!last)
                out += u",\n" + QString(indent, u' ');
        }
        out += u'}';
    }

    static QString repr(const Text &s) { return Value(fromCodePoints(s)).toRepr(); }

    void formatString(const QString &s, qsizetype indent, qsizetype allowance, int level)
    {
        if (s.isEmpty()) {
            out += Value(s).toRepr();
            return;
        }
        if (level == 1) {
            indent += 1;
            allowance += 1;
        }
        QStringList chunks;
        const std::vector<Text> lines = splitLinesKeepEnds(codePoints(s));
        qsizetype maxWidth1 = width - indent;
        QString rep;
        for (size_t i = 0; i < lines.size(); ++i) {
            const Text &line = lines[i];
            rep = repr(line);
            const bool lastLine = i + 1 == lines.size();
            if (lastLine)
                maxWidth1 -= allowance;
            if (PyText::length(rep) <= maxWidth1) {
                chunks.append(rep);
                continue;
            }
            // re.findall(r'\S*\s*', line): runs of non-space then space
            std::vector<Text> parts;
            for (size_t p = 0; p < line.size();) {
                size_t q = p;
                while (q < line.size() && !PyText::isSpace(line[q]))
                    ++q;
                while (q < line.size() && PyText::isSpace(line[q]))
                    ++q;
                parts.push_back(line.substr(p, q - p));
                p = q;
            }
            qsizetype maxWidth2 = width - indent;
            Text current;
            for (size_t j = 0; j < parts.size(); ++j) {
                const Text candidate = current + parts[j];
                if (j + 1 == parts.size() && lastLine)
                    maxWidth2 -= allowance;
                if (PyText::length(repr(candidate)) > maxWidth2) {
                    if (!current.empty())
                        chunks.append(repr(current));
                    current = parts[j];
                } else {
                    current = candidate;
                }
            }
            if (!current.empty())
                chunks.append(repr(current));
        }
        if (chunks.size() == 1) {
            out += rep;
            return;
        }
        if (level == 1)
            out += u'(';
        out += chunks.join(u'\n' + QString(indent, u' '));
        if (level == 1)
            out += u')';
    }
};

} // namespace

QString truncateChars(const QString &input, qint64 length)
{
    const Text text = codePoints(input.normalized(QString::NormalizationForm_C));
    const qint64 truncateLen = length - 1; // the "…" takes one place
    qint64 sLen = 0;
    std::optional<size_t> endIndex;
    for (size_t i = 0; i < text.size(); ++i) {
        if (PyText::isCombining(text[i]))
            continue;
        ++sLen;
        if (!endIndex && sLen > truncateLen)
            endIndex = i;
        if (sLen > length)
            return addTruncation(fromCodePoints(std::u32string_view(text).substr(0, endIndex.value_or(0))), ellipsis);
    }
    return fromCodePoints(text);
}

QString truncateHtmlChars(const QString &text, qint64 length)
{
    return truncateHtml(text.normalized(QString::NormalizationForm_C), length, ellipsis, length - 1, false);
}

QString truncateHtmlWords(const QString &text, qint64 length)
{
    return truncateHtml(text, length, QStringLiteral(" \u2026"), length, true);
}

std::optional<QString> wrap(const QString &text, qint64 width)
{
    const std::vector<Text> lines = splitLinesKeepEnds(codePoints(text));
    if (lines.empty())
        return QString();
    if (width <= 0)
        return std::nullopt;
    QStringList out;
    for (const Text &line : lines)
        for (const Text &wrapped : wrapLine(line, size_t(width)))
            out.append(fromCodePoints(wrapped));
    return out.join(u'\n');
}

QString urlize(const QString &text, bool safeInput, bool autoescape, qint64 trimLimit)
{
    auto trimUrl = [&](const QString &x) -> QString {
        if (trimLimit < 0 || PyText::length(x) <= trimLimit)
            return x;
        return PyText::left(x, qMax<qint64>(0, trimLimit - 1)) + ellipsis;
    };
    auto plainWord = [&](const QString &w) { return autoescape && !safeInput ? htmlEscape(w) : w; };
    auto linkWord = [&](const QString &word) -> QString {
        QString lead, middle = word, trail;
        for (bool trimmed = true; trimmed;) { // trim_punctuation
            trimmed = false;
            for (auto [open, close] : {std::pair{u'(', u')'}, std::pair{u'[', u']'}}) {
                if (middle.startsWith(open)) {
                    middle.remove(0, 1);
                    lead += open;
                    trimmed = true;
                }
                if (middle.endsWith(close) && middle.count(close) == middle.count(open) + 1) {
                    middle.chop(1);
                    trail.prepend(close);
                    trimmed = true;
                }
            }
            const QString unescaped = htmlUnescape(middle);
            QString stripped = unescaped;
            while (!stripped.isEmpty() && QStringLiteral(".,:;!").contains(stripped.back()))
                stripped.chop(1);
            if (stripped != unescaped) {
                const qsizetype keep = PyText::length(middle) - (PyText::length(unescaped) - PyText::length(stripped));
                const qsizetype cut = PyText::unitIndex(middle, qMax<qsizetype>(0, keep));
                trail.prepend(middle.mid(PyText::unitIndex(middle, PyText::length(stripped))));
                middle.truncate(cut);
                trimmed = true;
            }
        }
        constexpr qsizetype maxUrlLength = 2048;
        QString url;
        QString rel = QStringLiteral(" rel=\"nofollow\"");
        const bool short_ = PyText::length(middle) <= maxUrlLength;
        if (short_ && isSimpleUrl(middle)) {
            url = smartUrlquote(htmlUnescape(middle));
        } else if (short_ && isSimpleUrl2(middle)) {
            url = smartUrlquote(u"http://" + htmlUnescape(middle));
        } else if (!middle.contains(u':') && isEmailSimple(middle)) {
            const qsizetype at = middle.lastIndexOf(u'@');
            const auto domain = punycode(middle.mid(at + 1));
            if (!domain)
                return word; // Django leaves such a word as it is, even unescaped
            url = u"mailto:" + middle.left(at) + u'@' + *domain;
            rel.clear();
        }
        if (url.isEmpty())
            return plainWord(word);
        QString trimmedText = trimUrl(middle);
        if (autoescape && !safeInput) {
            lead = htmlEscape(lead);
            trail = htmlEscape(trail);
            trimmedText = htmlEscape(trimmedText);
        }
        return lead + QStringLiteral("<a href=\"%1\"%2>%3</a>").arg(htmlEscape(url), rel, trimmedText) + trail;
    };
    // word_split_re = r'''([\s<>"']+)''': words and the separators between them
    auto isSep = [](QChar c) { return c == u'<' || c == u'>' || c == u'"' || c == u'\'' || PyText::isSpace(c.unicode()); };
    QString out;
    for (qsizetype i = 0; i < text.size();) {
        qsizetype j = i;
        const bool sep = isSep(text[i]);
        while (j < text.size() && isSep(text[j]) == sep)
            ++j;
        const QString part = text.mid(i, j - i);
        if (sep)
            out += plainWord(part);
        else if (part.contains(u'.') || part.contains(u'@') || part.contains(u':'))
            out += linkWord(part);
        else
            out += plainWord(part);
        i = j;
    }
    return out;
}

QString pformat(const Value &value)
{
    PrettyPrinter p;
    p.format(value, 0, 0, 0);
    return p.out;
}

} // namespace LiveActor::TemplateDetail::DjangoText
