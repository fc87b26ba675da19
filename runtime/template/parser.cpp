// Lexer, parser and flattener: Django template source → Compiled (parse tree + LiveView blocks).

#include "template/compiled_p.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace LiveActor::TemplateDetail {

namespace {

struct Token
{
    enum Type { Text, Var, Block, Comment };
    Type type = Text;
    QString content; ///< stripped inner text for Var/Block, raw text for Text
    QString raw;
    int line = 1;
    int column = 1;
};

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

/// Django's smart_split: whitespace-separated, quoted parts kept whole.
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

bool isWordChar(QChar c) { return c.isLetterOrNumber() || c == u'_'; }

class Parser
{
public:
    static constexpr size_t kMaxNesting = 200; ///< block tags inside block tags; deeper is an error
    Parser(const QString &source, const QString &name) : m_name(name), m_tokens(tokenize(source)) { }

    std::optional<TemplateError> error;
    QSet<QString> tagAssigned; ///< names set by `cycle … as`, `firstof … as`, …

    NodeList parseAll()
    {
        QString endTag;
        NodeList nodes = parseUntil({}, &endTag);
        return nodes;
    }

private:
    QString m_name;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    QStringList m_openTags; ///< for "Unclosed tag" messages
    QHash<QString, const CycleNode *> m_namedCycles;
    const Token *m_current = nullptr;

    void fail(const Token &t, const QString &message, TemplateError::Kind kind = TemplateError::Kind::Syntax,
              int colOffset = 0)
    {
        if (error)
            return;
        error = TemplateError{kind, m_name, t.line, t.column + colOffset, message};
    }

    template<typename N>
    std::unique_ptr<N> make(const Token &t)
    {
        auto n = std::make_unique<N>();
        n->line = t.line;
        n->column = t.column;
        n->templateName = m_name;
        return n;
    }

public:
    // ---- variables and filter expressions ----
    bool parseVarRef(const QString &text, VarRef &out, const Token &t)
    {
        out.text = text;
        if (text.isEmpty()) {
            fail(t, QStringLiteral("Expected a variable or a value"));
            return false;
        }
        const QChar q = text[0];
        if ((q == u'"' || q == u'\'') && text.size() >= 2 && text.endsWith(q)) {
            QString inner = text.mid(1, text.size() - 2);
            inner.replace(u"\\" + QString(q), QString(q));
            inner.replace(QStringLiteral("\\\\"), QStringLiteral("\\"));
            out.literal = true;
            out.value = Value::safe(inner);
            return true;
        }
        // numbers
        thread_local const QRegularExpression numRe(QStringLiteral("^[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?$"));
        if (numRe.match(text).hasMatch() && !text.endsWith(u'.')) {
            out.literal = true;
            if (!text.contains(u'.') && !text.contains(u'e') && !text.contains(u'E')) {
                bool ok = false;
                const qlonglong v = text.toLongLong(&ok);
                out.value = ok ? Value(qint64(v)) : Value(text.toDouble());
            } else {
                out.value = Value(text.toDouble());
            }
            return true;
        }
        if (text.startsWith(u'_') || text.contains(u"._")) {
            fail(t, QStringLiteral("Variables and attributes may not begin with underscores: '%1'").arg(text));
            return false;
        }
        const QStringList parts = text.split(u'.');
        for (const QString &p : parts) {
            if (p.isEmpty()) {
                fail(t, QStringLiteral("Could not parse the remainder: '%1'").arg(text));
                return false;
            }
            for (QChar c : p)
                if (!isWordChar(c) && c != u'-' && c != u'+') {
                    fail(t, QStringLiteral("Could not parse the remainder: '%1'").arg(text));
                    return false;
                }
        }
        out.name = parts[0];
        out.path = parts.mid(1);
        return true;
    }

    static qsizetype scanConstantOrVar(const QString &s, qsizetype i)
    {
        const qsizetype n = s.size();
        if (i < n && (s[i] == u'"' || s[i] == u'\'')) {
            const QChar q = s[i];
            qsizetype j = i + 1;
            while (j < n && s[j] != q) {
                if (s[j] == u'\\')
                    ++j;
                ++j;
            }
            return j < n ? j + 1 : i;
        }
        qsizetype j = i;
        while (j < n && (isWordChar(s[j]) || s[j] == u'.' || ((s[j] == u'-' || s[j] == u'+') && j == i)))
            ++j;
        return j;
    }

