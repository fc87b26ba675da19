#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>
#include <chrono>

namespace LiveActor {

/// Durations counted into fixed buckets, for a Prometheus histogram in seconds. observe() is
/// lock-free and may run on any thread (two relaxed atomic adds and a short search); snapshot()
/// reads each counter atomically (a scrape may see an observation in count but not yet in sum).
class LatencyHistogram
{
public:
    /// Upper bounds in seconds (Prometheus "le"); +Inf is implied.
    static constexpr std::array<double, 14> Bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                   0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

    struct Snapshot
    {
        std::array<quint64, Bounds.size() + 1> buckets{}; ///< per bucket (not cumulative); last = +Inf
        quint64 count = 0;
        double sumSeconds = 0;
    };

    void observe(std::chrono::nanoseconds duration)
    {
        const double seconds = std::chrono::duration<double>(duration).count();
        size_t bucket = 0;
        while (bucket < Bounds.size() && seconds > Bounds[bucket])
            ++bucket;
        m_buckets[bucket].fetch_add(1, std::memory_order_relaxed);
        m_sumNs.fetch_add(quint64(qMax<qint64>(0, duration.count())), std::memory_order_relaxed);
    }

    Snapshot snapshot() const
    {
        Snapshot s;
        for (size_t i = 0; i < m_buckets.size(); ++i) {
            s.buckets[i] = m_buckets[i].load(std::memory_order_relaxed);
            s.count += s.buckets[i];
        }
        s.sumSeconds = double(m_sumNs.load(std::memory_order_relaxed)) / 1e9;
        return s;
    }

private:
    std::array<std::atomic<quint64>, Bounds.size() + 1> m_buckets{};
    std::atomic<quint64> m_sumNs{0};
};

} // namespace LiveActor
