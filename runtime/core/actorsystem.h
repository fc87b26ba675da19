#pragma once

#include "core/actor.h"
#include "core/actorref.h"
#include "core/executor.h"
#include "core/registry.h"
#include "core/result.h"
#include "core/spawnoptions.h"
#include "core/tracesink.h"

#include <QObject>
#include <QUuid>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <functional>
#include <memory>
#include <vector>

namespace LiveActor {

/// How to build an ActorSystem.
struct SystemConfig
{
    /// Executor threads; 0 = QThread::idealThreadCount().
    int executors = 0;
    /// Unit-test mode: no threads; `executors` virtual executors all run on the thread that calls
    /// runUntilIdle()/advanceTime(), with a virtual clock starting at 0 (CAF's test fixture idea).
    bool deterministic = false;
    /// Messages per actor activation (64…256 is the design range).
    int batchSize = 128;
    /// An executor returns to its event loop after this much work.
    std::chrono::microseconds timeSlice{1000};
    /// Executor threads' event loops: Epoll (EpollEventDispatcher: a loop iteration costs what is
    /// ready, not what is registered) or Qt (Qt's own dispatcher, which polls every registered
    /// socket on each iteration: ~10 ms per wake with 10,000 idle sockets here). The environment
    /// variable LIVEACTOR_DISPATCHER=qt selects Qt's regardless.
    enum class Dispatcher { Epoll, Qt };
    Dispatcher dispatcher = Dispatcher::Epoll;
};

/// Placement policy for pickExecutor().
enum class Placement { RoundRobin, LeastLoaded };

/// The actor runtime: executors, registry, spawning, control-plane commands, system shutdown.
///
/// Create one (usually in main(), after QCoreApplication) and keep it alive while actors run.
/// All functions are thread-safe unless noted. Callbacks taking a `context` QObject run on that
/// object's thread (queued unless already there; with context == nullptr on an executor thread).
///
/// Accepting a socket on the main thread and handing it to a session actor:
///
///     int ex = system.pickExecutor(Placement::LeastLoaded);
///     socket->setParent(nullptr);
///     socket->moveToThread(system.executor(ex).thread());
///     system.spawn<SessionActor>({.kind = u"session"_s, .capacity = 100, .executor = ex,
///                                 .parent = sessionSupervisor}, socket);
///     // SessionActor::started() connects the socket's signals (context: a QObject it owns).
class ActorSystem : public QObject
{
    Q_OBJECT
public:
    explicit ActorSystem(SystemConfig config = {}, QObject *parent = nullptr);
    /// Calls shutdown(5 s) if it has not run, then stops the executor threads.
    ~ActorSystem() override;

    const SystemConfig &config() const { return m_config; }
    int executorCount() const { return int(m_executors.size()); }
    Executor &executor(int index) const { return *m_executors.at(size_t(index)); }
    /// An executor index: round-robin, or the one with the fewest live actors.
    int pickExecutor(Placement placement = Placement::RoundRobin);
    Registry &registry() const { return *m_registry; }

    /// Spawns an actor. Any thread. options.parent may be any live actor (the child joins its
    /// tree and, by default, its executor). Returns the ref at once; messages sent before the
    /// actor has started are queued. Returns a null ref if the system is shutting down or the
    /// parent has exited.
    template<typename T, typename... Args>
    ActorRef spawn(SpawnOptions options, Args &&...args)
    {
        return spawnActor(std::make_unique<T>(std::forward<Args>(args)...), std::move(options));
    }
    ActorRef spawnActor(std::unique_ptr<Actor> actor, SpawnOptions options);

    /// The current incarnation of id (null ref if unknown or gone).
    ActorRef resolve(const QUuid &id) const;

