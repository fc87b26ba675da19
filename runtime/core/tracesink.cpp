#include "core/tracesink.h"

#include <algorithm>
#include <cstring>

namespace LiveActor {

TraceSink::TraceSink(int maxPerSecond, int capacity)
    : m_maxPerSecond(std::max(1, maxPerSecond))
    , m_capacity(std::max(1, capacity))
{
}

void TraceSink::record(TraceRecord &&record, Clock::time_point now)
{
    if (isClosed())
        return;
    std::lock_guard lock(m_mutex);
    // Fixed one-second windows: simple, and a burst never gets more than maxPerSecond through.
    if (!m_windowOpen || now - m_windowStart >= std::chrono::seconds(1)) {
        m_windowOpen = true;
        m_windowStart = now;
        m_inWindow = 0;
    }
    if (m_inWindow >= m_maxPerSecond || int(m_records.size()) >= m_capacity) {
        ++m_dropped;
        return;
    }
    ++m_inWindow;
    m_records.push_back(std::move(record));
}

TraceSink::Batch TraceSink::take()
{
    Batch batch;
    std::lock_guard lock(m_mutex);
    batch.records.swap(m_records);
    batch.dropped = m_dropped;
    return batch;
}

quint64 TraceSink::dropped() const
{
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

void TraceSink::close()
{
    m_closed.store(true, std::memory_order_release);
}

QString traceTypeName(const char *typeName)
{
    // GCC and Clang spell it "… nameOf() [with D = Foo::Bar]" / "… [D = Foo::Bar]".
    const char *start = std::strstr(typeName, "D = ");
    if (!start)
        return QString::fromUtf8(typeName);
    start += 4;
    int depth = 0;
    const char *end = start;
    for (; *end; ++end) {
        if (*end == '<' || *end == '(' || *end == '[')
            ++depth;
        else if ((*end == '>' || *end == ')') && depth > 0)
            --depth;
        else if (*end == ']' || *end == ';') {
            if (depth == 0)
                break;
            --depth;
        }
    }
    return QString::fromUtf8(start, end - start);
}

} // namespace LiveActor