    bool parseFilterExpr(const QString &text, FilterExpr &out, const Token &t)
    {
        out.line = t.line;
        out.column = t.column;
        const qsizetype n = text.size();
        qsizetype i = scanConstantOrVar(text, 0);
        if (i == 0) {
            fail(t, QStringLiteral("Could not find variable at start of %1.").arg(text));
            return false;
        }
        if (!parseVarRef(text.left(i), out.base, t))
            return false;
        while (i < n) {
            qsizetype sp = i;
            while (sp < n && text[sp].isSpace())
                ++sp;
            if (sp < n && text[sp] == u'|') {
                i = sp;
            }
            if (text[i] != u'|') {
                fail(t, QStringLiteral("Could not parse the remainder: '%1' from '%2'").arg(text.mid(i), text));
                return false;
            }
            ++i;
            while (i < n && text[i].isSpace())
                ++i;
            qsizetype j = i;
            while (j < n && isWordChar(text[j]))
                ++j;
            if (j == i) {
                fail(t, QStringLiteral("Could not parse the remainder: '%1' from '%2'").arg(text.mid(i - 1), text));
                return false;
            }
            FilterCall call;
            call.name = text.mid(i, j - i);
            call.def = findFilter(call.name);
            if (!call.def) {
                fail(t, QStringLiteral("Invalid filter: '%1'").arg(call.name), TemplateError::Kind::UnknownFilter);
                return false;
            }
            i = j;
            if (i < n && text[i] == u':') {
                ++i;
                const qsizetype e = scanConstantOrVar(text, i);
                if (e == i) {
                    fail(t, QStringLiteral("Could not parse the remainder: '%1' from '%2'").arg(text.mid(i - 1), text));
                    return false;
                }
                call.hasArg = true;
                if (!parseVarRef(text.mid(i, e - i), call.arg, t))
                    return false;
                i = e;
            }
            if ((call.def->args == 0 && call.hasArg) || (call.def->args == 1 && !call.hasArg)) {
                const int need = call.def->args == 1 ? 2 : 1;
                fail(t, QStringLiteral("%1 requires %2 arguments, %3 provided")
                            .arg(call.name).arg(need).arg(call.hasArg ? 2 : 1));
                return false;
            }
            out.filters.push_back(std::move(call));
        }
        return true;
    }

private:
    // ---- if expressions (Django's smartif, a Pratt parser) ----
    struct IfTok { QString text; int lbp = 0; Cond::Op op = Cond::Leaf; bool prefix = false; };
    std::vector<IfTok> m_ifToks;
    size_t m_ifPos = 0;
    const Token *m_ifToken = nullptr;

    std::unique_ptr<Cond> ifExpression(int rbp)
    {
        if (error)
            return nullptr;
        if (m_ifToks.size() > 512) {
            fail(*m_ifToken, QStringLiteral("if expression too long"));
            return nullptr;
        }
        if (m_ifPos >= m_ifToks.size()) {
            fail(*m_ifToken, QStringLiteral("Unexpected end of expression in if tag."));
            return nullptr;
        }
        IfTok t = m_ifToks[m_ifPos++];
        std::unique_ptr<Cond> left;
        if (t.op == Cond::Leaf) {
            left = std::make_unique<Cond>();
            if (!parseFilterExpr(t.text, left->expr, *m_ifToken))
                return nullptr;
        } else if (t.op == Cond::Not) {
            left = std::make_unique<Cond>();
            left->op = Cond::Not;
            left->a = ifExpression(8);
            if (!left->a)
                return nullptr;
        } else {
            fail(*m_ifToken, QStringLiteral("Not expecting '%1' in this position in if tag.").arg(t.text));
            return nullptr;
        }
        while (m_ifPos < m_ifToks.size() && rbp < m_ifToks[m_ifPos].lbp) {
            IfTok op = m_ifToks[m_ifPos++];
            if (op.op == Cond::Leaf || op.op == Cond::Not) {
                fail(*m_ifToken, QStringLiteral("Not expecting '%1' as infix operator in if tag.").arg(op.text));
                return nullptr;
            }
            auto node = std::make_unique<Cond>();
            node->op = op.op;
            node->a = std::move(left);
            node->b = ifExpression(op.lbp);
            if (!node->b)
                return nullptr;
            left = std::move(node);
        }
        if (m_ifPos < m_ifToks.size() && rbp == 0 && !error) {
            const IfTok &t2 = m_ifToks[m_ifPos];
            if (t2.op == Cond::Leaf || t2.op == Cond::Not)
                fail(*m_ifToken, QStringLiteral("Unused '%1' at end of if expression.").arg(t2.text));
        }
        return left;
    }

    std::unique_ptr<Cond> parseCondition(const QStringList &bits, const Token &t)
    {
        m_ifToks.clear();
        m_ifPos = 0;
        m_ifToken = &t;
        for (qsizetype i = 0; i < bits.size(); ++i) {
            const QString &b = bits[i];
            IfTok tok;
            tok.text = b;
            if (b == u"or") { tok.op = Cond::Or; tok.lbp = 6; }
            else if (b == u"and") { tok.op = Cond::And; tok.lbp = 7; }
            else if (b == u"not" && i + 1 < bits.size() && bits[i + 1] == u"in") { tok.op = Cond::NotIn; tok.lbp = 9; tok.text = QStringLiteral("not in"); ++i; }
            else if (b == u"not") { tok.op = Cond::Not; tok.lbp = 8; }
            else if (b == u"in") { tok.op = Cond::In; tok.lbp = 9; }
            else if (b == u"is" && i + 1 < bits.size() && bits[i + 1] == u"not") { tok.op = Cond::IsNot; tok.lbp = 10; tok.text = QStringLiteral("is not"); ++i; }
            else if (b == u"is") { tok.op = Cond::Is; tok.lbp = 10; }
            else if (b == u"==") { tok.op = Cond::Eq; tok.lbp = 10; }
            else if (b == u"!=") { tok.op = Cond::Ne; tok.lbp = 10; }
            else if (b == u"<") { tok.op = Cond::Lt; tok.lbp = 10; }
            else if (b == u"<=") { tok.op = Cond::Le; tok.lbp = 10; }
            else if (b == u">") { tok.op = Cond::Gt; tok.lbp = 10; }
            else if (b == u">=") { tok.op = Cond::Ge; tok.lbp = 10; }
            m_ifToks.push_back(tok);
        }
        auto c = ifExpression(0);
        if (error)
            return nullptr;
        return c;
    }

