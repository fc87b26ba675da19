// Lexer: Django template source → tokens (text, {{ var }}, {% block %}, {# comment #}).

#include "template/lexer_p.h"

namespace LiveActor::TemplateDetail {

std::vector<Token> tokenize(const QString &src)
{
    std::vector<Token> out;
    QString verbatimEnd;
    qsizetype i = 0, textStart = 0;
    int line = 1, col = 1;           // position of src[i]
    int textLine = 1, textCol = 1;   // position of textStart
    const qsizetype n = src.size();
    auto advanceTo = [&](qsizetype to) {
        for (; i < to; ++i) {
            if (src[i] == u'\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
    };
    auto flushText = [&](qsizetype end) {
        if (end > textStart) {
            Token t;
            t.type = Token::Text;
            t.content = src.mid(textStart, end - textStart);
            t.raw = t.content;
            t.line = textLine;
            t.column = textCol;
            out.push_back(std::move(t));
        }
    };
    while (i < n) {
        if (src[i] == u'{' && i + 1 < n
            && (src[i + 1] == u'%' || src[i + 1] == u'{' || src[i + 1] == u'#')) {
            const QChar kind = src[i + 1];
            const QString close = kind == u'%' ? QStringLiteral("%}")
                                 : kind == u'{' ? QStringLiteral("}}")
                                                : QStringLiteral("#}");
            const qsizetype end = src.indexOf(close, i + 2);
            const qsizetype nl = src.indexOf(u'\n', i + 2);
            if (end >= 0 && (nl < 0 || nl > end)) {
                const QString raw = src.mid(i, end + 2 - i);
                const QString inner = src.mid(i + 2, end - i - 2).trimmed();
                Token t;
                t.raw = raw;
                t.line = line;
                t.column = col;
                if (!verbatimEnd.isEmpty()) {
                    if (kind == u'%' && inner == verbatimEnd) {
                        verbatimEnd.clear();
                        t.type = Token::Block;
                        t.content = inner;
                    } else {
                        // inside verbatim every token is text
                        advanceTo(end + 2);
                        continue;
                    }
                } else {
                    t.type = kind == u'%' ? Token::Block : kind == u'{' ? Token::Var : Token::Comment;
                    t.content = inner;
                    if (kind == u'%' && (inner == u"verbatim" || inner.startsWith(u"verbatim ")))
                        verbatimEnd = u"end" + inner;
                }
                flushText(i);
                out.push_back(std::move(t));
                advanceTo(end + 2);
                textStart = i;
                textLine = line;
                textCol = col;
                continue;
            }
        }
        advanceTo(i + 1);
    }
    flushText(n);
    return out;
}

QStringList smartSplit(const QString &s)
{
    QStringList bits;
    qsizetype i = 0;
    const qsizetype n = s.size();
    while (i < n) {
        while (i < n && s[i].isSpace())
            ++i;
        if (i >= n)
            break;
        QString bit;
        while (i < n && !s[i].isSpace()) {
            const QChar c = s[i];
            if (c == u'"' || c == u'\'') {
                qsizetype j = i + 1;
                while (j < n && s[j] != c) {
                    if (s[j] == u'\\')
                        ++j;
                    ++j;
                }
                if (j < n) {
                    bit += s.mid(i, j + 1 - i);
                    i = j + 1;
                    continue;
                }
            }
            bit += c;
            ++i;
        }
        bits.append(bit);
    }
    return bits;
}

} // namespace LiveActor::TemplateDetail
