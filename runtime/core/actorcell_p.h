#pragma once

// Runtime-internal: the envelope around one actor incarnation. Not for other modules.

#include "core/actor.h"
#include "core/actorref.h"
#include "core/exitreason.h"
#include "core/mailbox.h"
#include "core/result.h"
#include "core/spawnoptions.h"
#include "core/tracesink.h"

#include <QHash>
#include <QPointer>
#include <QUuid>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace LiveActor {

class ActorSystem;
class Executor;

// ---- system-lane message types
struct SysKill { ExitReason reason; };
struct SysShutdown { };
struct SysStop { };
struct SysExit { ActorRef from; ExitReason reason; };
struct SysTimer { quint64 key; Message message; };
struct SysPing { };
/// Runs fn inside the actor (its thread, between messages). If the actor exits first, fn is
/// destroyed unrun.
struct SysCall { std::move_only_function<void(Actor &)> fn; };

/// Where an ask's answer goes; completes exactly once (reply, error, timeout, or NoReply when the
/// last envelope holding it is destroyed unanswered).
class ReplySlot
{
public:
    using Deliver = std::move_only_function<void(Result<Message>)>;
    explicit ReplySlot(Deliver deliver) : m_deliver(std::move(deliver)) { }
    ~ReplySlot() { complete(fail(ErrorCode::NoReply, QStringLiteral("the handler returned without replying"))); }
    bool complete(Result<Message> result);
    bool isDone() const { return m_done.load(std::memory_order_acquire); }
    void armTimeout(Executor *executor, std::chrono::milliseconds timeout,
                    const std::shared_ptr<ReplySlot> &self);

private:
    std::atomic<bool> m_done{false};
    Deliver m_deliver;
    std::atomic<quint64> m_timer{0};
    Executor *m_timerExecutor = nullptr;
};

/// Wraps a callback so that it runs on context's thread (or directly without a context).
template<typename T>
std::move_only_function<void(T)> onContext(QObject *context, std::function<void(T)> fn);

class ActorCell : public std::enable_shared_from_this<ActorCell>
{
public:
    ActorCell(ActorSystem *system, Executor *executor, std::unique_ptr<Actor> actor,
              const SpawnOptions &options, const QUuid &id, quint32 incarnation, bool supervised);
    ~ActorCell();

    /// Creates, links, registers and schedules a cell. Any thread. Null if the parent is gone
    /// or the system is shutting down.
    static ActorRef spawn(ActorSystem *system, std::unique_ptr<Actor> actor, SpawnOptions options,
                          const QUuid &id, quint32 incarnation, bool supervised);

    const QUuid &id() const { return m_id; }
    quint32 incarnation() const { return m_incarnation; }
    const QString &kind() const { return m_kind; }
    const QString &name() const { return m_name; }
    const ActorRef &parent() const { return m_parent; }
    Executor *executor() const { return m_executor; }
    ActorSystem *system() const { return m_system; }
    Mailbox &mailbox() { return m_mailbox; }
    bool isSupervised() const { return m_supervised; }
    bool isDead() const { return m_dead.load(std::memory_order_acquire); }
    /// This cell's ref (cached: the cell keeps itself alive until it exits).
    const ActorRef &ref() const { return m_self; }

    SendStatus tell(Envelope &&envelope);
    SendStatus tellSystem(Envelope &&envelope);
    /// tellSystem(SysCall{fn}).
    SendStatus call(std::move_only_function<void(Actor &)> fn);

    /// Executor thread: run up to one batch; returns the number of messages handled.
    int activate();

    // relationships (any thread)
    bool addLink(const ActorRef &other);     // false if this cell is dead
    void removeLink(const ActorCell *other);
    bool addMonitor(const ActorRef &watcher); // false if dead
    void removeMonitor(const ActorCell *watcher);
    bool addChild(const ActorRef &child);
    void removeChild(const ActorCell *child);
    /// A supervised child exited and its registry entry was kept for a restart: remembered so the
    /// entry goes when this cell exits. False if this cell has exited already.
    bool keepChildEntry(const QUuid &child);
    QList<ActorRef> children() const;
    /// Calls fn(reason) when this cell exits, or at once with NoProc if it already has.
    void addExitObserver(std::move_only_function<void(const ExitReason &)> fn);