    // ---- tags ----
    bool parseKwargs(QStringList &bits, std::vector<std::pair<QString, FilterExpr>> &out, const Token &t,
                     bool legacy)
    {
        thread_local const QRegularExpression kwRe(QStringLiteral("^(\\w+)=(.+)$"));
        if (bits.isEmpty())
            return true;
        const bool kwFormat = kwRe.match(bits[0]).hasMatch();
        if (!kwFormat) {
            if (!legacy)
                return true;
            // legacy `value as name`
            while (bits.size() >= 3 && bits[1] == u"as") {
                FilterExpr e;
                if (!parseFilterExpr(bits[0], e, t))
                    return false;
                out.emplace_back(bits[2], std::move(e));
                bits = bits.mid(3);
                if (!bits.isEmpty() && bits[0] != u"and")
                    return true;
                if (!bits.isEmpty())
                    bits.removeFirst();
            }
            return true;
        }
        while (!bits.isEmpty()) {
            const auto m = kwRe.match(bits[0]);
            if (!m.hasMatch())
                return true;
            FilterExpr e;
            if (!parseFilterExpr(m.captured(2), e, t))
                return false;
            out.emplace_back(m.captured(1), std::move(e));
            bits.removeFirst();
        }
        return true;
    }

    QString expectedList(const QStringList &ends) const
    {
        QStringList q;
        for (const QString &e : ends)
            q.append(u'\'' + e + u'\'');
        if (q.size() == 1)
            return q[0];
        return q.mid(0, q.size() - 1).join(QStringLiteral(", ")) + u" or " + q.last();
    }

public:
    NodeList parseUntil(const QStringList &ends, QString *endTag, const Token **endToken = nullptr)
    {
        NodeList nodes;
        while (m_pos < m_tokens.size() && !error) {
            const Token &t = m_tokens[m_pos++];
            switch (t.type) {
            case Token::Text: {
                auto n = make<TextNode>(t);
                n->text = t.content;
                nodes.push_back(std::move(n));
                break;
            }
            case Token::Comment: break;
            case Token::Var: {
                if (t.content.isEmpty()) {
                    fail(t, QStringLiteral("Empty variable tag on line %1").arg(t.line));
                    return nodes;
                }
                auto n = make<VarNode>(t);
                if (!parseFilterExpr(t.content, n->expr, t))
                    return nodes;
                if (n->expr.isBlockSuper() && !n->expr.filters.empty()) {
                    auto s = make<BlockSuperNode>(t);
                    s->expr = std::move(n->expr);
                    nodes.push_back(std::move(s));
                } else {
                    nodes.push_back(std::move(n));
                }
                break;
            }
            case Token::Block: {
                if (t.content.isEmpty()) {
                    fail(t, QStringLiteral("Empty block tag on line %1").arg(t.line));
                    return nodes;
                }
                const QStringList bits = smartSplit(t.content);
                const QString cmd = bits[0];
                if (ends.contains(cmd)) {
                    *endTag = cmd;
                    if (endToken)
                        *endToken = &t;
                    return nodes;
                }
                auto node = parseTag(t, bits, ends);
                if (error)
                    return nodes;
                if (node) {
                    if (node->kind == NodeKind::Extends) {
                        for (const auto &prev : nodes)
                            if (prev->kind != NodeKind::Text) {
                                fail(t, QStringLiteral("'extends' must be the first tag in the template."));
                                return nodes;
                            }
                    }
                    nodes.push_back(std::move(node));
                }
                break;
            }
            }
        }
        if (!ends.isEmpty() && !error) {
            const Token &open = m_tokens[size_t(m_openStack.back())];
            fail(open, QStringLiteral("Unclosed tag on line %1: '%2'. Looking for one of: %3.")
                           .arg(open.line).arg(smartSplit(open.content).value(0), ends.join(QStringLiteral(", "))));
        }
        return nodes;
    }

private:
    std::vector<qsizetype> m_openStack;

    NodeList parseBody(const QStringList &ends, QString *endTag, const Token **endToken = nullptr)
    {
        if (m_openStack.size() >= kMaxNesting) {
            fail(m_tokens[m_openIndex], QStringLiteral("Tags nested more than %1 deep").arg(kMaxNesting));
            return {};
        }
        m_openStack.push_back(qsizetype(m_openIndex));
        NodeList n = parseUntil(ends, endTag, endToken);
        m_openStack.pop_back();
        return n;
    }
    size_t m_openIndex = 0;

