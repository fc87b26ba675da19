#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QByteArray>
#include <QString>


namespace LiveActor::Monitor {

/// A view's assigns history as the monitor keeps it: the HistoryBatches of one HistoryStart
/// merged into one HistoryBatch (all()): base = the assigns before the first entry kept,
/// entries = the last `length` messages (the runtime's ring length; older ones are folded into
/// base, so assignsAt() stays right), lost, and whether and why it stopped.
///
/// assignsAt(i) rebuilds the assigns after entry i from base and the entries' changes. A value
/// the runtime cut (at its max_value_bytes) is shown as a string ending in "… (cut)".
/// Export: toJson(), the merged batch in protobuf's JSON mapping under a small header; saved
/// snapshots carry all() (SavedSnapshot::histories). Plain value type; no Qt event loop needed.
class AssignsHistory
{
public:
    static constexpr const char *FormatName = "liveactor-assigns-history";
    static constexpr int FormatVersion = 1;

    AssignsHistory() = default;
    explicit AssignsHistory(const QString &actorId);
    /// A history as saved (a merged batch).
    static AssignsHistory fromBatch(const ::liveactor::monitor::v1::HistoryBatch &all);

    /// Merges a batch of this history (false, and nothing changes, for another actor's).
    bool add(const ::liveactor::monitor::v1::HistoryBatch &batch);

    QString actorId() const { return QString::fromStdString(m_all.actor_id()); }
    const ::liveactor::monitor::v1::HistoryBatch &all() const { return m_all; }
    int size() const { return m_all.entries_size(); }
    const ::liveactor::monitor::v1::HistoryEntry &entry(int i) const { return m_all.entries(i); }
    bool isStopped() const { return m_all.stopped(); }
    QString stopReason() const { return QString::fromStdString(m_all.stop_reason()); }
    quint64 lost() const { return m_all.lost(); }

    /// The assigns after entry i (-1: before the first entry) as indented JSON.
    QByteArray assignsAt(int i) const;
    /// Entry i's changes, one per line: "key: before → after" ("+ key: after" added, "- key:
    /// before" removed), then its payload.
    QString changesText(int i) const;
    /// "count, connected" — the changed keys of an entry.
    static QString changedKeys(const ::liveactor::monitor::v1::HistoryEntry &entry);

    /// {"format": "liveactor-assigns-history", "format_version": 1, "history": <HistoryBatch>}
    QByteArray toJson() const;

private:
    ::liveactor::monitor::v1::HistoryBatch m_all;
};

} // namespace LiveActor::Monitor
