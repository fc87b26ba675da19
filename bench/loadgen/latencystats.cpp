#include "latencystats.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace LiveActor::Bench {

void LatencyStats::merge(const LatencyStats &other)
{
    m_samples.insert(m_samples.end(), other.m_samples.begin(), other.m_samples.end());
}

LatencyStats::Summary LatencyStats::summarize()
{
    Summary s;
    s.count = std::int64_t(m_samples.size());
    if (m_samples.empty())
        return s;
    std::sort(m_samples.begin(), m_samples.end());
    auto at = [&](double q) {
        // nearest-rank percentile
        const auto rank = std::size_t(std::ceil(q * double(m_samples.size())));
        return double(m_samples[std::min(m_samples.size() - 1, rank == 0 ? 0 : rank - 1)]) / 1e6;
    };
    long double sum = 0;
    for (auto v : m_samples)
        sum += v;
    s.mean = double(sum / m_samples.size()) / 1e6;
    s.p50 = at(0.50);
    s.p90 = at(0.90);
    s.p99 = at(0.99);
    s.p999 = at(0.999);
    s.max = double(m_samples.back()) / 1e6;
    return s;
}

QJsonObject LatencyStats::Summary::toJson() const
{
    auto r = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    return {{u"count"_s, double(count)}, {u"mean"_s, r(mean)}, {u"p50"_s, r(p50)}, {u"p90"_s, r(p90)},
            {u"p99"_s, r(p99)}, {u"p999"_s, r(p999)}, {u"max"_s, r(max)}};
}

} // namespace LiveActor::Bench
