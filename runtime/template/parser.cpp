// Parser: tokens → parse tree. Each tag is one entry in the tag table and one member function.

#include "template/compiled_p.h"
#include "template/lexer_p.h"

#include <QRegularExpression>

namespace LiveActor::TemplateDetail {

namespace {

bool isWordChar(QChar c) { return c.isLetterOrNumber() || c == u'_'; }

/// Django's template parser over one template's tokens (tags dispatch through Parser::tags).
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

    /// Parses one tag: t is its token, bits its smart-split words (bits[0] is the tag's name).
    using TagParser = std::unique_ptr<Node> (Parser::*)(const Token &t, const QStringList &bits);
    struct TagDef
    {
        const char *name;
        TagParser parse;
    };
    static const TagDef tags[];

    std::unique_ptr<Node> parseTag(const Token &t, const QStringList &bits, const QStringList &outerEnds);

    std::unique_ptr<Node> tagIf(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagFor(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagWith(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagAutoescape(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagInclude(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagExtends(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagBlock(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagComment(const Token &t, const QStringList &)
    {
        // skip everything up to endcomment
        while (m_pos < m_tokens.size()) {
            const Token &x = m_tokens[m_pos++];
            if (x.type == Token::Block && x.content == u"endcomment")
                return nullptr;
        }
        fail(t, QStringLiteral("Unclosed tag on line %1: 'comment'. Looking for one of: endcomment.").arg(t.line));
        return nullptr;
    }

    std::unique_ptr<Node> tagVerbatim(const Token &t, const QStringList &)
    {
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

    std::unique_ptr<Node> tagSpaceless(const Token &t, const QStringList &)
    {
        auto n = make<SpacelessNode>(t);
        QString end;
        n->body = parseBody({QStringLiteral("endspaceless")}, &end);
        return n;
    }

    std::unique_ptr<Node> tagCycle(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagFirstof(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagNow(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagCsrfToken(const Token &t, const QStringList &)
    {
        return make<CsrfNode>(t);
    }

    std::unique_ptr<Node> tagTemplatetag(const Token &t, const QStringList &bits)
    {
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

    std::unique_ptr<Node> tagWidthratio(const Token &t, const QStringList &bits)
    {
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

    /// `{% live_component Card id=item.id title=item.title %}` (a liveactor extension).
    std::unique_ptr<Node> tagLiveComponent(const Token &t, const QStringList &bits)
    {
        thread_local const QRegularExpression nameRe(QStringLiteral("^[A-Za-z_][\\w.]*$"));
        if (bits.size() < 2 || !nameRe.match(bits[1]).hasMatch()) {
            fail(t, QStringLiteral("'live_component' takes a component class name, then keyword arguments: "
                                   "{% live_component Card id=item.id %}"));
            return nullptr;
        }
        auto n = make<LiveComponentNode>(t);
        n->component = bits[1];
        QStringList rest = bits.mid(2);
        if (!parseKwargs(rest, n->assigns, t, false))
            return nullptr;
        if (!rest.isEmpty()) {
            fail(t, QStringLiteral("'live_component' arguments must be keyword=value, not '%1'").arg(rest[0]));
            return nullptr;
        }
        QSet<QString> seen;
        for (const auto &[name, expr] : n->assigns) {
            if (seen.contains(name) || name == u"myself") {
                fail(t, QStringLiteral("'live_component' argument '%1' %2").arg(name,
                         name == u"myself" ? QStringLiteral("is reserved") : QStringLiteral("given twice")));
                return nullptr;
            }
            seen.insert(name);
        }
        if (!seen.contains(QStringLiteral("id"))) {
            fail(t, QStringLiteral("'live_component %1' needs an id= argument (unique among the view's %1 components)")
                        .arg(n->component));
            return nullptr;
        }
        return n;
    }

    std::unique_ptr<Node> tagLoad(const Token &, const QStringList &)
    {
        return nullptr; // built-ins only; {% load %} of them is harmless
    }

    QSet<QString> m_blockNames;
};

/// The built-in tags: adding a tag is one entry here and one Parser::tag… member function.
const Parser::TagDef Parser::tags[] = {
    {"autoescape", &Parser::tagAutoescape},
    {"block", &Parser::tagBlock},
    {"comment", &Parser::tagComment},
    {"csrf_token", &Parser::tagCsrfToken},
    {"cycle", &Parser::tagCycle},
    {"extends", &Parser::tagExtends},
    {"firstof", &Parser::tagFirstof},
    {"for", &Parser::tagFor},
    {"if", &Parser::tagIf},
    {"include", &Parser::tagInclude},
    {"live_component", &Parser::tagLiveComponent},
    {"load", &Parser::tagLoad},
    {"now", &Parser::tagNow},
    {"spaceless", &Parser::tagSpaceless},
    {"templatetag", &Parser::tagTemplatetag},
    {"verbatim", &Parser::tagVerbatim},
    {"widthratio", &Parser::tagWidthratio},
    {"with", &Parser::tagWith},
};

std::unique_ptr<Node> Parser::parseTag(const Token &t, const QStringList &bits, const QStringList &outerEnds)
{
    m_openIndex = m_pos - 1;
    const QString &cmd = bits[0];
    for (const TagDef &tag : tags)
        if (cmd == QLatin1StringView(tag.name))
            return (this->*tag.parse)(t, bits);
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

} // namespace

TemplateResult<ParsedTemplate> parseTemplate(const QString &source, const QString &name)
{
    Parser p(source, name);
    NodeList nodes = p.parseAll();
    if (p.error)
        return std::unexpected(*p.error);
    return ParsedTemplate{std::move(nodes), std::move(p.tagAssigned)};
}

} // namespace LiveActor::TemplateDetail
