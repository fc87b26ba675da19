#pragma once

#include "core/actorref.h"
#include "core/executor.h"
#include "core/exitreason.h"
#include "core/exitsignal.h"
#include "core/exitplan.h"
#include "core/message.h"
#include "core/pendingreply.h"
#include "core/restartintensity.h"
#include "core/result.h"
#include "core/spawnoptions.h"

#include <QList>
#include <QString>
#include <QVariant>

#include <chrono>
#include <functional>
#include <memory>

namespace LiveActor {

class ActorSystem;
struct Envelope;

/// An actor: private state plus a message handler, run by one executor thread.
///
/// Subclass it and implement handle(). The runtime owns the object (spawn() takes it over) and
/// calls every virtual on the actor's executor thread, one at a time, so the state needs no locks.
/// The constructor runs on the spawning thread: create QObjects (sockets, timers) in started(),
/// delete them in stopping() or the destructor (both run on the executor thread).
///
///     struct Increment { int by; };
///     struct Get { };
///     class Counter : public Actor {
///         int m_count = 0;
///         Result<void> handle(Message &msg) override {
///             if (auto *inc = msg.as<Increment>()) { m_count += inc->by; return {}; }
///             if (msg.is<Get>()) { reply(m_count); return {}; }
///             return fail(ErrorCode::InvalidArgument, u"unexpected "_s + QLatin1StringView(msg.typeName()));
///         }
///     };
///     ActorRef c = system.spawn<Counter>({.kind = u"counter"_s});
///     c.tell(Increment{2});  // SendStatus::Ok / Full / Closed
///
/// Errors: a handler (or started()) that returns an Error exits the actor with ExitReason::Error,
/// one that throws exits it with ExitReason::Exception; the message is kept (registry "last exit").
/// Exceptions never cross the event loop.
///
/// The protected "context" functions below may only be called from this actor's own hooks and
/// handlers, or from slots running on its executor thread while it is alive.
class Actor
{
public:
    Actor();
    virtual ~Actor();
    Actor(const Actor &) = delete;
    Actor &operator=(const Actor &) = delete;

    /// This incarnation's ref. Valid from started() on (null in the constructor).
    const ActorRef &self() const;
    ActorSystem &system() const;
    Executor &executor() const;
    /// executor().context(): a QObject on this actor's thread.
    QObject *context() const;

    /// As a parent: what this actor would do now if its child `child` exited for `cause` (the
    /// control plane's restart preview; ActorSystem::previewExit). Called on this actor's thread.
    /// Supervisors and sessions answer with the rule they apply to a real exit; the default is
    /// NotSupported (no one restarts the child).
    virtual Result<ExitPlan> planChildExit(const QUuid &child, ChildExit cause) const;

protected:
    // ---- hooks (executor thread)
    /// Called once before the first message. Return an Error to fail the start (exit Error).
    virtual Result<void> started() { return {}; }
    /// Handles one normal-lane message, timer message (sendAfter), Down or ExitSignal.
    virtual Result<void> handle(Message &message) = 0;
    /// A graceful shutdown was requested (parent, supervisor, operator or system shutdown).
    /// Return true (default) to drain the queued messages and exit with reason Shutdown; return
    /// false to take care of it yourself (call stop() later). Whoever asked will kill the actor
    /// when its shutdown timeout expires.
    virtual bool shutdownRequested() { return true; }
    /// Called once when the actor exits for any reason (also killed), before it is destroyed.
    /// Children are already being stopped; messages can still be sent but not received.
    virtual void stopping(const ExitReason &reason) { Q_UNUSED(reason); }

    // ---- context (executor thread, while alive)
    /// Sender of the message being handled (null if it came from outside any actor).
    const ActorRef &sender() const;
    /// true while handling a message that came through ask() (expects reply()).
    bool isAsk() const;
    /// Answers the current ask. A second reply, or a reply outside an ask, is ignored.
    void reply(Message response);
    /// Takes the current ask's reply out, to answer it later (see PendingReply); invalid outside
    /// an ask.
    PendingReply takeReply();

