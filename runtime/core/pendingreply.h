#pragma once

#include "core/message.h"
#include "core/result.h"

#include <memory>

namespace LiveActor {

class ReplySlot;

/// The answer to an ask, taken out of the handler with Actor::takeReply() so that it can be given
/// later (after a timer, another ask, a Python call…). Move-only; reply() or fail() at most once.
/// If it is destroyed unanswered the asker gets NoReply; the asker's timeout still applies.
/// Thread-safe: may be completed from any thread.
class PendingReply
{
public:
    PendingReply() = default;
    explicit PendingReply(std::shared_ptr<ReplySlot> slot) : m_slot(std::move(slot)) { }
    PendingReply(PendingReply &&) noexcept = default;
    PendingReply &operator=(PendingReply &&) noexcept = default;
    PendingReply(const PendingReply &) = delete;
    PendingReply &operator=(const PendingReply &) = delete;
    ~PendingReply();

    /// false for a default-constructed one, or one taken outside an ask.
    bool isValid() const { return bool(m_slot); }
    /// Sends the reply; false if already answered or timed out.
    bool reply(Message response);
    /// Fails the ask with error.
    bool fail(Error error);

private:
    std::shared_ptr<ReplySlot> m_slot;
};

} // namespace LiveActor