    std::unique_ptr<Node> parseTag(const Token &t, const QStringList &bits, const QStringList &outerEnds)
    {
        const QString cmd = bits[0];
        m_openIndex = m_pos - 1;
        if (cmd == u"if") {
            const size_t ifIndex = m_pos - 1;
            auto n = make<IfNode>(t);
            auto cond = parseCondition(bits.mid(1), t);
            if (!cond)
                return nullptr;
            for (;;) {
                QString end;
                const Token *endTok = nullptr;
                m_openIndex = ifIndex;
                NodeList body = parseBody({QStringLiteral("elif"), QStringLiteral("else"), QStringLiteral("endif")}, &end, &endTok);
                if (error)
                    return nullptr;
                n->conds.push_back(std::move(cond));
                n->bodies.push_back(std::move(body));
                if (end == u"endif")
                    break;
                if (end == u"elif") {
                    cond = parseCondition(smartSplit(endTok->content).mid(1), *endTok);
                    if (!cond)
                        return nullptr;
                    continue;
                }
                // else
                m_openIndex = ifIndex;
                NodeList elseBody = parseBody({QStringLiteral("endif")}, &end);
                if (error)
                    return nullptr;
                n->conds.push_back(nullptr);
                n->bodies.push_back(std::move(elseBody));
                break;
            }
            return n;
        }
        if (cmd == u"for") {
            auto n = make<ForNode>(t);
            QStringList b = bits;
            if (b.size() >= 2 && b[b.size() - 2] == u"key") {
                n->hasKey = true;
                if (!parseFilterExpr(b.last(), n->key, t))
                    return nullptr;
                b = b.mid(0, b.size() - 2);
            }
            if (b.size() < 4) {
                fail(t, QStringLiteral("'for' statements should have at least four words: %1").arg(t.content));
                return nullptr;
            }
            n->reversed = b.last() == u"reversed";
            const qsizetype inIndex = n->reversed ? b.size() - 3 : b.size() - 2;
            if (inIndex < 2 || b[inIndex] != u"in") {
                fail(t, QStringLiteral("'for' statements should use the format 'for x in y': %1").arg(t.content));
                return nullptr;
            }
            const QString vars = b.mid(1, inIndex - 1).join(u' ');
            thread_local const QRegularExpression sep(QStringLiteral(" *, *"));
            for (const QString &v : vars.split(sep)) {
                if (v.isEmpty() || v.contains(u' ')) {
                    fail(t, QStringLiteral("'for' tag received an invalid argument: %1").arg(t.content));
                    return nullptr;
                }
                n->loopVars.append(v);
            }
            if (!parseFilterExpr(b[inIndex + 1], n->sequence, t))
                return nullptr;
            const size_t forIndex = m_pos - 1;
            QString end;
            n->body = parseBody({QStringLiteral("empty"), QStringLiteral("endfor")}, &end);
            if (error)
                return nullptr;
            if (end == u"empty") {
                n->hasEmpty = true;
                m_openIndex = forIndex;
                n->empty = parseBody({QStringLiteral("endfor")}, &end);
            }
            return n;
        }
        if (cmd == u"with") {
            auto n = make<WithNode>(t);
            QStringList rest = bits.mid(1);
            if (!parseKwargs(rest, n->bindings, t, true))
                return nullptr;
            if (n->bindings.empty()) {
                fail(t, QStringLiteral("'with' expected at least one variable assignment"));
                return nullptr;
            }
            if (!rest.isEmpty()) {
                fail(t, QStringLiteral("'with' received an invalid token: '%1'").arg(rest[0]));
                return nullptr;
            }
            QString end;
            n->body = parseBody({QStringLiteral("endwith")}, &end);
            return n;
        }
        if (cmd == u"autoescape") {
            if (bits.size() != 2) {
                fail(t, QStringLiteral("'autoescape' tag requires exactly one argument."));
                return nullptr;
            }
            if (bits[1] != u"on" && bits[1] != u"off") {
                fail(t, QStringLiteral("'autoescape' argument should be 'on' or 'off'"));
                return nullptr;
            }
            auto n = make<AutoescapeNode>(t);
            n->on = bits[1] == u"on";
            QString end;
            n->body = parseBody({QStringLiteral("endautoescape")}, &end);
            return n;
        }
        if (cmd == u"include") {
            if (bits.size() < 2) {
                fail(t, QStringLiteral("'include' tag takes at least one argument: the name of the template to be included."));
                return nullptr;
            }
            auto n = make<IncludeNode>(t);
            if (!parseFilterExpr(bits[1], n->name, t))
                return nullptr;
            QStringList rest = bits.mid(2);
            QSet<QString> seen;
            while (!rest.isEmpty()) {
                const QString opt = rest.takeFirst();
                if (seen.contains(opt)) {
                    fail(t, QStringLiteral("The '%1' option was specified more than once.").arg(opt));
                    return nullptr;
                }
                seen.insert(opt);
                if (opt == u"with") {
                    if (!parseKwargs(rest, n->bindings, t, false))
                        return nullptr;
                    if (n->bindings.empty()) {
                        fail(t, QStringLiteral("\"with\" in 'include' tag needs at least one keyword argument."));
                        return nullptr;
                    }
                } else if (opt == u"only") {
                    n->only = true;
                } else {
                    fail(t, QStringLiteral("Unknown argument for 'include' tag: '%1'.").arg(opt));
                    return nullptr;
                }
            }
            n->literal = n->name.base.literal && n->name.filters.empty();
            return n;
        }
        if (cmd == u"extends") {
            if (bits.size() != 2) {
                fail(t, QStringLiteral("'extends' takes one argument"));
                return nullptr;
            }
            auto n = make<ExtendsNode>(t);
            if (!parseFilterExpr(bits[1], n->parent, t))
                return nullptr;
            if (!n->parent.base.literal) {
                fail(t, QStringLiteral("'extends' needs a quoted template name here (liveactor resolves inheritance at compile time)"));
                return nullptr;
            }
            QString end;
            n->rest = parseUntil({}, &end);
            for (const auto &r : n->rest)
                if (r->kind == NodeKind::Extends) {
                    fail(t, QStringLiteral("'extends' cannot appear more than once in the same template"));
                    return nullptr;
                }
            return n;
        }
        if (cmd == u"block") {
            if (bits.size() != 2) {
                fail(t, QStringLiteral("'block' tag takes only one argument"));
                return nullptr;
            }
            if (m_blockNames.contains(bits[1])) {
                fail(t, QStringLiteral("'block' tag with name '%1' appears more than once").arg(bits[1]));
                return nullptr;
            }
            m_blockNames.insert(bits[1]);
            auto n = make<BlockNode>(t);
            n->name = bits[1];
            QString end;
            const Token *endTok = nullptr;
            n->body = parseBody({QStringLiteral("endblock")}, &end, &endTok);
            if (!error && endTok) {
                const QStringList eb = smartSplit(endTok->content);
                if (eb.size() > 1 && eb[1] != n->name) {
                    fail(*endTok, QStringLiteral("Invalid block tag on line %1: 'endblock %2', expected 'endblock' or 'endblock %3'.")
                                      .arg(endTok->line).arg(eb[1], n->name));
                    return nullptr;
                }
            }
            return n;
        }
        if (cmd == u"comment") {
            // skip everything up to endcomment
            while (m_pos < m_tokens.size()) {
                const Token &x = m_tokens[m_pos++];
                if (x.type == Token::Block && x.content == u"endcomment")
                    return nullptr;
            }
            fail(t, QStringLiteral("Unclosed tag on line %1: 'comment'. Looking for one of: endcomment.").arg(t.line));
            return nullptr;
        }
        if (cmd == u"verbatim") {
            auto n = make<TextNode>(t);
            const QString endName = u"end" + t.content;
            while (m_pos < m_tokens.size()) {
                const Token &x = m_tokens[m_pos++];
                if (x.type == Token::Block && x.content == endName)
                    return n;
                n->text += x.raw;
            }
            fail(t, QStringLiteral("Unclosed tag on line %1: 'verbatim'. Looking for one of: %2.").arg(t.line).arg(endName));
            return nullptr;
        }
        if (cmd == u"spaceless") {
            auto n = make<SpacelessNode>(t);
            QString end;
            n->body = parseBody({QStringLiteral("endspaceless")}, &end);
            return n;
        }
        if (cmd == u"cycle") {
            if (bits.size() < 2) {
                fail(t, QStringLiteral("'cycle' tag requires at least two arguments"));
                return nullptr;
            }
            auto n = make<CycleNode>(t);
            if (bits.size() == 2) {
                auto it = m_namedCycles.constFind(bits[1]);
                if (it == m_namedCycles.constEnd()) {
                    fail(t, QStringLiteral("No named cycles in template. '%1' is not defined").arg(bits[1]));
                    return nullptr;
                }
                n->shared = *it;
                n->asName = (*it)->asName;
                return n;
            }
            qsizetype endIdx = bits.size();
            if (bits.size() > 4 && bits[bits.size() - 3] == u"as" && bits.last() == u"silent") {
                n->asName = bits[bits.size() - 2];
                n->silent = true;
                endIdx = bits.size() - 3;
            } else if (bits.size() > 3 && bits[bits.size() - 2] == u"as") {
                n->asName = bits.last();
                endIdx = bits.size() - 2;
            }
            for (qsizetype i = 1; i < endIdx; ++i) {
                FilterExpr e;
                if (!parseFilterExpr(bits[i], e, t))
                    return nullptr;
                n->values.push_back(std::move(e));
            }
            if (!n->asName.isEmpty()) {
                m_namedCycles.insert(n->asName, n.get());
                tagAssigned.insert(n->asName);
            }
            return n;
        }
        if (cmd == u"firstof") {
            if (bits.size() < 2) {
                fail(t, QStringLiteral("'firstof' statement requires at least one argument"));
                return nullptr;
            }
            auto n = make<FirstofNode>(t);
            qsizetype endIdx = bits.size();
            if (bits.size() >= 3 && bits[bits.size() - 2] == u"as") {
                n->asName = bits.last();
                tagAssigned.insert(n->asName);
                endIdx -= 2;
            }
            for (qsizetype i = 1; i < endIdx; ++i) {
                FilterExpr e;
                if (!parseFilterExpr(bits[i], e, t))
                    return nullptr;
                n->values.push_back(std::move(e));
            }
            return n;
        }
        if (cmd == u"now") {
            auto n = make<NowNode>(t);
            QStringList b = bits;
            if (b.size() == 4 && b[2] == u"as") {
                n->asName = b[3];
                tagAssigned.insert(n->asName);
                b = b.mid(0, 2);
            }
            if (b.size() != 2 || b[1].size() < 2 || (b[1][0] != u'"' && b[1][0] != u'\'')) {
                fail(t, QStringLiteral("'now' statement takes one argument"));
                return nullptr;
            }
            n->format = b[1].mid(1, b[1].size() - 2);
            return n;
        }
        if (cmd == u"csrf_token")
            return make<CsrfNode>(t);
        if (cmd == u"templatetag") {
            static const QHash<QString, QString> map = {
                {QStringLiteral("openblock"), QStringLiteral("{%")}, {QStringLiteral("closeblock"), QStringLiteral("%}")},
                {QStringLiteral("openvariable"), QStringLiteral("{{")}, {QStringLiteral("closevariable"), QStringLiteral("}}")},
                {QStringLiteral("openbrace"), QStringLiteral("{")}, {QStringLiteral("closebrace"), QStringLiteral("}")},
                {QStringLiteral("opencomment"), QStringLiteral("{#")}, {QStringLiteral("closecomment"), QStringLiteral("#}")}};
            if (bits.size() != 2) {
                fail(t, QStringLiteral("'templatetag' statement takes one argument"));
                return nullptr;
            }
            if (!map.contains(bits[1])) {
                fail(t, QStringLiteral("Invalid templatetag argument: '%1'. Must be one of: ['openblock', 'closeblock', "
                                       "'openvariable', 'closevariable', 'openbrace', 'closebrace', 'opencomment', 'closecomment']")
                            .arg(bits[1]));
                return nullptr;
            }
            auto n = make<TextNode>(t);
            n->text = map.value(bits[1]);
            return n;
        }
        if (cmd == u"widthratio") {
            auto n = make<WidthratioNode>(t);
            QStringList b = bits;
            if (b.size() == 6 && b[4] == u"as") {
                n->asName = b[5];
                tagAssigned.insert(n->asName);
                b = b.mid(0, 4);
            } else if (b.size() != 4) {
                fail(t, QStringLiteral("widthratio takes at least three arguments"));
                return nullptr;
            }
            if (!parseFilterExpr(b[1], n->value, t) || !parseFilterExpr(b[2], n->maxValue, t)
                || !parseFilterExpr(b[3], n->maxWidth, t))
                return nullptr;
            return n;
        }
        if (cmd == u"load")
            return nullptr; // built-ins only; {% load %} of them is harmless
        if (!outerEnds.isEmpty()) {
            fail(t, QStringLiteral("Invalid block tag on line %1: '%2', expected %3. Did you forget to register or load this tag?")
                        .arg(t.line).arg(cmd, expectedList(outerEnds)),
                 TemplateError::Kind::UnknownTag);
        } else {
            fail(t, QStringLiteral("Invalid block tag on line %1: '%2'. Did you forget to register or load this tag?")
                        .arg(t.line).arg(cmd),
                 TemplateError::Kind::UnknownTag);
        }
        return nullptr;
    }

