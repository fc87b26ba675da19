#pragma once

#include "core/message.h"
#include "core/result.h"

#include <QMetaType>
#include <QString>
#include <QUuid>

#include <chrono>
#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace LiveActor {

class Actor;

class ActorCell;

/// What tell() did with a message. It never blocks and never drops silently:
enum class SendStatus {
    Ok,     ///< queued; the actor will handle it
    Full,   ///< the mailbox is at capacity: the message was NOT queued (back off and retry, or shed)
    Closed, ///< the actor has stopped, is shutting down, or this ref is a stale incarnation
};

/// "ok", "full", "closed".
QString sendStatusName(SendStatus status);

/// A handle to one incarnation of an actor: id (a UUID that stays the same across supervisor
/// restarts) + incarnation (0 for the first start, +1 per restart).
///
/// Cheap to copy (one shared pointer), usable from any thread, never dangling: after the actor
/// exits, tell() returns Closed. After a supervisor restart the old ref stays Closed and
/// isStale() becomes true; ActorSystem::resolve(id) gives the current incarnation.
/// A default-constructed ref is null: tell() returns Closed.
class ActorRef
{
public:
    ActorRef() = default;

    bool isNull() const { return !m_cell; }
    QUuid id() const;
    quint32 incarnation() const;
    /// The kind given at spawn ("session", "view", "supervisor", …).
    QString kind() const;
    /// Index of the executor the actor runs on (-1 for a null ref).
    int executorIndex() const;
    /// This incarnation has started and not exited yet (races with concurrent exits: a hint).
    bool isAlive() const;
    /// A newer incarnation with the same id exists (the actor was restarted).
    bool isStale() const;

    /// Queue a message on the normal lane. Any thread. No sender (Actor::sender() is null).
    SendStatus tell(Message message) const;
    /// Same, with an explicit sender that the handler sees as Actor::sender().
    SendStatus tell(Message message, const ActorRef &sender) const;

    /// Request/response from outside any actor (another thread, the control plane, a test).
    /// onReply is called exactly once: with the handler's Actor::reply() message, or with an
    /// Error (Full, Closed, Timeout, NoReply when the handler returned without replying, Crashed
    /// when the actor died first). It runs on `context`'s thread (queued through its event loop
    /// unless already on that thread); with context == nullptr it runs on an executor thread.
    /// Inside an actor use Actor::ask() instead: its callback runs inside that actor.
    void ask(Message request, std::chrono::milliseconds timeout, QObject *context,
             std::function<void(Result<Message>)> onReply) const;

    /// Runs fn inside this incarnation (its thread, between messages, through the system lane:
    /// never Full, also while the actor's mailbox is suspended). Any thread. Closed (fn is
    /// destroyed unrun) if the actor has exited; fn is also dropped if it exits before its turn.
    SendStatus call(std::move_only_function<void(Actor &)> fn) const;

    /// "kind:uuid#incarnation".
    QString toString() const;

    bool operator==(const ActorRef &other) const { return m_cell == other.m_cell; }

    // Internal: the runtime's handle. Not for other modules.
    explicit ActorRef(std::shared_ptr<ActorCell> cell) : m_cell(std::move(cell)) { }
    ActorCell *cell() const { return m_cell.get(); }
    const std::shared_ptr<ActorCell> &cellPtr() const { return m_cell; }

private:
    std::shared_ptr<ActorCell> m_cell;
};

size_t qHash(const ActorRef &ref, size_t seed = 0) noexcept;

} // namespace LiveActor

Q_DECLARE_METATYPE(LiveActor::ActorRef)
