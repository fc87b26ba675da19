#pragma once

#include <QString>

#include <chrono>

namespace LiveActor {

/// A supervisor's restart budget as the registry and the control plane report it. Plain value.
/// restartsInWindow counts the restarts of the current burst; the budget is spent when it
/// reaches intensity (one more restart escalates). windowEndsAtMs: wall clock (ms since epoch)
/// at which the burst ends and the whole budget is free again if nothing restarts before; 0 when
/// no burst is open. A reader past windowEndsAtMs counts 0 restarts (no event is sent for that).
struct SupervisionInfo
{
    QString strategy;        ///< "one_for_one", "one_for_all", "rest_for_one", "session"
    int intensity = 0;
    qint64 periodMs = 0;
    int restartsInWindow = 0;
    qint64 windowEndsAtMs = 0;
    bool operator==(const SupervisionInfo &other) const = default;
};

/// OTP restart intensity with the burst rule, shared by supervisors and sessions (which
/// supervise their views): a restart belongs to the current burst if it comes strictly less
/// than `period` after the previous one; a gap of `period` or more starts a new burst. A burst of
/// more than `intensity` restarts exceeds the budget. Any intensity + 1 restarts within one
/// period form a burst, so this is at least as strict as a sliding window; like OTP it also trips
/// on a child that keeps crashing at a steady interval shorter than the period.
class RestartIntensity
{
public:
    using Clock = std::chrono::steady_clock;

    RestartIntensity(int intensity, std::chrono::milliseconds period)
        : m_intensity(intensity), m_period(period) {}

    /// Records a restart at now; false if it exceeds the budget (the caller escalates).
    bool record(Clock::time_point now);
    /// Restarts in the burst open at now (0 once it has ended).
    int used(Clock::time_point now) const;
    /// Whether one more restart at now would exceed the budget.
    bool wouldExceed(Clock::time_point now) const { return used(now) + 1 > m_intensity; }
    /// The report for the registry; now and nowMs are the same moment on both clocks.
    SupervisionInfo info(const QString &strategy, Clock::time_point now, qint64 nowMs) const;

    int intensity() const { return m_intensity; }
    std::chrono::milliseconds period() const { return m_period; }

private:
    int m_intensity;
    std::chrono::milliseconds m_period;
    int m_burst = 0;              // restarts in the current burst
    Clock::time_point m_last{};   // the burst's latest restart
};

} // namespace LiveActor