    QSet<QString> m_blockNames;
};

// ---- flattening ----

class Flattener
{
public:
    Flattener(Compiled &c, std::shared_ptr<LoaderState> loader, QSet<QString> tagAssigned)
        : m_c(c), m_loader(std::move(loader)), m_tagAssigned(std::move(tagAssigned)) { }

    std::optional<TemplateError> error;

    void flattenTop(const NodeList &nodes)
    {
        QList<QByteArray> parts{QByteArray()};
        m_topLevel = true;
        m_includeStack.append(m_c.name); // a template including itself recurses at render time
        flattenTemplate(nodes, parts, m_c.top.ops);
        finishBlock(m_c.top, parts);
    }

private:
    Compiled &m_c;
    std::shared_ptr<LoaderState> m_loader;
    QSet<QString> m_tagAssigned;
    bool m_topLevel = false;
    QSet<QString> *m_opDeps = nullptr;

    struct ScopeEntry { QString name; QSet<QString> deps; bool barrier = false; };
    std::vector<ScopeEntry> m_scope;

    // Purity trackers, one per enclosing for-body being flattened: does the body read anything
    // besides its loop variables (and names bound from them inside the body)?
    struct Tracker { QSet<QString> allowed; bool pure = true; };
    std::vector<Tracker> m_trackers;

