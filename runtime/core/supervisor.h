#pragma once

#include "core/actor.h"
#include "core/spawnoptions.h"

#include <QList>
#include <QString>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace LiveActor {

/// OTP restart strategies: which children a crash takes down with it.
enum class RestartStrategy {
    OneForOne,  ///< restart only the child that exited
    OneForAll,  ///< terminate all others (reverse start order), restart all (start order)
    RestForOne, ///< terminate the children started after it (reverse order), restart it and them
};

/// "one_for_one", "one_for_all", "rest_for_one" (the control plane's names).
QString restartStrategyName(RestartStrategy strategy);

/// OTP child restart types: whether an exit is followed by a restart.
enum class RestartType {
    Permanent, ///< always restarted
    Transient, ///< restarted only after an abnormal exit (not Normal / Shutdown)
    Temporary, ///< never restarted (removed from the supervisor when it exits)
};

/// How to start and supervise one child.
struct ChildSpec
{
    /// Unique among the supervisor's children.
    QString id;
    /// Creates a fresh actor object; called on the supervisor's thread for each (re)start.
    std::function<std::unique_ptr<Actor>()> start;
    RestartType restart = RestartType::Permanent;
    /// How long a graceful shutdown may take before the child is killed; 0 = kill at once
    /// (OTP brutal_kill). Use a long value for child supervisors.
    std::chrono::milliseconds shutdownTimeout{5000};
    /// kind, capacity, executor, detail (parent and linkToParent are set by the supervisor).
    SpawnOptions options;
};

/// A supervisor's policy.
struct SupervisorFlags
{
    RestartStrategy strategy = RestartStrategy::OneForOne;
    /// Restart intensity: at most `intensity` restarts per burst, see `period`.
    int intensity = 1;
    /// Restart window (the burst rule: RestartIntensity). When a burst would exceed `intensity`
    /// restarts, the supervisor terminates all children and exits with reason Shutdown
    /// "reached_max_restart_intensity", which its own parent/supervisor then handles
    /// (escalation). intensity 0 = never restart.
    std::chrono::milliseconds period{5000};
};

/// A child as its supervisor sees it. Plain value type.
struct ChildInfo
{
    QString id;
    ActorRef ref;          ///< current incarnation (null while not running)
    RestartType restart = RestartType::Permanent;
    bool running = false;
    int restartCount = 0;
    ExitReason lastExit;
    bool hasExited = false;
};

/// An OTP-style supervisor actor: starts children in order, watches them (linked, trapping exits)
/// and restarts them per strategy/restart type/intensity; stops them in reverse order, each with
/// its shutdownTimeout then a kill, when it is shut down itself.
///
/// Spawn it like any actor (`system.spawn<Supervisor>({.kind = u"supervisor"_s}, flags, specs)`),
/// nest supervisors as children. Restart count and last exit reason per child are kept here and
/// in the Registry (the child's id stays the same, its incarnation increases).
///
/// The member functions are for the supervisor's own thread (subclasses); from other threads use
/// the static helpers, which send a command through the supervisor's system lane and answer on
/// `context`'s thread. Everything is asynchronous: terminations wait for the child's exit.
/// eventLog() records "terminate:<id>" / "start:<id>" in order (tests and diagnostics).
class Supervisor : public Actor
{
public:
    explicit Supervisor(SupervisorFlags flags = {}, std::vector<ChildSpec> children = {});
    ~Supervisor() override;

    const SupervisorFlags &flags() const { return m_flags; }
    QList<ChildInfo> childInfos() const;
    QStringList eventLog() const { return m_eventLog; }
    Result<ExitPlan> planChildExit(const QUuid &child, ChildExit cause) const override;

    // ---- any thread
    /// Adds and starts a child (dynamic children, e.g. one per WebSocket session).
    static void startChild(const ActorRef &supervisor, ChildSpec spec, QObject *context,
                           std::function<void(Result<ActorRef>)> done);
    /// Terminates a child (graceful, timeout, kill); keeps its spec (state Stopped) unless it is
    /// temporary.
    static void terminateChild(const ActorRef &supervisor, const QString &id, QObject *context,
                               std::function<void(Result<void>)> done);
    /// Restarts a child by its actor id (the control plane's Restart).
    static void restartChild(const ActorRef &supervisor, const QUuid &childId, QObject *context,
                             std::function<void(Result<ActorRef>)> done);
    /// A copy of childInfos() taken on the supervisor's thread.
    static void which(const ActorRef &supervisor, QObject *context,
                      std::function<void(Result<QList<ChildInfo>>)> done);

protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;
    bool shutdownRequested() override;
    void stopping(const ExitReason &reason) override;

    /// On the supervisor's thread: add and start a child.
    Result<ActorRef> addChild(ChildSpec spec);

private:
    struct Child;
    struct Op;
    Child *findById(const QString &id);
    Child *findByRef(const ActorRef &ref);
    int indexOf(const Child *child) const;
    const Child *findByUuid(const QUuid &id) const;
    /// The children a crash of `crashed` takes down per the strategy, in start order (crashed included).
    std::vector<Child *> affectedBy(const Child *crashed) const;
    void childExited(const ActorRef &ref, const ExitReason &reason);
    Result<ActorRef> startOne(Child &child);
    void beginTerminate(std::vector<Child *> order, std::move_only_function<void()> then);
    void terminateNext();
    void terminationTimeout(quint64 token);
    bool recordRestart();
    void reportSupervision();
    void restartAfterCrash(Child &child, const ExitReason &reason);
    void runQueued();
    void enqueueOrRun(std::move_only_function<void()> fn);
    void shutdownAll(ExitReason reason);
    void escalate();
    void restartOne(Child &child);
    void removeChild(Child *child);
    Child *findByUuid(const QUuid &id);

    SupervisorFlags m_flags;
    std::vector<std::unique_ptr<Child>> m_children;
    RestartIntensity m_intensity;
    QStringList m_eventLog;
    // termination in progress
    std::deque<Child *> m_terminating;
    Child *m_waitingFor = nullptr;
    Executor::TimerId m_killTimer = 0;
    quint64 m_terminateToken = 0;
    std::move_only_function<void()> m_afterTerminate;
    bool m_busy = false;
    std::deque<std::move_only_function<void()>> m_queued; // work deferred while m_busy
    bool m_shuttingDown = false;
};

} // namespace LiveActor
