#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace LiveActor {

/// One assign a handled message changed: its value before and after as JSON text, each cut at
/// the history's value cap (then *Truncated is set). added: it did not exist before; removed: it
/// does not exist after (the missing side is empty).
struct AssignChange
{
    QString key;
    QByteArray before;
    QByteArray after;
    bool beforeTruncated = false;
    bool afterTruncated = false;
    bool added = false;
    bool removed = false;
};

/// One message a view handled, as the assigns history keeps it.
struct HistoryEntry
{
    quint64 seq = 0;            ///< 1, 2, … per history (set by the sink)
    qint64 timeUs = 0;          ///< wall clock at the start of the step, µs since the Unix epoch
    QString kind;               ///< "event", "component_event", "info", "patch"
    QString name;               ///< the event name, the info's name, the patched URL
    QByteArray payload;         ///< JSON text, cut at the value cap
    bool payloadTruncated = false;
    qint64 durationNs = 0;      ///< start of the step → its end (a suspended step: until it resumed)
    QList<AssignChange> changes;
    qint64 diffBytes = -1;      ///< bytes of the rendered diff sent; -1 when nothing was rendered
    QString outcome;            ///< "ok", "refused: …", "error: …", "navigated"
};

/// Where a view records its assigns history while a monitor asks for it: the last `length`
/// entries (a ring), plus the assigns the history started from (base()).
///
/// The view records from its own thread; the control plane take()s from its thread. Entries that
/// fall out of the ring before they were taken are counted in lost(). close() ends the history:
/// later records are ignored and the view lets go of the sink at its next step, so a stopped
/// history costs nothing again. A view that cannot record (not a view, not mounted) closes the
/// sink with a reason (closeReason()).
class HistorySink
{
public:
    HistorySink(int length = 100, int maxValueBytes = 2048);

    /// The view's thread, on attach: every assign as it is then (as added changes, cut at the cap).
    void setBase(QList<AssignChange> assigns);
    void record(HistoryEntry &&entry);

    struct Batch
    {
        std::vector<HistoryEntry> entries; ///< oldest first
        QList<AssignChange> base;          ///< the first time it is available, then empty
        bool hasBase = false;
        quint64 lost = 0;                  ///< total since the start
    };
    /// Entries recorded since the previous take().
    Batch take();
    /// Everything still in the ring (oldest first), e.g. for a late reader.
    std::vector<HistoryEntry> entries() const;

    void close(QString reason = {});
    bool isClosed() const { return m_closed.load(std::memory_order_acquire); }
    QString closeReason() const;
    int length() const { return m_length; }
    int maxValueBytes() const { return m_maxValueBytes; }

private:
    const int m_length;
    const int m_maxValueBytes;
    std::atomic<bool> m_closed{false};
    mutable std::mutex m_mutex;
    std::deque<HistoryEntry> m_ring;
    quint64 m_nextSeq = 1;
    quint64 m_taken = 0; ///< highest seq handed out by take()
    quint64 m_lost = 0;
    QList<AssignChange> m_base;
    bool m_hasBase = false;
    bool m_baseTaken = false;
    QString m_closeReason;
};

/// Something that can keep an assigns history (a view actor). The control plane attaches a sink
/// on the actor's own thread (ActorRef::call) and dynamic_casts the Actor to this.
class HistorySource
{
public:
    virtual ~HistorySource() = default;
    /// Starts recording into sink (replacing an earlier one); closes it with a reason if it cannot.
    virtual void attachHistory(std::shared_ptr<HistorySink> sink) = 0;
};

/// text cut to at most maxBytes bytes (at a UTF-8 character boundary); true when it was cut.
bool capText(QByteArray &text, int maxBytes);

} // namespace LiveActor