    std::vector<QSet<QString>> saveAllowed() const
    {
        std::vector<QSet<QString>> saved;
        for (const auto &t : m_trackers)
            saved.push_back(t.allowed);
        return saved;
    }
    void restoreAllowed(const std::vector<QSet<QString>> &saved)
    {
        for (size_t i = 0; i < saved.size() && i < m_trackers.size(); ++i)
            m_trackers[i].allowed = saved[i];
    }
    void allowNames(const QStringList &names)
    {
        for (auto &t : m_trackers)
            for (const QString &n : names)
                t.allowed.insert(n);
    }

    using Chain = std::vector<const NodeList *>;
    QHash<QString, Chain> m_blocks;
    struct SuperCtx { Chain chain; size_t index; };
    std::vector<SuperCtx> m_super;
    QStringList m_includeStack;

    void finishBlock(Block &b, QList<QByteArray> &parts)
    {
        auto s = std::make_shared<Statics>();
        s->parts = parts;
        s->finalize();
        b.statics = s;
    }

    QSet<QString> nameDeps(const QString &name) const
    {
        for (auto it = m_scope.rbegin(); it != m_scope.rend(); ++it) {
            if (it->barrier && !it->name.isEmpty() && it->name != name)
                continue;
            if (it->name == name)
                return it->deps;
            if (it->barrier)
                return {};
        }
        if (name == u"True" || name == u"False" || name == u"None")
            return {};
        return {name};
    }

    void addDeps(const QSet<QString> &d)
    {
        if (m_opDeps)
            *m_opDeps += d;
    }
    void markVolatile()
    {
        if (m_opDeps)
            m_opDeps->insert(QStringLiteral("*"));
        for (auto &t : m_trackers)
            t.pure = false;
    }

    QSet<QString> varDeps(const VarRef &v)
    {
        if (v.literal)
            return {};
        for (auto &t : m_trackers)
            if (!t.allowed.contains(v.name))
                t.pure = false;
        if (m_tagAssigned.contains(v.name))
            markVolatile();
        return nameDeps(v.name);
    }

    QSet<QString> exprDeps(const FilterExpr &e)
    {
        QSet<QString> d = varDeps(e.base);
        for (const auto &f : e.filters)
            if (f.hasArg)
                d += varDeps(f.arg);
        addDeps(d);
        return d;
    }

    void condDeps(const Cond *c)
    {
        if (!c)
            return;
        if (c->op == Cond::Leaf)
            exprDeps(c->expr);
        condDeps(c->a.get());
        condDeps(c->b.get());
    }

    void fail(const Node &n, const QString &msg, TemplateError::Kind kind)
    {
        if (!error)
            error = TemplateError{kind, n.templateName, n.line, n.column, msg};
    }

    // Top-level bookkeeping: each top-level op gets its dependency set and dynamic count.
    template<typename F>
    void addOp(const Node *node, QList<QByteArray> &parts, std::vector<const Node *> &ops, int dyns, F &&inner)
    {
        const bool top = m_topLevel;
        QSet<QString> deps;
        const qsizetype partsBefore = parts.size();
        if (top) {
            m_opDeps = &deps;
            m_topLevel = false;
        }
        ops.push_back(node);
        inner();
        for (int i = 0; i < dyns; ++i)
            parts.append(QByteArray());
        if (top) {
            m_opDeps = nullptr;
            m_topLevel = true;
            m_c.opDeps.push_back(deps);
            m_c.opDynCount.push_back(int(parts.size() - partsBefore));
            m_c.deps += deps;
            m_c.deps.remove(QStringLiteral("*"));
        }
    }

