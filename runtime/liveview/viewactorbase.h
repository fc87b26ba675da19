#pragma once

#include "core/actor.h"
#include "liveview/viewrunner.h"

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
/// Thread affinity: its executor.
class ViewActorBase : public Actor, protected ViewHost
{
protected:
    explicit ViewActorBase(PubSub *pubsub) : m_pubsub(pubsub) { }

    /// Answers InspectAssigns; returns false for any other message.
    bool handleInspect(Message &message);
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

    std::unique_ptr<ViewRunner> m_runner;

private:
    PubSub *m_pubsub;
};

} // namespace LiveActor
