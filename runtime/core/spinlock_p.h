#pragma once

// Runtime-internal: the lock of a mailbox. Not for other modules.

#include <atomic>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace LiveActor {

/// A test-and-test-and-set lock for critical sections of a few dozen instructions (a ring push
/// or pop). Uncontended it is one atomic exchange and one store — about half the cost of a
/// pthread mutex, which showed up as a third of the time of a same-executor ping-pong. Under
/// contention it spins briefly, then yields so that a preempted holder can finish (the machines
/// we run on are small and oversubscribed). Satisfies Lockable for std::lock_guard.
class SpinLock
{
public:
    void lock() noexcept
    {
        for (int spins = 0;; ++spins) {
            if (!m_locked.exchange(true, std::memory_order_acquire))
                return;
            while (m_locked.load(std::memory_order_relaxed)) {
                if (spins++ < 64) {
#if defined(__x86_64__) || defined(__i386__)
                    _mm_pause();
#endif
                } else {
                    std::this_thread::yield();
                }
            }
        }
    }
    bool try_lock() noexcept { return !m_locked.exchange(true, std::memory_order_acquire); }
    void unlock() noexcept { m_locked.store(false, std::memory_order_release); }

private:
    std::atomic<bool> m_locked{false};
};

} // namespace LiveActor
