#pragma once

#include <QString>
#include <QUuid>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

namespace LiveActor {

/// One traced message: delivered to a traced actor (In) or sent by it (Out).
struct TraceRecord
{
    enum class Direction : quint8 { In, Out };
    qint64 timeUs = 0;          ///< wall clock, µs since the Unix epoch
    QUuid actor;                ///< the traced actor
    QString actorKind;
    QUuid peer;                 ///< In: the sender (null from outside actors); Out: the receiver
    Direction direction = Direction::In;
    const char *type = "";      ///< Message::typeName() (static storage: no copy per record)
    quint32 size = 0;           ///< Message::valueSize(): the C++ value, not heap data it points to
    qint64 waitNs = -1;         ///< In: enqueue→handling start; -1 when not stamped (queued before the trace began)
    qint64 processingNs = 0;    ///< In: time in the handler
};

/// Where the records of one trace session go: bounded, rate-limited, counting what it drops.
///
/// Actors record from their executor threads; a collector (the control plane) take()s batches
/// from any thread. At most maxPerSecond records are accepted per one-second window of the
/// recording executors' clock (the virtual clock in deterministic mode, so tests do not depend on
/// timing) and at most capacity wait for take(); everything else is counted in dropped().
/// close() ends the session: later records are ignored and the actors detach from the sink on
/// their next message, so a stopped trace costs nothing again.
class TraceSink
{
public:
    using Clock = std::chrono::steady_clock;
    struct Batch
    {
        std::vector<TraceRecord> records;
        quint64 dropped = 0; ///< total since the session started
    };

    explicit TraceSink(int maxPerSecond = 2000, int capacity = 10000);

    /// Any thread. now = the recording executor's clock (rate windows).
    void record(TraceRecord &&record, Clock::time_point now);
    /// Any thread: the records so far (oldest first) and the drop count.
    Batch take();
    quint64 dropped() const;
    void close();
    bool isClosed() const { return m_closed.load(std::memory_order_acquire); }
    int maxPerSecond() const { return m_maxPerSecond; }

private:
    const int m_maxPerSecond;
    const int m_capacity;
    std::atomic<bool> m_closed{false};
    mutable std::mutex m_mutex;
    std::vector<TraceRecord> m_records;
    quint64 m_dropped = 0;
    Clock::time_point m_windowStart{};
    int m_inWindow = 0;
    bool m_windowOpen = false;
};

/// "Foo::Bar" out of a Message::typeName() (the compiler's spelling of the stored type).
QString traceTypeName(const char *typeName);

} // namespace LiveActor
