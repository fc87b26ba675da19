#include "core/historysink.h"

#include <algorithm>
#include <utility>

namespace LiveActor {

HistorySink::HistorySink(int length, int maxValueBytes)
    : m_length(std::max(1, length))
    , m_maxValueBytes(std::max(16, maxValueBytes))
{
}

void HistorySink::setBase(QList<AssignChange> assigns)
{
    std::lock_guard lock(m_mutex);
    m_base = std::move(assigns);
    m_hasBase = true;
}

void HistorySink::record(HistoryEntry &&entry)
{
    if (isClosed())
        return;
    std::lock_guard lock(m_mutex);
    entry.seq = m_nextSeq++;
    m_ring.push_back(std::move(entry));
    if (int(m_ring.size()) > m_length) {
        if (m_ring.front().seq > m_taken) // never sent: the reader fell behind by a whole ring
            ++m_lost;
        m_ring.pop_front();
    }
}

HistorySink::Batch HistorySink::take()
{
    Batch batch;
    std::lock_guard lock(m_mutex);
    for (const HistoryEntry &entry : m_ring)
        if (entry.seq > m_taken)
            batch.entries.push_back(entry);
    if (!m_ring.empty())
        m_taken = m_ring.back().seq;
    if (!m_baseTaken && m_hasBase) {
        batch.base = std::exchange(m_base, {});
        batch.hasBase = true;
        m_baseTaken = true;
    }
    batch.lost = m_lost;
    return batch;
}

std::vector<HistoryEntry> HistorySink::entries() const
{
    std::lock_guard lock(m_mutex);
    return {m_ring.begin(), m_ring.end()};
}

void HistorySink::close(QString reason)
{
    std::lock_guard lock(m_mutex);
    if (m_closeReason.isEmpty())
        m_closeReason = std::move(reason);
    m_closed.store(true, std::memory_order_release);
}

QString HistorySink::closeReason() const
{
    std::lock_guard lock(m_mutex);
    return m_closeReason;
}

bool capText(QByteArray &text, int maxBytes)
{
    if (maxBytes < 0 || text.size() <= maxBytes)
        return false;
    qsizetype end = maxBytes;
    while (end > 0 && (quint8(text.at(end)) & 0xC0) == 0x80) // not inside a UTF-8 sequence
        --end;
    text.truncate(end);
    return true;
}

} // namespace LiveActor
