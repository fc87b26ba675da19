#pragma once

#include "core/actorref.h"
#include "core/envelope.h"
#include "core/mailboxstats.h"

#include "core/spinlock_p.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace LiveActor {

/// One actor's mailbox: a bounded ring for normal messages plus an unbounded system lane.
///
/// - Normal lane: at most capacity() messages; push() answers Full at capacity and Closed once
///   closeNormal() was called. It never blocks and never drops a message it answered Ok for.
/// - System lane (exit signals, kill, shutdown, ping, timers, replies, supervisor commands): never
///   Full; Closed only after closeAll() (the actor is gone). The owner processes it first.
/// - It also carries the owner's scheduling flag: push()/pushSystem() set `scheduleOwner` when the
///   owner went from idle to runnable, so exactly one party enqueues the owner on its executor.
///
/// Thread affinity: push*/stats/length from any thread; every other function only from the owning
/// executor's thread (single consumer). Messages in an acquired batch are handled in place: the
/// slots stay counted in length() until release(), so producers never overwrite them.
///
/// Memory: the ring is split into chunks of 8 slots, allocated the first time a slot in them is
/// needed and never moved (the consumer reads acquired slots without the lock). A mailbox that
/// never holds more than 8 messages costs one chunk, not `capacity` slots: at 10,000 sessions
/// a fully allocated session (100) + view (50) ring was ~17 KiB per session.
class Mailbox
{
public:
    explicit Mailbox(int capacity);
    ~Mailbox();
    Mailbox(const Mailbox &) = delete;
    Mailbox &operator=(const Mailbox &) = delete;

    int capacity() const { return m_capacity; }

    // --- producers, any thread
    SendStatus push(Envelope &&envelope, bool &scheduleOwner);
    SendStatus pushSystem(Envelope &&envelope, bool &scheduleOwner);
    /// Marks the owner runnable without a message (first activation); true if it was idle.
    bool markScheduled();

    MailboxStats stats() const;
    /// Stamp the enqueue time on every message, not one in 64 (while the owner is traced).
    void setStampAll(bool stamp);
    int length() const;
    bool isNormalClosed() const;

    // --- consumer, owner's executor thread only
    bool hasSystem() const { return m_systemCount.load(std::memory_order_acquire) > 0; }
    bool popSystem(Envelope &out);
    /// Makes up to max queued normal messages available as at(0)…at(n-1); returns n. If queued is
    /// given, it receives the number of normal messages queued at that moment.
    int acquire(int max, int *queued = nullptr);
    Envelope &at(int i)
    {
        int slot = m_head + i; // m_head only changes in release(), on this (the consumer's) thread
        if (slot >= m_capacity)
            slot -= m_capacity;
        return slotAt(slot);
    }
    /// Gives the first n acquired slots back (their messages must have been moved out or are
    /// destroyed here); handlerNs = time spent handling them, for the processing-time EWMA.
    void release(int n, qint64 handlerNs);
    /// release() and finishActivation() under one lock (the common end of an activation).
    bool releaseAndFinish(int n, qint64 handlerNs);
    /// End of an activation: true if messages are left (the owner stays scheduled; the caller
    /// must reschedule it), false if the owner is now idle.
    bool finishActivation();
    /// Paused: normal-lane messages are kept but do not schedule the owner (the system lane
    /// still does). Unpausing returns true when the caller must schedule the owner now.
    bool setPaused(bool paused);
    /// From now on push() answers Closed; queued messages stay and can be drained.
    void closeNormal();
    /// Both lanes answer Closed; queued messages are destroyed (their asks fail with Closed).
    void closeAll();

private:
    static constexpr int ChunkShift = 3;
    static constexpr int ChunkSize = 1 << ChunkShift;
    Envelope &slotAt(int slot) { return m_chunks[size_t(slot >> ChunkShift)][size_t(slot & (ChunkSize - 1))]; }
    void releaseLocked(int n, qint64 handlerNs);

    const int m_capacity;
    mutable SpinLock m_mutex;
    std::unique_ptr<std::unique_ptr<Envelope[]>[]> m_chunks; // (capacity + 7) / 8, null until used
    int m_head = 0;       // first queued slot
    int m_count = 0;      // queued, including an acquired batch
    int m_acquired = 0;   // slots at m_head… handed to the consumer
    std::vector<Envelope> m_system; // FIFO from m_systemHead; reset when drained
    size_t m_systemHead = 0;
    std::atomic<int> m_systemCount{0};
    bool m_scheduled = false;
    bool m_paused = false;
    bool m_stampAll = false;
    bool m_normalClosed = false;
    bool m_allClosed = false;
    int m_highWater = 0;
    quint64 m_enqueued = 0;
    quint64 m_processed = 0;
    quint64 m_rejected = 0;
    double m_waitUs = 0;
    double m_procUs = 0;
    double m_pendingWaitUs = 0; // consumer-only
    int m_pendingWaitSamples = 0;
};

} // namespace LiveActor