    void flattenTemplate(const NodeList &nodes, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        const ExtendsNode *ext = nullptr;
        for (const auto &n : nodes)
            if (n->kind == NodeKind::Extends)
                ext = static_cast<const ExtendsNode *>(n.get());
        if (!ext) {
            flattenList(nodes, parts, ops);
            return;
        }
        collectBlocks(ext->rest);
        const QString parentName = ext->parent.base.value.toString();
        const NodeList *parent = loadParsed(parentName, *ext);
        if (!parent)
            return;
        if (m_includeStack.count(parentName) > 1) {
            fail(*ext, QStringLiteral("'extends' recursion: %1").arg(parentName), TemplateError::Kind::Syntax);
            return;
        }
        m_includeStack.append(parentName);
        flattenTemplate(*parent, parts, ops);
        m_includeStack.removeLast();
    }

    void collectBlocks(const NodeList &nodes)
    {
        for (const auto &n : nodes) {
            if (n->kind == NodeKind::Block) {
                auto b = static_cast<const BlockNode *>(n.get());
                m_blocks[b->name].push_back(&b->body);
                collectBlocks(b->body);
            } else if (n->kind == NodeKind::If) {
                for (const auto &body : static_cast<const IfNode *>(n.get())->bodies)
                    collectBlocks(body);
            } else if (n->kind == NodeKind::For) {
                collectBlocks(static_cast<const ForNode *>(n.get())->body);
                collectBlocks(static_cast<const ForNode *>(n.get())->empty);
            } else if (n->kind == NodeKind::With) {
                collectBlocks(static_cast<const WithNode *>(n.get())->body);
            } else if (n->kind == NodeKind::Autoescape) {
                collectBlocks(static_cast<const AutoescapeNode *>(n.get())->body);
            } else if (n->kind == NodeKind::Spaceless) {
                collectBlocks(static_cast<const SpacelessNode *>(n.get())->body);
            }
        }
    }

    const NodeList *loadParsed(const QString &name, const Node &at)
    {
        std::shared_ptr<LoaderState> loader = m_loader;
        if (!loader) {
            fail(at, QStringLiteral("template '%1' not found (no loader)").arg(name), TemplateError::Kind::NotFound);
            return nullptr;
        }
        auto src = loader->source(name);
        if (!src) {
            fail(at, src.error().message, TemplateError::Kind::NotFound);
            return nullptr;
        }
        if (!src->second.isEmpty() && !m_c.files.contains(src->second))
            m_c.files.append(src->second);
        Parser p(src->first, name);
        NodeList nodes = p.parseAll();
        if (p.error) {
            error = p.error;
            return nullptr;
        }
        m_tagAssigned += p.tagAssigned;
        m_c.owned.push_back(std::move(nodes));
        return &m_c.owned.back();
    }

    void flattenList(const NodeList &nodes, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        for (const auto &n : nodes) {
            if (error)
                return;
            flattenNode(n.get(), parts, ops);
        }
    }

    void flattenBody(const NodeList &nodes, Block &block)
    {
        const bool top = m_topLevel;
        m_topLevel = false;
        QList<QByteArray> parts{QByteArray()};
        flattenList(nodes, parts, block.ops);
        finishBlock(block, parts);
        m_topLevel = top;
    }

