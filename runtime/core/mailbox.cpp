#include "core/mailbox.h"

#include "core/actorcell_p.h"

#include <algorithm>
#include <chrono>

namespace LiveActor {

namespace {
qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
// EWMA with alpha 1/8: cheap, and recent enough for a dashboard refreshing every second.
void ewma(double &avg, double sample)
{
    avg = avg == 0 ? sample : avg + (sample - avg) / 8.0;
}
} // namespace

Mailbox::Mailbox(int capacity)
    : m_capacity(std::max(1, capacity)),
      m_chunks(std::make_unique<std::unique_ptr<Envelope[]>[]>(size_t((m_capacity + ChunkSize - 1) >> ChunkShift)))
{
}

Mailbox::~Mailbox() = default;

SendStatus Mailbox::push(Envelope &&envelope, bool &scheduleOwner)
{
    scheduleOwner = false;
    std::lock_guard lock(m_mutex);
    if (m_normalClosed || m_allClosed) {
        ++m_rejected;
        return SendStatus::Closed;
    }
    if (m_count == m_capacity) {
        ++m_rejected;
        return SendStatus::Full;
    }
    // Sample the wait time on one message in 64: a clock read per message would cost more than
    // the rest of the enqueue. A traced owner needs every message's wait.
    if ((m_enqueued & 63) == 0 || m_stampAll)
        envelope.stampNs = nowNs();
    int slot = m_head + m_count;
    if (slot >= m_capacity)
        slot -= m_capacity;
    auto &chunk = m_chunks[size_t(slot >> ChunkShift)];
    if (!chunk)
        chunk = std::make_unique<Envelope[]>(ChunkSize);
    chunk[size_t(slot & (ChunkSize - 1))] = std::move(envelope);
    ++m_count;
    ++m_enqueued;
    if (m_count > m_highWater)
        m_highWater = m_count;
    if (!m_scheduled && !m_paused) {
        m_scheduled = true;
        scheduleOwner = true;
    }
    return SendStatus::Ok;
}

SendStatus Mailbox::pushSystem(Envelope &&envelope, bool &scheduleOwner)
{
    scheduleOwner = false;
    std::lock_guard lock(m_mutex);
    if (m_allClosed)
        return SendStatus::Closed;
    m_system.push_back(std::move(envelope));
    m_systemCount.fetch_add(1, std::memory_order_release);
    ++m_enqueued;
    if (!m_scheduled) {
        m_scheduled = true;
        scheduleOwner = true;
    }
    return SendStatus::Ok;
}

bool Mailbox::markScheduled()
{
    std::lock_guard lock(m_mutex);
    if (m_scheduled || m_allClosed)
        return false;
    m_scheduled = true;
    return true;
}

MailboxStats Mailbox::stats() const
{
    std::lock_guard lock(m_mutex);
    MailboxStats s;
    s.length = m_count;
    s.capacity = m_capacity;
    s.highWater = m_highWater;
    s.systemLength = int(m_system.size() - m_systemHead);
    s.enqueued = m_enqueued;
    s.processed = m_processed;
    s.rejected = m_rejected;
    s.waitTimeUs = m_waitUs;
    s.processingTimeUs = m_procUs;
    return s;
}

int Mailbox::length() const
{
    std::lock_guard lock(m_mutex);
    return m_count;
}

bool Mailbox::isNormalClosed() const
{
    std::lock_guard lock(m_mutex);
    return m_normalClosed || m_allClosed;
}

bool Mailbox::popSystem(Envelope &out)
{
    std::lock_guard lock(m_mutex);
    if (m_systemHead == m_system.size())
        return false;
    out = std::move(m_system[m_systemHead]);
    if (++m_systemHead == m_system.size()) {
        m_system.clear(); // keeps the capacity: a session's periodic tick does not reallocate
        m_systemHead = 0;
    } else if (m_systemHead >= 64 && m_systemHead * 2 >= m_system.size()) {
        // Never drained under a steady stream: drop the consumed prefix now and then.
        m_system.erase(m_system.begin(), m_system.begin() + qsizetype(m_systemHead));
        m_systemHead = 0;
    }
    m_systemCount.fetch_sub(1, std::memory_order_release);
    ++m_processed;
    return true;
}

int Mailbox::acquire(int max, int *queued)
{
    int n;
    int first;
    {
        std::lock_guard lock(m_mutex);
        n = std::min(max, m_count);
        if (queued)
            *queued = m_count;
        m_acquired = n;
        first = m_head;
    }
    // The acquired slots were written under the lock we just took, and producers never touch
    // them until release(): reading them unlocked is safe.
    qint64 now = 0;
    for (int i = 0; i < n; ++i) {
        int slot = first + i;
        if (slot >= m_capacity)
            slot -= m_capacity;
        const qint64 stamp = slotAt(slot).stampNs;
        if (stamp) {
            if (!now)
                now = nowNs();
            m_pendingWaitUs += double(now - stamp) / 1000.0; // consumer-only; folded in release()
            ++m_pendingWaitSamples;
        }
    }
    return n;
}

void Mailbox::setStampAll(bool stamp)
{
    std::lock_guard lock(m_mutex);
    m_stampAll = stamp;
}

void Mailbox::release(int n, qint64 handlerNs)
{
    for (int i = 0; i < n; ++i)
        at(i).clear(); // destroy leftovers (sender refs, unanswered replies) outside the lock
    std::lock_guard lock(m_mutex);
    releaseLocked(n, handlerNs);
}

bool Mailbox::releaseAndFinish(int n, qint64 handlerNs)
{
    for (int i = 0; i < n; ++i)
        at(i).clear();
    std::lock_guard lock(m_mutex);
    releaseLocked(n, handlerNs);
    if (m_allClosed) {
        m_scheduled = false;
        return false;
    }
    if ((m_count > 0 && !m_paused) || m_systemHead < m_system.size())
        return true;
    m_scheduled = false;
    return false;
}

void Mailbox::releaseLocked(int n, qint64 handlerNs)
{
    m_head += n;
    if (m_head >= m_capacity)
        m_head -= m_capacity;
    m_count -= n;
    m_acquired = 0;
    m_processed += quint64(n);
    if (m_pendingWaitSamples) {
        ewma(m_waitUs, m_pendingWaitUs / m_pendingWaitSamples);
        m_pendingWaitUs = 0;
        m_pendingWaitSamples = 0;
    }
    if (n > 0 && handlerNs > 0)
        ewma(m_procUs, double(handlerNs) / 1000.0 / n);
}

bool Mailbox::setPaused(bool paused)
{
    std::lock_guard lock(m_mutex);
    m_paused = paused;
    if (paused || m_scheduled || m_allClosed || m_count == 0)
        return false;
    m_scheduled = true;
    return true;
}

bool Mailbox::finishActivation()
{
    std::lock_guard lock(m_mutex);
    if (m_allClosed) {
        m_scheduled = false;
        return false;
    }
    if ((m_count > 0 && !m_paused) || m_systemHead < m_system.size())
        return true;
    m_scheduled = false;
    return false;
}

void Mailbox::closeNormal()
{
    std::lock_guard lock(m_mutex);
    m_normalClosed = true;
}

void Mailbox::closeAll()
{
    std::vector<Envelope> dropped;
    std::vector<Envelope> droppedSystem;
    {
        std::lock_guard lock(m_mutex);
        m_normalClosed = true;
        m_allClosed = true;
        dropped.reserve(size_t(m_count));
        for (int i = 0; i < m_count; ++i) {
            int slot = m_head + i;
            if (slot >= m_capacity)
                slot -= m_capacity;
            dropped.push_back(std::move(slotAt(slot)));
        }
        m_count = 0;
        m_acquired = 0;
        droppedSystem.swap(m_system);
        droppedSystem.erase(droppedSystem.begin(), droppedSystem.begin() + qsizetype(m_systemHead));
        m_systemHead = 0;
        m_systemCount.store(0, std::memory_order_release);
    }
    // Destroyed here, outside the lock: unanswered asks fail with Closed (and may send).
    for (Envelope &e : dropped)
        if (e.reply)
            e.reply->complete(fail(ErrorCode::Closed, QStringLiteral("the actor exited before handling the request")));
    for (Envelope &e : droppedSystem)
        if (e.reply)
            e.reply->complete(fail(ErrorCode::Closed, QStringLiteral("the actor exited before handling the request")));
}

} // namespace LiveActor