    /// tell() with this actor as sender.
    SendStatus send(const ActorRef &to, Message message);
    /// Request/response between actors: onReply runs later inside THIS actor (safe to touch
    /// state), exactly once, with the reply or an Error (Full, Closed, Timeout, NoReply, Crashed).
    /// It does not run if this actor exits first.
    void ask(const ActorRef &to, Message request, std::chrono::milliseconds timeout,
             std::move_only_function<void(Result<Message>)> onReply);

    /// Spawns a child (parent = this; on this actor's executor unless options.executor says
    /// otherwise; linked unless options.linkToParent is false).
    template<typename T, typename... Args>
    ActorRef spawn(SpawnOptions options, Args &&...args)
    {
        return spawnActor(std::make_unique<T>(std::forward<Args>(args)...), std::move(options));
    }
    ActorRef spawnActor(std::unique_ptr<Actor> actor, SpawnOptions options);
    /// Like spawn(), for a child this actor restarts itself (a hand-written supervisor, such as
    /// a LiveView session re-mounting a crashed view when the browser rejoins). While this actor
    /// lives, such a child's registry entry outlives its exit (state "restarting", with the exit
    /// reason): spawn its next incarnation with the same id and incarnation + 1 — the registry
    /// counts the restart, and the monitor shows one actor with its history — or forgetChild(id).
    /// A null id starts a new actor (incarnation 0).
    template<typename T, typename... Args>
    ActorRef spawnRestartable(SpawnOptions options, const QUuid &id, quint32 incarnation, Args &&...args)
    {
        return spawnRestartableActor(std::make_unique<T>(std::forward<Args>(args)...), std::move(options), id,
                                     incarnation);
    }
    ActorRef spawnRestartableActor(std::unique_ptr<Actor> actor, SpawnOptions options, const QUuid &id,
                                   quint32 incarnation);
    /// Removes the registry entry of a restartable child that exited and will not be restarted
    /// (no-op for a running child or another actor's). Entries left at this actor's exit go too.
    void forgetChild(const QUuid &id);
    /// Live children, in spawn order.
    QList<ActorRef> children() const;
    /// The parent given at spawn (null for a top-level actor).
    ActorRef parent() const;

    /// Delivers message to this actor's handle() after delay, through the system lane (a timer
    /// message is never Full). Cancelled automatically when the actor exits.
    Executor::TimerId sendAfter(std::chrono::milliseconds delay, Message message);
    /// true if the timer had not delivered yet; after it returns true the message never arrives.
    bool cancelTimer(Executor::TimerId id);

    /// Bidirectional link (see ExitSignal). Linking to a dead actor delivers its exit at once
    /// (reason NoProc). Idempotent.
    void link(const ActorRef &other);
    void unlink(const ActorRef &other);
    /// One-way watch (see Down). Monitoring a dead actor delivers Down(NoProc) at once.
    void monitor(const ActorRef &other);
    void demonitor(const ActorRef &other);
    /// Stops taking normal-lane messages until resumeMailbox(): they stay queued in order (a
    /// sender meets Full once the mailbox fills). The system lane is still served — kills,
    /// shutdowns, pings, ActorRef::call(), and timers and exit signals, which handle() receives
    /// and may have to keep for later. For work that finishes on another thread (a blocking call
    /// on a worker, a coroutine): one message at a time, order preserved.
    void suspendMailbox();
    void resumeMailbox();
    bool isMailboxSuspended() const;
    /// Receive linked exits as ExitSignal messages instead of exiting with them.
    void setTrapExit(bool trap);
    bool trapExit() const;

    /// Exit after the current handler returns (or soon, if called from a slot). Queued messages
    /// are not handled. Idempotent: the first reason wins.
    void stop(ExitReason reason = ExitReason::normal());

    /// Sets a free-form registry detail shown by the control plane (path, peer address, last
    /// traceback, …). An invalid QVariant removes the key. Emits a registry change notification.
    void setDetail(const QString &key, const QVariant &value);
    /// Reports this actor's restart budget (supervisors, sessions) to the registry, computed
    /// now; a notification only when it changed.
    void setSupervision(const RestartIntensity &intensity, const QString &strategy);

private:
    friend class ActorCell;
    ActorCell *m_cell = nullptr;   // set by the runtime before started()
    Envelope *m_current = nullptr; // the envelope being handled
};

} // namespace LiveActor
