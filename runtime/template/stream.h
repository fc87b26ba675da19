#pragma once

#include "template/lazyobject.h"
#include "template/value.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace LiveActor {

/// One render's worth of a LiveView stream (Phoenix's `stream/4`): the items to insert, each with
/// its DOM id and position, the DOM ids to delete, and whether the client drops every item first.
///
/// A template iterates it like a list of `[dom_id, item]` pairs
/// (`{% for dom_id, msg in streams.messages %}`); the `for` loop that does so renders a stream
/// comprehension, whose entries are sent once with the wire tuple `"stream": [ref, inserts,
/// deletes(, true)]` and then forgotten by the server (see RenderedTree). The client keeps the
/// items in its DOM, inside a `phx-update="stream"` container.
///
/// An immutable value once built; shared between Values by pointer, safe to read from any thread.
class StreamBatch final : public LazyObject
{
public:
    struct Insert
    {
        QString domId;
        Value item;
        int at = -1;                ///< -1 appends, 0 prepends, n inserts at index n
        std::optional<int> limit;   ///< keep at most this many (negative: the last ones)
        bool updateOnly = false;    ///< only update an item the client already has
    };

    StreamBatch(QString ref, QList<Insert> inserts, QStringList deletes, bool reset);

    /// The stream's id within its view ("0", "1", …): the client tags the stream's children with it.
    const QString &ref() const { return m_ref; }
    const QList<Insert> &inserts() const { return m_inserts; }
    const QStringList &deletes() const { return m_deletes; }
    bool reset() const { return m_reset; }
    /// Whether the client has anything to do (an insert, a delete or a reset).
    bool hasOperations() const { return !m_inserts.isEmpty() || !m_deletes.isEmpty() || m_reset; }

    /// The wire tuple `[ref, [[dom_id, at, limit, update_only], …], [dom_id, …]]`, with a 4th
    /// element `true` on reset only (the client resets on any 4th element).
    QByteArray wireTuple() const;
    /// The tuple with nothing to do: `[ref, [], []]`.
    static QByteArray idleTuple(const QString &ref);

    std::optional<Value> attribute(const QString &name) const override;
    /// `[dom_id, item]` per insert, in insertion order.
    std::optional<QList<Value>> iterate() const override;
    bool isTruthy() const override { return !m_inserts.isEmpty(); }
    QString toString() const override;

private:
    QString m_ref;
    QList<Insert> m_inserts;
    QStringList m_deletes;
    bool m_reset = false;
};

} // namespace LiveActor
