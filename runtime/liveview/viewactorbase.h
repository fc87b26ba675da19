#pragma once

#include "core/actor.h"
#include "core/historysink.h"
#include "liveview/viewrunner.h"

#include <deque>
#include <functional>
#include <memory>

namespace LiveActor {

class PubSub;

/// Ask a view actor for its current assigns as indented JSON (the monitor's "Fetch assigns"); the
/// reply is a Result<QString>, cut to maxBytes.
struct InspectAssigns
{
    int maxBytes = 64 * 1024;
};

/// What every actor that runs a ViewRunner shares: the ViewHost services (its UUID as the view
/// id, pub/sub through the given PubSub, timers through the actor's system lane, the path in the
/// registry), InspectAssigns, and the exit bookkeeping (pub/sub subscriptions dropped, the last
/// error and Python traceback kept as registry details for the monitor).
/// Subclasses create m_runner (usually in started()) and speak their transport: the server's
/// ViewActor the Phoenix channel, liveactor._native's InProcessViewActor Python callbacks.
///
/// Suspension (ViewContext::suspend()): the mailbox is suspended, so the view's later messages
/// wait in order; timers that arrive meanwhile are kept (deferInfo) and handled after the step.
/// The resume function re-enters the actor (ActorRef::call) and finishes the step
/// (ViewRunner::resume()); a step not resumed within suspendTimeout ends with the Error "handler
/// timeout" (a crash: the view restarts fresh). Subclasses run every ViewRunner step through
/// step().
/// The monitor's assigns history attaches here (HistorySource, on the actor's thread) and goes
/// to the runner (ViewRunner::setHistory()).
/// Thread affinity: its executor.
class ViewActorBase : public Actor, public HistorySource, protected ViewHost
{
public:
    void attachHistory(std::shared_ptr<HistorySink> sink) override;


protected:
    /// What to do with a finished step (Done or an Error); an Error returned ends the actor.
    using StepDone = std::move_only_function<Result<void>(Result<ViewUpdate>)>;

    ViewActorBase(PubSub *pubsub, std::chrono::milliseconds suspendTimeout)
        : m_pubsub(pubsub), m_suspendTimeout(suspendTimeout) { }

    /// Finishes a step now, or once it resumes when it is Pending.
    Result<void> step(Result<ViewUpdate> update, StepDone done);
    /// True while a step is suspended: the caller keeps infos for later (deferInfo).
    bool isBusy() const { return bool(m_pending); }
    void deferInfo(const ViewInfo &info) { m_deferred.push_back(info); }
    /// Answers InspectAssigns and the suspension timeout; returns false for any other message.
    bool handleBase(Message &message);
    void stopping(const ExitReason &reason) override;

    // ViewHost
    QString viewId() const override;
    bool isConnected() const override { return true; }
    Result<void> subscribe(const QString &topic) override;
    void unsubscribe(const QString &topic) override;
    int broadcast(const QString &topic, const QVariant &payload) override;
    quint64 sendAfter(std::chrono::milliseconds delay, const ViewInfo &info) override;
    bool cancelTimer(quint64 id) override;
    void urlChanged(const QUrl &url) override;
    ViewResume suspend(const QString &what) override;
    bool canSuspend() const override { return true; }
    void setStatus(const QString &key, const QString &value) override
    {
        setDetail(key, value.isEmpty() ? QVariant() : QVariant(value));
    }

    std::unique_ptr<ViewRunner> m_runner;

private:
    struct SuspendTimeout { quint64 token; };
    void resumed(quint64 token);
    /// Runs done for a finished step, then the infos kept meanwhile; an Error stops the actor.
    Result<void> finishStep(Result<ViewUpdate> update);
    Result<void> replayDeferred();
    Result<QString> inspectAssigns(int maxBytes) const;

    PubSub *m_pubsub;
    std::chrono::milliseconds m_suspendTimeout;
    StepDone m_pending;
    quint64 m_suspension = 0;
    Executor::TimerId m_timeoutTimer = 0;
    std::deque<ViewInfo> m_deferred;
};

} // namespace LiveActor
