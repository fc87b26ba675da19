#pragma once

#include "core/actorref.h"
#include "core/message.h"

#include <memory>

namespace LiveActor {

class ReplySlot;

/// A message in a mailbox: the payload plus who sent it and, for an ask, where the reply goes.
/// Runtime-internal plumbing, public only so Mailbox can be tested on its own. Move-only.
struct Envelope
{
    Envelope() = default;
    explicit Envelope(Message m, ActorRef from = {}, std::shared_ptr<ReplySlot> replyTo = {})
        : message(std::move(m)), sender(std::move(from)), reply(std::move(replyTo))
    {
    }

    /// Empties it in place (cheaper than assigning a fresh Envelope).
    void clear() noexcept
    {
        message.reset();
        if (!sender.isNull())
            sender = ActorRef();
        if (reply)
            reply.reset();
        stampNs = 0;
    }

    Message message;
    ActorRef sender;                  ///< null when sent from outside any actor
    std::shared_ptr<ReplySlot> reply; ///< set for ask/ping; answered or failed exactly once
    qint64 stampNs = 0;               ///< enqueue time (steady clock ns) on sampled (or traced) messages, else 0
};

} // namespace LiveActor