    void flattenNode(Node *n, QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        switch (n->kind) {
        case NodeKind::Text:
            parts.last().append(static_cast<TextNode *>(n)->text.toUtf8());
            return;
        case NodeKind::Var: {
            auto v = static_cast<VarNode *>(n);
            if (v->expr.isBlockSuper()) {
                flattenSuper(parts, ops);
                return;
            }
            addOp(n, parts, ops, 1, [&] { exprDeps(v->expr); });
            return;
        }
        case NodeKind::BlockSuper: {
            auto s = static_cast<BlockSuperNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                exprDeps(s->expr);
                QList<QByteArray> sub{QByteArray()};
                flattenSuper(sub, s->block.ops);
                finishBlock(s->block, sub);
            });
            return;
        }
        case NodeKind::If: {
            auto f = static_cast<IfNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                f->blocks.resize(f->bodies.size());
                for (size_t i = 0; i < f->bodies.size(); ++i) {
                    condDeps(f->conds[i].get());
                    flattenBody(f->bodies[i], f->blocks[i]);
                }
            });
            return;
        }
        case NodeKind::For: {
            auto f = static_cast<ForNode *>(n);
            addOp(n, parts, ops, 1, [&] {
                const QSet<QString> seqDeps = exprDeps(f->sequence);
                if (f->hasEmpty)
                    flattenBody(f->empty, f->emptyBlock);
                m_scope.push_back({QStringLiteral("forloop"), seqDeps, false});
                for (const QString &v : f->loopVars)
                    m_scope.push_back({v, seqDeps, false});
                const auto saved = saveAllowed();
                allowNames(f->loopVars); // inner loop variables for enclosing bodies
                Tracker own;
                own.allowed = QSet<QString>(f->loopVars.begin(), f->loopVars.end());
                own.allowed += QSet<QString>{QStringLiteral("True"), QStringLiteral("False"), QStringLiteral("None")};
                m_trackers.push_back(own);
                if (f->hasKey)
                    exprDeps(f->key);
                flattenBody(f->body, f->bodyBlock);
                f->memoizable = m_trackers.back().pure;
                m_trackers.pop_back();
                restoreAllowed(saved);
                m_scope.resize(m_scope.size() - size_t(f->loopVars.size()) - 1);
            });
            return;
        }
        case NodeKind::With: {
            auto w = static_cast<WithNode *>(n);
            addScoped(n, parts, ops, [&] {
                std::vector<ScopeEntry> entries;
                for (const auto &[name, e] : w->bindings)
                    entries.push_back({name, exprDeps(e), false});
                for (auto &e : entries)
                    m_scope.push_back(e);
                const auto saved = saveAllowed();
                for (const auto &[name, e] : w->bindings)
                    allowNames({name});
                flattenList(w->body, parts, w->ops);
                restoreAllowed(saved);
                m_scope.resize(m_scope.size() - entries.size());
            });
            return;
        }
        case NodeKind::Autoescape: {
            auto a = static_cast<AutoescapeNode *>(n);
            addScoped(n, parts, ops, [&] { flattenList(a->body, parts, a->ops); });
            return;
        }
        case NodeKind::Include: {
            auto inc = static_cast<IncludeNode *>(n);
            const QString name = inc->literal ? inc->name.base.value.toString() : QString();
            if (inc->literal && m_includeStack.contains(name))
                inc->literal = false; // recursive include: resolved at render time
            if (!inc->literal) {
                addOp(n, parts, ops, 1, [&] {
                    exprDeps(inc->name);
                    for (const auto &[k, e] : inc->bindings)
                        exprDeps(e);
                    markVolatile();
                });
                return;
            }
            addScoped(n, parts, ops, [&] {
                std::vector<ScopeEntry> entries;
                for (const auto &[k, e] : inc->bindings)
                    entries.push_back({k, exprDeps(e), false});
                if (inc->only)
                    m_scope.push_back({QString(), {}, true});
                for (auto &e : entries)
                    m_scope.push_back(e);
                const auto saved = saveAllowed();
                for (const auto &[k, e] : inc->bindings)
                    allowNames({k});
                const NodeList *inner = loadParsed(name, *n);
                if (inner) {
                    auto savedBlocks = std::exchange(m_blocks, {});
                    auto savedSuper = std::exchange(m_super, {});
                    m_includeStack.append(name);
                    flattenTemplate(*inner, parts, inc->ops);
                    m_includeStack.removeLast();
                    m_blocks = std::move(savedBlocks);
                    m_super = std::move(savedSuper);
                }
                restoreAllowed(saved);
                m_scope.resize(m_scope.size() - entries.size() - (inc->only ? 1 : 0));
            });
            return;
        }
        case NodeKind::Block: {
            auto b = static_cast<BlockNode *>(n);
            Chain chain = m_blocks.value(b->name);
            if (chain.empty() || chain.back() != &b->body)
                chain.push_back(&b->body);
            m_super.push_back({chain, 0});
            flattenList(*chain[0], parts, ops);
            m_super.pop_back();
            return;
        }
        case NodeKind::Extends:
            fail(*n, QStringLiteral("'extends' must be the first tag in the template."), TemplateError::Kind::Syntax);
            return;
        case NodeKind::Cycle: {
            auto c = static_cast<CycleNode *>(n);
            const CycleNode *src = c->shared ? c->shared : c;
            addOp(n, parts, ops, (c->silent || (c->shared && c->shared->silent)) ? 0 : 1, [&] {
                for (const auto &e : src->values)
                    exprDeps(e);
                markVolatile();
            });
            return;
        }
        case NodeKind::Firstof: {
            auto f = static_cast<FirstofNode *>(n);
            addOp(n, parts, ops, f->asName.isEmpty() ? 1 : 0, [&] {
                for (const auto &e : f->values)
                    exprDeps(e);
            });
            return;
        }
        case NodeKind::Now: {
            auto f = static_cast<NowNode *>(n);
            addOp(n, parts, ops, f->asName.isEmpty() ? 1 : 0, [&] { markVolatile(); });
            return;
        }
        case NodeKind::Csrf:
            addOp(n, parts, ops, 1, [&] { markVolatile(); });
            return;
        case NodeKind::Widthratio: {
            auto w = static_cast<WidthratioNode *>(n);
            addOp(n, parts, ops, w->asName.isEmpty() ? 1 : 0, [&] {
                exprDeps(w->value);
                exprDeps(w->maxValue);
                exprDeps(w->maxWidth);
            });
            return;
        }
        case NodeKind::Spaceless: {
            auto s = static_cast<SpacelessNode *>(n);
            addOp(n, parts, ops, 1, [&] { flattenBody(s->body, s->block); });
            return;
        }
        }
    }

    template<typename F>
    void addScoped(const Node *node, QList<QByteArray> &parts, std::vector<const Node *> &ops, F &&inner)
    {
        // A scope node's dynamics are its children's; at top level it is one op whose count is
        // whatever its children added.
        addOp(node, parts, ops, 0, inner);
    }

    void flattenSuper(QList<QByteArray> &parts, std::vector<const Node *> &ops)
    {
        if (m_super.empty())
            return;
        SuperCtx ctx = m_super.back();
        if (ctx.index + 1 >= ctx.chain.size())
            return;
        m_super.push_back({ctx.chain, ctx.index + 1});
        flattenList(*ctx.chain[ctx.index + 1], parts, ops);
        m_super.pop_back();
    }
};

} // namespace

TemplateResult<std::shared_ptr<const Compiled>> compileTemplate(const QString &source, const QString &name,
                                                                const std::shared_ptr<LoaderState> &loader,
                                                                const QString &file)
{
    auto c = std::make_shared<Compiled>();
    c->name = name;
    c->loader = loader;
    if (!file.isEmpty())
        c->files.append(file);
    Parser p(source, name);
    c->nodes = p.parseAll();
    if (p.error)
        return std::unexpected(*p.error);
    Flattener f(*c, loader, p.tagAssigned);
    f.flattenTop(c->nodes);
    if (f.error)
        return std::unexpected(*f.error);
    return std::shared_ptr<const Compiled>(std::move(c));
}

} // namespace LiveActor::TemplateDetail
