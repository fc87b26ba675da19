// Parser: tokens → parse tree. Each tag is one entry in the tag table and one member function.

#include "template/compiled_p.h"
#include "template/lexer_p.h"
#include "template/library_p.h"

#include <QRegularExpression>

namespace LiveActor::TemplateDetail {

namespace {

bool isWordChar(QChar c) { return c.isLetterOrNumber() || c == u'_'; }

/// Django's template parser over one template's tokens (tags dispatch through Parser::tags).
class Parser
{
public:
    static constexpr size_t kMaxNesting = 200; ///< block tags inside block tags; deeper is an error
    Parser(const QString &source, const QString &name, const QString &parentOverride)
        : m_name(name), m_source(source), m_parentOverride(parentOverride), m_tokens(tokenize(source)) { }

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
    QString m_source;
    QString m_parentOverride;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    QStringList m_openTags; ///< for "Unclosed tag" messages
    QHash<QString, const CycleNode *> m_namedCycles;
    const CycleNode *m_lastCycle = nullptr; ///< what a bare `{% resetcycle %}` resets

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
        if (isTranslatedLiteral(text)) { // _("…"): translated at render time
            if (!parseVarRef(text.mid(2, text.size() - 3), out, t))
                return false;
            out.text = text;
            out.translate = true;
            return true;
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

    static bool isTranslatedLiteral(const QString &text)
    {
        return text.size() >= 5 && text.startsWith(u"_(") && text.endsWith(u')')
            && (text[2] == u'"' || text[2] == u'\'') && scanConstantOrVar(text, 2) == text.size() - 1;
    }

    static qsizetype scanConstantOrVar(const QString &s, qsizetype i)
    {
        const qsizetype n = s.size();
        if (i + 2 < n && s[i] == u'_' && s[i + 1] == u'(' && (s[i + 2] == u'"' || s[i + 2] == u'\'')) {
            const qsizetype e = scanConstantOrVar(s, i + 2);
            if (e > i + 2 && e < n && s[e] == u')')
                return e + 1;
        }
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
            if (!lookupFilter(call, t))
                return false;
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
            const int args = call.custom ? int(call.custom->args) : call.def->args;
            if ((args == 0 && call.hasArg) || (args == 1 && !call.hasArg)) {
                const int need = args == 1 ? 2 : 1;
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
        bool nonText = false; ///< a variable or a tag came before (Django's contains_nontext)
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
                nonText = true;
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
                // as Django: any tag before it counts (also load, comment, templatetag, lorem…)
                if (node && node->kind == NodeKind::Extends && nonText) {
                    fail(t, QStringLiteral("'extends' must be the first tag in the template."));
                    return nodes;
                }
                nonText = true;
                if (node)
                    nodes.push_back(std::move(node));
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
        const QString nameText = relativeName(t, bits[1]);
        if (error || !parseFilterExpr(nameText, n->name, t))
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
        QString parentText = relativeName(t, bits[1]);
        if (error)
            return nullptr;
        if (!parseFilterExpr(parentText, n->parent, t))
            return nullptr;
        n->dynamic = !n->parent.base.literal || !n->parent.filters.empty();
        if (n->dynamic && !m_parentOverride.isNull()) {
            // the render-time recompile of this template for one parent name
            n->dynamic = false;
            n->parent = FilterExpr{};
            n->parent.base.literal = true;
            n->parent.base.value = Value(m_parentOverride);
        } else if (n->dynamic) {
            n->source = m_source;
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
                fail(t, m_namedCycles.isEmpty()
                            ? QStringLiteral("No named cycles in template. '%1' is not defined").arg(bits[1])
                            : QStringLiteral("Named cycle '%1' does not exist").arg(bits[1]));
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
        m_lastCycle = n.get();
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

    /// `{% live_render "module.Class" id="sidebar" session=data sticky=True %}` (a liveactor
    /// extension): a nested live view's container.
    std::unique_ptr<Node> tagLiveRender(const Token &t, const QStringList &bits)
    {
        static const QSet<QString> known{QStringLiteral("id"), QStringLiteral("session"), QStringLiteral("sticky")};
        auto n = make<LiveRenderNode>(t);
        if (bits.size() < 2 || bits[1].contains(u'=') || !parseFilterExpr(bits[1], n->view, t)) {
            fail(t, QStringLiteral("'live_render' takes the view's class, then keyword arguments: "
                                   "{% live_render \"app.Sidebar\" id=\"sidebar\" %}"));
            return nullptr;
        }
        QStringList rest = bits.mid(2);
        if (!parseKwargs(rest, n->options, t, false))
            return nullptr;
        if (!rest.isEmpty()) {
            fail(t, QStringLiteral("'live_render' arguments must be keyword=value, not '%1'").arg(rest[0]));
            return nullptr;
        }
        QSet<QString> seen;
        for (const auto &[name, expr] : n->options) {
            if (!known.contains(name) || seen.contains(name)) {
                fail(t, QStringLiteral("'live_render' argument '%1' %2").arg(name,
                         seen.contains(name) ? QStringLiteral("given twice")
                                             : QStringLiteral("is unknown (id, session, sticky)")));
                return nullptr;
            }
            seen.insert(name);
        }
        if (!seen.contains(QStringLiteral("id"))) {
            fail(t, QStringLiteral("'live_render' needs an id= argument (the child view's container id)"));
            return nullptr;
        }
        return n;
    }

    /// Django's construct_relative_path: `'./x'` and `'../x'` name a template relative to this one.
    QString relativeName(const Token &t, const QString &text)
    {
        const bool quoted = text.size() >= 2 && (text[0] == u'"' || text[0] == u'\'')
            && text.endsWith(text[0]);
        QString name = text;
        while (!name.isEmpty() && (name[0] == u'"' || name[0] == u'\''))
            name.remove(0, 1);
        while (!name.isEmpty() && (name.back() == u'"' || name.back() == u'\''))
            name.chop(1);
        if (!name.startsWith(u"./") && !name.startsWith(u"../"))
            return text;
        QString current = m_name;
        while (current.startsWith(u'/'))
            current.remove(0, 1);
        const qsizetype slash = current.lastIndexOf(u'/');
        QStringList parts = slash < 0 ? QStringList() : current.left(slash).split(u'/', Qt::SkipEmptyParts);
        bool outside = false;
        for (const QString &p : name.split(u'/', Qt::SkipEmptyParts)) {
            if (p == u".")
                continue;
            if (p != u"..")
                parts.append(p);
            else if (!parts.isEmpty())
                parts.removeLast();
            else
                outside = true;
        }
        const QString resolved = parts.join(u'/');
        if (outside) {
            fail(t, QStringLiteral("The relative path '%1' points outside the file hierarchy that template '%2' is in.")
                        .arg(text, m_name));
            return text;
        }
        if (resolved == current) {
            fail(t, QStringLiteral("The relative path '%1' was translated to template name '%2', the same template in "
                                   "which the tag appears.").arg(text, m_name));
            return text;
        }
        return quoted ? u'"' + resolved + u'"' : resolved;
    }

    // ---- tags added for Django's full built-in set (each one function, see the table below) ----

    std::unique_ptr<Node> tagIfchanged(const Token &t, const QStringList &bits)
    {
        const size_t openIndex = m_pos - 1;
        auto n = make<IfChangedNode>(t);
        for (qsizetype i = 1; i < bits.size(); ++i) {
            FilterExpr e;
            if (!parseFilterExpr(bits[i], e, t))
                return nullptr;
            n->values.push_back(std::move(e));
        }
        QString end;
        n->body = parseBody({QStringLiteral("else"), QStringLiteral("endifchanged")}, &end);
        if (!error && end == u"else") {
            m_openIndex = openIndex;
            n->elseBody = parseBody({QStringLiteral("endifchanged")}, &end);
        }
        return error ? nullptr : std::move(n);
    }

    /// `{% ifequal a b %}` / `{% ifnotequal a b %}` (deprecated in Django 3.1, removed in 4.0): an `if`.
    std::unique_ptr<Node> tagIfequal(const Token &t, const QStringList &bits)
    {
        if (bits.size() != 3) {
            fail(t, QStringLiteral("'%1' takes two arguments").arg(bits[0]));
            return nullptr;
        }
        const size_t openIndex = m_pos - 1;
        auto n = make<IfNode>(t);
        auto cond = std::make_unique<Cond>();
        cond->op = bits[0] == u"ifequal" ? Cond::Eq : Cond::Ne;
        cond->a = std::make_unique<Cond>();
        cond->b = std::make_unique<Cond>();
        if (!parseFilterExpr(bits[1], cond->a->expr, t) || !parseFilterExpr(bits[2], cond->b->expr, t))
            return nullptr;
        const QString endName = u"end" + bits[0];
        QString end;
        NodeList body = parseBody({QStringLiteral("else"), endName}, &end);
        if (error)
            return nullptr;
        n->conds.push_back(std::move(cond));
        n->bodies.push_back(std::move(body));
        if (end == u"else") {
            m_openIndex = openIndex;
            NodeList elseBody = parseBody({endName}, &end);
            if (error)
                return nullptr;
            n->conds.push_back(nullptr);
            n->bodies.push_back(std::move(elseBody));
        }
        return n;
    }

    std::unique_ptr<Node> tagRegroup(const Token &t, const QStringList &bits)
    {
        if (bits.size() != 6) {
            fail(t, QStringLiteral("'regroup' tag takes five arguments"));
            return nullptr;
        }
        auto n = make<RegroupNode>(t);
        if (!parseFilterExpr(bits[1], n->target, t))
            return nullptr;
        if (bits[2] != u"by") {
            fail(t, QStringLiteral("second argument to 'regroup' tag must be 'by'"));
            return nullptr;
        }
        if (bits[4] != u"as") {
            fail(t, QStringLiteral("next-to-last argument to 'regroup' tag must be 'as'"));
            return nullptr;
        }
        n->asName = bits[5];
        // as Django: the grouping key is `name.attr|filters`, with name bound to each item in turn
        if (!parseFilterExpr(n->asName + u'.' + bits[3], n->expr, t))
            return nullptr;
        tagAssigned.insert(n->asName);
        return n;
    }

    std::unique_ptr<Node> tagResetcycle(const Token &t, const QStringList &bits)
    {
        if (bits.size() > 2) {
            fail(t, QStringLiteral("'%1' tag accepts at most one argument.").arg(bits[0]));
            return nullptr;
        }
        auto n = make<ResetCycleNode>(t);
        if (bits.size() == 2) {
            n->cycle = m_namedCycles.value(bits[1]);
            if (!n->cycle) {
                fail(t, QStringLiteral("Named cycle '%1' does not exist.").arg(bits[1]));
                return nullptr;
            }
        } else {
            n->cycle = m_lastCycle;
            if (!n->cycle) {
                fail(t, QStringLiteral("No cycles in template."));
                return nullptr;
            }
        }
        return n;
    }

    std::unique_ptr<Node> tagLorem(const Token &t, const QStringList &bits)
    {
        QStringList b = bits;
        const bool common = b.last() != u"random";
        if (!common)
            b.removeLast();
        QChar method = u'b';
        if (b.last() == u"w" || b.last() == u"p" || b.last() == u"b")
            method = b.takeLast()[0];
        const QString countText = b.size() > 1 ? b.takeLast() : QStringLiteral("1");
        auto n = make<LoremNode>(t);
        if (!parseFilterExpr(countText, n->count, t))
            return nullptr;
        if (b.size() != 1) {
            fail(t, QStringLiteral("Incorrect format for '%1' tag").arg(bits[0]));
            return nullptr;
        }
        n->method = method;
        n->common = common;
        if (n->count.base.literal && n->count.filters.empty()) {
            // a literal count: the text is fixed (random text is seeded, see loremText)
            auto text = make<TextNode>(t);
            text->text = loremText(pythonInt(n->count.base.value).value_or(1), method, common);
            return text;
        }
        return n;
    }

    std::unique_ptr<Node> tagFilter(const Token &t, const QStringList &)
    {
        thread_local const QRegularExpression split(QStringLiteral("^\\S+\\s+(.*)$"),
                                                    QRegularExpression::DotMatchesEverythingOption);
        const auto m = split.match(t.content);
        if (!m.hasMatch()) {
            fail(t, QStringLiteral("'filter' tag requires at least one filter"));
            return nullptr;
        }
        auto n = make<FilterBlockNode>(t);
        if (!parseFilterExpr(QStringLiteral("var|") + m.captured(1), n->expr, t))
            return nullptr;
        for (const FilterCall &f : n->expr.filters)
            if (f.name == u"escape" || f.name == u"safe") {
                fail(t, QStringLiteral("\"filter %1\" is not permitted.  Use the \"autoescape\" tag instead.").arg(f.name));
                return nullptr;
            }
        QString end;
        n->body = parseBody({QStringLiteral("endfilter")}, &end);
        return error ? nullptr : std::move(n);
    }

    std::unique_ptr<Node> tagDebug(const Token &, const QStringList &)
    {
        return nullptr; // Django prints nothing unless settings.DEBUG; liveactor has no context dump
    }

    std::unique_ptr<Node> tagUrl(const Token &t, const QStringList &bits)
    {
        fail(t, QStringLiteral("'%1' is not supported: liveactor has no URL resolver. Compute the URL in Python "
                               "(django.urls.reverse) and pass it in the context.").arg(bits[0]),
             TemplateError::Kind::UnknownTag);
        return nullptr;
    }

    // ---- tag libraries ({% load %}; library_p.h) ----
    QHash<QString, std::shared_ptr<const TemplateFilter>> m_libraryFilters;
    QHash<QString, std::shared_ptr<const TemplateTag>> m_libraryTags;

    /// Django's find_library: the error lists what can be loaded.
    std::shared_ptr<const TemplateLibrary> findLibrary(const Token &t, const QString &name)
    {
        if (auto lib = TemplateLibraries::find(name)) {
            if (lib->loadError.isEmpty())
                return lib;
            fail(t, QStringLiteral("Tag library '%1' could not be loaded: %2").arg(name, lib->loadError),
                 TemplateError::Kind::UnknownTag);
            return nullptr;
        }
        static const QSet<QString> djangoOnly{QStringLiteral("static"), QStringLiteral("tz"), QStringLiteral("cache")};
        if (djangoOnly.contains(name))
            fail(t, QStringLiteral("'%1' is a Django tag library that liveactor does not support (supported: %2)")
                        .arg(name, TemplateLibraries::names().join(QStringLiteral(", "))), TemplateError::Kind::UnknownTag);
        else
            fail(t, QStringLiteral("'%1' is not a registered tag library. Must be one of:\n%2")
                        .arg(name, TemplateLibraries::names().join(u'\n')), TemplateError::Kind::UnknownTag);
        return nullptr;
    }

    std::unique_ptr<Node> tagLoad(const Token &t, const QStringList &)
    {
        const QStringList bits = t.content.split(u' ', Qt::SkipEmptyParts);
        if (bits.size() >= 4 && bits[bits.size() - 2] == u"from") { // {% load a b from lib %}
            auto lib = findLibrary(t, bits.last());
            if (!lib)
                return nullptr;
            for (const QString &item : bits.mid(1, bits.size() - 3)) {
                const auto f = lib->filters.value(item);
                const auto g = lib->tags.value(item);
                if (!f && !g) {
                    fail(t, QStringLiteral("'%1' is not a valid tag or filter in tag library '%2'").arg(item, bits.last()),
                         TemplateError::Kind::UnknownTag);
                    return nullptr;
                }
                if (f)
                    m_libraryFilters.insert(item, f);
                if (g)
                    m_libraryTags.insert(item, g);
            }
            return nullptr;
        }
        for (const QString &name : bits.mid(1)) {
            auto lib = findLibrary(t, name);
            if (!lib)
                return nullptr;
            m_libraryFilters.insert(lib->filters);
            m_libraryTags.insert(lib->tags);
        }
        return nullptr;
    }

    bool lookupFilter(FilterCall &call, const Token &t)
    {
        if (auto it = m_libraryFilters.constFind(call.name); it != m_libraryFilters.constEnd()) {
            if (!(*it)->call) {
                fail(t, QStringLiteral("Filter '%1' of a loaded library is not supported by liveactor").arg(call.name),
                     TemplateError::Kind::UnknownFilter);
                return false;
            }
            call.custom = *it;
            return true;
        }
        call.def = findFilter(call.name);
        if (!call.def)
            fail(t, QStringLiteral("Invalid filter: '%1'").arg(call.name), TemplateError::Kind::UnknownFilter);
        return call.def != nullptr;
    }

    /// The parser as library tags see it.
    class LibraryApi final : public TagParserApi
    {
    public:
        explicit LibraryApi(Parser &p) : m_p(p) { }
        bool parseFilterExpr(const QString &text, FilterExpr &out, const Token &t) override { return m_p.parseFilterExpr(text, out, t); }
        bool parseKwargs(QStringList &bits, std::vector<std::pair<QString, FilterExpr>> &out, const Token &t) override
        {
            return m_p.parseKwargs(bits, out, t, true);
        }
        void fail(const Token &t, const QString &message) override { m_p.fail(t, message); }
        const Token *nextToken() override { return m_p.m_pos < m_p.m_tokens.size() ? &m_p.m_tokens[m_p.m_pos++] : nullptr; }
        NodeList parseBody(const QStringList &ends, QString *endTag) override { return m_p.parseBody(ends, endTag); }
        void assigns(const QString &name) override { m_p.tagAssigned.insert(name); }
        const QString &templateName() const override { return m_p.m_name; }

    private:
        Parser &m_p;
    };

    QSet<QString> m_blockNames;
};

/// The built-in tags: adding a tag is one entry here and one Parser::tag… member function.
const Parser::TagDef Parser::tags[] = {
    {"autoescape", &Parser::tagAutoescape},
    {"block", &Parser::tagBlock},
    {"comment", &Parser::tagComment},
    {"csrf_token", &Parser::tagCsrfToken},
    {"cycle", &Parser::tagCycle},
    {"debug", &Parser::tagDebug},
    {"extends", &Parser::tagExtends},
    {"filter", &Parser::tagFilter},
    {"firstof", &Parser::tagFirstof},
    {"for", &Parser::tagFor},
    {"if", &Parser::tagIf},
    {"ifchanged", &Parser::tagIfchanged},
    {"ifequal", &Parser::tagIfequal},
    {"ifnotequal", &Parser::tagIfequal},
    {"include", &Parser::tagInclude},
    {"live_component", &Parser::tagLiveComponent},
    {"live_render", &Parser::tagLiveRender},
    {"load", &Parser::tagLoad},
    {"lorem", &Parser::tagLorem},
    {"now", &Parser::tagNow},
    {"regroup", &Parser::tagRegroup},
    {"resetcycle", &Parser::tagResetcycle},
    {"spaceless", &Parser::tagSpaceless},
    {"templatetag", &Parser::tagTemplatetag},
    {"url", &Parser::tagUrl},
    {"verbatim", &Parser::tagVerbatim},
    {"widthratio", &Parser::tagWidthratio},
    {"with", &Parser::tagWith},
};

std::unique_ptr<Node> Parser::parseTag(const Token &t, const QStringList &bits, const QStringList &outerEnds)
{
    m_openIndex = m_pos - 1;
    const QString &cmd = bits[0];
    if (auto it = m_libraryTags.constFind(cmd); it != m_libraryTags.constEnd()) {
        LibraryApi api(*this);
        return parseLibraryTag(api, *it, t, bits);
    }
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

TemplateResult<ParsedTemplate> parseTemplate(const QString &source, const QString &name, const QString &parentOverride)
{
    Parser p(source, name, parentOverride);
    NodeList nodes = p.parseAll();
    if (p.error)
        return std::unexpected(*p.error);
    return ParsedTemplate{std::move(nodes), std::move(p.tagAssigned)};
}

} // namespace LiveActor::TemplateDetail