    // ---- control-plane commands by id (any thread)
    /// Kills immediately (reason Killed "by operator": "killed: by operator" as text); done(Ok) once it has exited.
    void kill(const QUuid &id, QObject *context = nullptr, std::function<void(Result<void>)> done = {});
    /// Graceful: shutdown request, kill after timeout; done(Ok) once it has exited.
    void shutdownActor(const QUuid &id, std::chrono::milliseconds timeout, QObject *context = nullptr,
                       std::function<void(Result<void>)> done = {});
    /// Restarts a supervised actor through its supervisor (graceful stop with the child's
    /// shutdown timeout, then a new incarnation; counts as a restart but not toward intensity).
    /// NotSupported if its parent is not a Supervisor. done gets the new incarnation's ref.
    void restart(const QUuid &id, QObject *context = nullptr, std::function<void(Result<ActorRef>)> done = {});
    /// The restart preview: what happens if actor id exits for cause now, asked of its parent
    /// (Actor::planChildExit, the parent's own rule on its own thread) and, while a step
    /// escalates, of each ancestor in turn. done gets the steps, nearest parent first; none for
    /// a top-level actor (nothing restarts it). NotSupported for a Restart of an actor whose
    /// parent is not a Supervisor, as restart() answers.
    void previewExit(const QUuid &id, ChildExit cause, QObject *context,
                     std::function<void(Result<QList<PreviewStep>>)> done);
    /// Round trip through the actor's system lane; done gets the round-trip time.
    void ping(const QUuid &id, std::chrono::milliseconds timeout, QObject *context,
              std::function<void(Result<std::chrono::microseconds>)> done);
    /// Message trace: from its next message on, actor id (and with subtree, its descendants,
    /// including those spawned later) records every message it handles and sends into sink
    /// (TraceSink: rate-limited, bounded). sink->close() stops it; each actor then detaches on its
    /// next message. Untraced actors pay one branch per message. NotFound if id is not alive.
    Result<void> trace(const QUuid &id, const std::shared_ptr<TraceSink> &sink, bool subtree);
    /// Calls done(reason) once the actor with this ref exits (immediately with NoProc if it is
    /// gone). For code outside actors (tests, the control plane); actors use Actor::monitor().
    void watch(const ActorRef &ref, QObject *context, std::function<void(ExitReason)> done);

    /// Whole-system graceful shutdown (SIGTERM): every top-level actor gets a shutdown request
    /// (newest first; children are stopped by their parents/supervisors), actors still alive at
    /// the timeout are killed; then the executor threads stop. Blocks the calling thread; must
    /// not be called from an executor thread. Returns true if everything exited before the
    /// timeout. Idempotent. New spawns return null refs afterwards.
    bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    bool isShuttingDown() const;

    // ---- deterministic mode only (SystemConfig::deterministic), from the driving thread
    /// Runs every runnable actor and posted function until nothing is left (timers not due are
    /// not fired). Returns false if maxSteps activations did not reach idle.
    bool runUntilIdle(int maxSteps = 1000000);
    /// Advances the virtual clock by delta, firing due timers in deadline order and running until
    /// idle after each.
    void advanceTime(std::chrono::milliseconds delta);
    /// Virtual time since the system was created.
    std::chrono::milliseconds elapsed() const;

    // ---- runtime internals
    void cellSpawned(const std::shared_ptr<ActorCell> &cell);
    void cellExited(ActorCell *cell);

private:
    SystemConfig m_config;
    std::vector<std::unique_ptr<Executor>> m_executors;
    std::unique_ptr<Registry> m_registry;
    std::atomic<unsigned> m_roundRobin{0};
    std::atomic<bool> m_shuttingDown{false};
    std::atomic<bool> m_stopped{false};
    mutable std::mutex m_topMutex;
    std::vector<std::weak_ptr<ActorCell>> m_topLevel;
    std::atomic<int> m_liveCells{0};
    std::mutex m_exitMutex;
    std::condition_variable m_exitCv;
    Executor::Clock::time_point m_virtualNow{};
    bool m_shutdownClean = true;
};

} // namespace LiveActor
