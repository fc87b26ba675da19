#pragma once

#include "monitor_app/core/actorrecord.h"

#include <QList>
#include <QString>

namespace LiveActor::Monitor {

/// The tree's filter box: whitespace-separated terms that must all match.
///
/// A term is either a comparison `field op value` — fields fill (mailbox length/capacity; the
/// value may end in %), length, capacity, highwater (hw), rejected, restarts, rate (msgs/s),
/// incarnation; ops > >= < <= = == != — or plain text matched case-insensitively against the
/// id, kind, name, state, view/path and metadata values. `kind:view` matches the kind exactly.
/// Examples: `fill>50%`, `restarts>0 kind:view`, `/counter`.
/// A term that looks like a comparison but names an unknown field is an error (isValid() false,
/// errorString() says why) and matches nothing. Plain value type.
class FilterExpression
{
public:
    FilterExpression() = default;
    explicit FilterExpression(const QString &text);

    /// No terms and no error: everything matches.
    bool isEmpty() const { return m_terms.isEmpty() && m_error.isEmpty(); }
    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }
    QString text() const { return m_text; }

    /// true if every term matches the record.
    bool matches(const ActorRecord &record) const;

private:
    enum class Op { Gt, Ge, Lt, Le, Eq, Ne };
    struct Term
    {
        enum class Type { Text, Kind, Compare } type = Type::Text;
        QString text;
        QString field;
        Op op = Op::Eq;
        double value = 0;
    };
    static double fieldValue(const ActorRecord &record, const QString &field, bool *ok);

    QString m_text;
    QString m_error;
    QList<Term> m_terms;
};

} // namespace LiveActor::Monitor
