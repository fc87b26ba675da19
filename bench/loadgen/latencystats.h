#pragma once

#include <QJsonObject>

#include <cstdint>
#include <vector>

namespace LiveActor::Bench {

/// Latency samples in nanoseconds; every sample is kept (a 30 s run at 100k/s is 24 MB), so the
/// percentiles are exact. Filled by one thread, merged on the main thread after the run.
class LatencyStats
{
public:
    struct Summary
    {
        std::int64_t count = 0;
        double mean = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;   ///< milliseconds
        QJsonObject toJson() const;
    };

    void reserve(std::size_t n) { m_samples.reserve(n); }
    void add(std::int64_t ns) { m_samples.push_back(ns); }
    void merge(const LatencyStats &other);
    std::size_t count() const { return m_samples.size(); }

    /// Sorts in place (call once, after the run).
    Summary summarize();

private:
    std::vector<std::int64_t> m_samples;
};

} // namespace LiveActor::Bench
