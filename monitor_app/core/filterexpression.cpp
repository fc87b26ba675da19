#include "monitor_app/core/filterexpression.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

FilterExpression::FilterExpression(const QString &text)
    : m_text(text)
{
    static const QRegularExpression compare(u"^([A-Za-z_]+)\\s*(>=|<=|!=|==|>|<|=)\\s*(-?[0-9]*\\.?[0-9]+)(%?)$"_s);
    const QStringList words = text.split(QRegularExpression(u"\\s+"_s), Qt::SkipEmptyParts);
    for (const QString &word : words) {
        Term term;
        const auto m = compare.match(word);
        if (m.hasMatch()) {
            term.type = Term::Type::Compare;
            term.field = m.captured(1).toLower();
            if (term.field == u"hw"_s || term.field == u"high_water"_s)
                term.field = u"highwater"_s;
            bool known = false;
            fieldValue(ActorRecord{}, term.field, &known);
            if (!known) {
                m_error = u"unknown field '%1' (fill, length, capacity, highwater, rejected, restarts, rate, incarnation)"_s
                              .arg(m.captured(1));
                continue;
            }
            const QString op = m.captured(2);
            term.op = op == u">"_s ? Op::Gt : op == u">="_s ? Op::Ge : op == u"<"_s ? Op::Lt
                    : op == u"<="_s ? Op::Le : op == u"!="_s ? Op::Ne : Op::Eq;
            term.value = m.captured(3).toDouble();
            if (!m.captured(4).isEmpty() || term.field == u"fill"_s) {
                // fill is compared as a percentage; "fill>0.5" means 0.5 %, write fill>50%.
                if (term.field != u"fill"_s) {
                    m_error = u"'%' only applies to fill"_s;
                    continue;
                }
            }
        } else if (word.startsWith(u"kind:"_s, Qt::CaseInsensitive)) {
            term.type = Term::Type::Kind;
            term.text = word.mid(5);
        } else {
            term.type = Term::Type::Text;
            term.text = word;
        }
        m_terms.append(term);
    }
}

double FilterExpression::fieldValue(const ActorRecord &r, const QString &field, bool *ok)
{
    *ok = true;
    if (field == u"fill"_s)
        return r.fill() * 100.0;
    if (field == u"length"_s || field == u"len"_s)
        return r.length;
    if (field == u"capacity"_s || field == u"cap"_s)
        return r.capacity;
    if (field == u"highwater"_s)
        return r.highWater;
    if (field == u"rejected"_s)
        return double(r.rejected);
    if (field == u"restarts"_s)
        return r.restartCount;
    if (field == u"rate"_s || field == u"msgs"_s)
        return r.messagesPerSecond;
    if (field == u"incarnation"_s)
        return r.incarnation;
    *ok = false;
    return 0;
}

bool FilterExpression::matches(const ActorRecord &r) const
{
    if (!isValid())
        return false;
    for (const Term &term : m_terms) {
        switch (term.type) {
        case Term::Type::Kind:
            if (r.kind.compare(term.text, Qt::CaseInsensitive) != 0)
                return false;
            break;
        case Term::Type::Text: {
            bool found = r.id.contains(term.text, Qt::CaseInsensitive) || r.kind.contains(term.text, Qt::CaseInsensitive)
                || r.name.contains(term.text, Qt::CaseInsensitive) || r.state.contains(term.text, Qt::CaseInsensitive)
                || r.viewOrPath().contains(term.text, Qt::CaseInsensitive);
            for (auto it = r.metadata.cbegin(); !found && it != r.metadata.cend(); ++it)
                found = it.value().contains(term.text, Qt::CaseInsensitive);
            if (!found)
                return false;
            break;
        }
        case Term::Type::Compare: {
            bool ok = false;
            const double v = fieldValue(r, term.field, &ok);
            bool pass = false;
            switch (term.op) {
            case Op::Gt: pass = v > term.value; break;
            case Op::Ge: pass = v >= term.value; break;
            case Op::Lt: pass = v < term.value; break;
            case Op::Le: pass = v <= term.value; break;
            case Op::Eq: pass = qFuzzyCompare(v + 1.0, term.value + 1.0); break;
            case Op::Ne: pass = !qFuzzyCompare(v + 1.0, term.value + 1.0); break;
            }
            if (!pass)
                return false;
            break;
        }
        }
    }
    return true;
}

} // namespace LiveActor::Monitor
