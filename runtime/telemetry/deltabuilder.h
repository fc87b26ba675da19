#pragma once

#include "core/registry.h"
#include "telemetry/instancestats.h"

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>

namespace LiveActor {

class RestartJournal;

/// Builds what control-plane subscribers are sent: a Snapshot, then Deltas against what each
/// one was last sent (kept in its Subscription). No sockets: the caller sends what it builds.
///
/// A delta normally comes from the registry's change journal plus the mailbox counters; a
/// subscriber too far behind that journal is compared against a full registry snapshot, shared
/// by subscribers asking within the same 10 ms.
///
/// The instance's figures (setInstanceStatsProvider) go into every snapshot and into a delta
/// when they differ from what that subscriber was last sent.
///
/// Thread affinity: one thread. The Registry and the RestartJournal must outlive it.
///
///     DeltaBuilder builder(system.registry(), restarts);
///     DeltaBuilder::Subscription subscription{.kinds = {u"view"_s}};
///     builder.snapshot(subscription, msg.mutable_snapshot());
///     if (builder.delta(subscription, msg.mutable_delta())) send(msg);
class DeltaBuilder
{
public:
    /// What a subscriber was last sent about one actor.
    struct SentActor
    {
        quint32 incarnation = 0;
        ActorState state = ActorState::Starting;
        int restartCount = 0;
        bool hasExited = false;
        QVariantMap detail;
        QString name;
        std::optional<SupervisionInfo> supervision;
        MailboxStats mailbox;
        quint64 seen = 0; ///< the last tick that saw it
    };

    /// One subscriber: which kinds it wants and what it has been sent.
    struct Subscription
    {
        QSet<QString> kinds;    ///< empty = every kind
        quint64 version = 0;    ///< the registry version it has
        quint64 restartSeq = 0; ///< the newest restart record it has
        quint64 tickNo = 0;
        QHash<QUuid, SentActor> sent;
        InstanceStats instanceStats;    ///< the instance's figures it was last sent
        quint64 instanceStatsCall = 0;  ///< the provider call they came from

        bool wants(const QString &kind) const { return kinds.isEmpty() || kinds.contains(kind); }
    };

    DeltaBuilder(const Registry &registry, const RestartJournal &restarts);

    /// Every wanted actor now and every kept restart record; subscription is reset to exactly
    /// that. Sets version and time_ms, not interval_ms.
    void snapshot(Subscription &subscription, ::liveactor::monitor::v1::Snapshot *out);
    /// What changed since subscription's last snapshot or delta: added, removed and changed
    /// actors, mailbox counters, restarts, the instance's figures. False (out left empty) if
    /// nothing did.
    bool delta(Subscription &subscription, ::liveactor::monitor::v1::Delta *out);

    /// Where the instance's figures come from (none by default: snapshots and deltas carry none).
    /// Called from snapshot() and delta(), once per call, except that subscribers asking within
    /// the same 10 ms share one call.
    void setInstanceStatsProvider(InstanceStatsProvider provider);

private:
    const RegistrySnapshot &currentSnapshot();
    /// The provider's figures for subscription: a fresh call unless another subscriber's call
    /// within the last 10 ms can be shared.
    const InstanceStats &currentInstanceStats(Subscription &subscription);
    static void diffActor(Subscription &subscription, const ActorInfo &info, ::liveactor::monitor::v1::Delta *out);

    const Registry &m_registry;
    const RestartJournal &m_restarts;
    RegistrySnapshot m_snapshot;
    QElapsedTimer m_snapshotAge;
    InstanceStatsProvider m_statsProvider;
    InstanceStats m_stats;
    quint64 m_statsCalls = 0;
    QElapsedTimer m_statsAge;
};

} // namespace LiveActor