    // actor-context helpers (executor thread)
    Envelope *current() const { return m_current; }
    quint64 addTimer(std::chrono::milliseconds delay, Message message);
    bool cancelTimer(quint64 key);
    void requestStop(ExitReason reason);
    bool trapExit() const { return m_trapExit; }
    /// Executor thread: while suspended, activations serve only the system lane.
    void setSuspended(bool suspended);
    bool isSuspended() const { return m_suspended; }
    void setTrapExit(bool trap) { m_trapExit = trap; }

    // message trace (see TraceSink)
    /// Any thread: from the next message on, this actor records into sink (and with subtree, its
    /// children now and later too). Null sink or a dead cell: nothing.
    void startTrace(const std::shared_ptr<TraceSink> &sink, bool subtree);
    /// Executor thread: the sink while traced, else null (the one branch untraced messages pay).
    TraceSink *trace() const { return m_trace; }
    /// Executor thread: records a message this actor sends to `to` (call only when trace()).
    void traceOut(const ActorRef &to, const Message &message);

private:
    void schedule();
    template<typename Hook>
    bool runHook(Hook &&hook);
    void deliver(Envelope &envelope);
    void handleEnvelope(Envelope &envelope);
    void deliverTraced(Envelope &envelope);
    void attachTrace(std::shared_ptr<TraceSink> sink);
    /// The trace children inherit (null, or closed: reset) — under m_relMutex.
    std::shared_ptr<TraceSink> subtreeTrace();
    void handleSystem(Envelope &envelope);
    void beginShutdown();
    void terminate(ExitReason reason);

    ActorSystem *const m_system;
    Executor *const m_executor;
    const QUuid m_id;
    const quint32 m_incarnation;
    const QString m_kind;
    const QString m_name;
    const ActorRef m_parent;
    const bool m_supervised;
    Mailbox m_mailbox;
    std::atomic<bool> m_dead{false};
    ActorRef m_self;
    int m_batchSize = 128;

    mutable std::mutex m_relMutex;
    bool m_relClosed = false;
    std::vector<ActorRef> m_links;
    std::vector<ActorRef> m_monitors;
    std::vector<ActorRef> m_children;
    std::vector<QUuid> m_keptChildren; // exited, entry kept for a restart
    std::vector<std::move_only_function<void(const ExitReason &)>> m_exitObservers;
    std::shared_ptr<TraceSink> m_subtreeTrace; // children spawned later are traced into it

    // executor thread only
    std::unique_ptr<Actor> m_actor;
    Envelope *m_current = nullptr;
    bool m_started = false;
    bool m_inActivation = false;
    bool m_terminated = false;
    bool m_draining = false;
    bool m_suspended = false;
    bool m_trapExit = false;
    std::optional<ExitReason> m_pendingStop;
    quint64 m_nextTimerKey = 1;
    QHash<quint64, quint64> m_timers; // key → executor timer id
    quint32 m_activations = 0;
    TraceSink *m_trace = nullptr;             // m_traceHold.get(), read on every message
    std::shared_ptr<TraceSink> m_traceHold;
};

/// Runs fn on `thread` (the context's thread), or drops it if `context` is gone by then. The
/// callable travels through a std::mutex-guarded queue and Qt only carries a capture-less "drain"
/// call: Qt's own locks are invisible to ThreadSanitizer (Debian's Qt is not instrumented), so
/// data handed over inside a queued functor would be reported as racing.
void runOnContext(const QPointer<QObject> &context, QThread *thread, std::move_only_function<void()> fn);

template<typename T>
std::move_only_function<void(T)> onContext(QObject *context, std::function<void(T)> fn)
{
    if (!fn)
        return [](T) { };
    if (!context)
        return [fn = std::move(fn)](T value) mutable { fn(std::move(value)); };
    // Read the context's thread now, on the caller's thread while it is surely alive: the
    // callback may fire after the context was destroyed (then it is dropped, never touched).
    QPointer<QObject> guard(context);
    QThread *thread = context->thread();
    return [guard, thread, fn = std::move(fn)](T value) mutable {
        runOnContext(guard, thread, [fn = std::move(fn), value = std::move(value)]() mutable { fn(std::move(value)); });
    };
}

} // namespace LiveActor
