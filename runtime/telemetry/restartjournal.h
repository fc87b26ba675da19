#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QtGlobal>

#include <memory>

namespace LiveActor {

class Registry;

/// The control plane's restart log: a registry listener notes each actor's incarnation, and a
/// known id coming back with a newer one is a restart, kept as a numbered RestartRecord (the
/// last `history` of them).
///
/// Thread affinity: the listener runs on executor threads; every function is thread-safe. The
/// Registry must outlive it.
///
///     RestartJournal restarts(system.registry(), 200);
///     restarts.start();
///     quint64 seen = restarts.recordsSince(0, snapshot.mutable_restarts());
class RestartJournal
{
public:
    RestartJournal(Registry &registry, int history);
    ~RestartJournal();

    /// Listens to the registry and notes the incarnations of the actors that exist already, so
    /// their next start counts. Call once, or again after stop().
    void start();
    /// Stops listening; the records so far stay.
    void stop();
    /// Appends the records numbered after `since` to out; returns the newest number (pass it as
    /// `since` next time).
    quint64 recordsSince(quint64 since,
                         google::protobuf::RepeatedPtrField<::liveactor::monitor::v1::RestartRecord> *out) const;

private:
    struct State;
    Registry &m_registry;
    std::shared_ptr<State> m_state; // shared with the listener, which may run after stop()
    int m_listener = 0;
};

} // namespace LiveActor
