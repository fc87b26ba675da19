#include "core/restartintensity.h"

namespace LiveActor {

bool RestartIntensity::record(Clock::time_point now)
{
    m_burst = used(now) + 1;
    m_last = now;
    return m_burst <= m_intensity;
}

int RestartIntensity::used(Clock::time_point now) const
{
    return m_burst > 0 && now - m_last < m_period ? m_burst : 0;
}

SupervisionInfo RestartIntensity::info(const QString &strategy, Clock::time_point now, qint64 nowMs) const
{
    SupervisionInfo out{strategy, m_intensity, qint64(m_period.count()), used(now), 0};
    if (out.restartsInWindow > 0)
        out.windowEndsAtMs = nowMs
            + std::chrono::duration_cast<std::chrono::milliseconds>(m_last + m_period - now).count();
    return out;
}

} // namespace LiveActor
