#include "telemetry/deltabuilder.h"

#include "telemetry/protoconvert.h"
#include "telemetry/restartjournal.h"

#include <QDateTime>

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

namespace {

bool mailboxChanged(const MailboxStats &a, const MailboxStats &b)
{
    return a.length != b.length || a.highWater != b.highWater || a.enqueued != b.enqueued
        || a.processed != b.processed || a.rejected != b.rejected || a.systemLength != b.systemLength
        || a.capacity != b.capacity;
}

DeltaBuilder::SentActor sentActor(const ActorInfo &info, quint64 tickNo)
{
    return {info.incarnation, info.state, info.restartCount, info.hasExited, info.detail, info.name,
            info.supervision, info.mailbox, tickNo};
}

void addMailbox(pb::Delta *delta, const QUuid &id, const MailboxStats &mailbox)
{
    pb::MailboxUpdate *update = delta->add_mailbox();
    update->set_id(ProtoConvert::id(id));
    ProtoConvert::mailbox(mailbox, update->mutable_mailbox());
}

void instanceStats(const InstanceStats &stats, pb::InstanceStats *out)
{
    out->mutable_stats()->Reserve(int(stats.figures.size()));
    for (const auto &[name, value] : stats.figures) {
        pb::InstanceStat *stat = out->add_stats();
        stat->set_name(ProtoConvert::text(name));
        stat->set_value(ProtoConvert::text(value));
    }
    if (const std::optional<UploadFigures> &u = stats.uploads) {
        pb::UploadStats *uploads = out->mutable_uploads();
        uploads->set_in_flight(u->inFlight);
        uploads->set_bytes_in_flight(u->bytesInFlight);
        uploads->set_bytes_budget(u->bytesBudget);
        uploads->set_bytes_received_total(u->bytesReceived);
        uploads->set_completed_total(u->completed);
        uploads->set_errors_total(u->errors);
    }
}

} // namespace

DeltaBuilder::DeltaBuilder(const Registry &registry, const RestartJournal &restarts)
    : m_registry(registry)
    , m_restarts(restarts)
{
}

const RegistrySnapshot &DeltaBuilder::currentSnapshot()
{
    // Subscribers ticking within the same few ms share one registry snapshot.
    if (!m_snapshotAge.isValid() || m_snapshotAge.elapsed() > 10) {
        m_snapshot = m_registry.snapshot();
        m_snapshotAge.start();
    }
    return m_snapshot;
}

void DeltaBuilder::setInstanceStatsProvider(InstanceStatsProvider provider)
{
    m_statsProvider = std::move(provider);
    m_statsAge.invalidate();
}

const InstanceStats &DeltaBuilder::currentInstanceStats(Subscription &subscription)
{
    // Subscribers ticking within the same few ms share one call (it may take the GIL); the
    // same subscriber asking again always gets a fresh one.
    if (!m_statsAge.isValid() || m_statsAge.elapsed() > 10 || subscription.instanceStatsCall == m_statsCalls) {
        m_stats = m_statsProvider();
        ++m_statsCalls;
        m_statsAge.start();
    }
    subscription.instanceStatsCall = m_statsCalls;
    return m_stats;
}

void DeltaBuilder::snapshot(Subscription &subscription, pb::Snapshot *out)
{
    m_snapshotAge.invalidate(); // a snapshot must be current
    const RegistrySnapshot &snap = currentSnapshot();
    out->set_version(snap.version);
    out->set_time_ms(QDateTime::currentMSecsSinceEpoch());
    subscription.sent.clear();
    subscription.sent.reserve(snap.actors.size());
    const quint64 tickNo = ++subscription.tickNo;
    out->mutable_actors()->Reserve(int(snap.actors.size()));
    for (const ActorInfo &info : snap.actors) {
        if (!subscription.wants(info.kind))
            continue;
        ProtoConvert::actor(info, out->add_actors());
        subscription.sent.insert(info.id, sentActor(info, tickNo));
    }
    subscription.restartSeq = m_restarts.recordsSince(0, out->mutable_restarts());
    subscription.version = snap.version;
    if (m_statsProvider) {
        subscription.instanceStats = currentInstanceStats(subscription);
        instanceStats(subscription.instanceStats, out->mutable_instance_stats());
    }
}

void DeltaBuilder::diffActor(Subscription &subscription, const ActorInfo &info, pb::Delta *out)
{
    auto it = subscription.sent.find(info.id);
    if (it == subscription.sent.end()) {
        ProtoConvert::actor(info, out->add_added());
        subscription.sent.insert(info.id, sentActor(info, subscription.tickNo));
        return;
    }
    SentActor &sent = *it;
    sent.seen = subscription.tickNo;
    const bool changed = sent.incarnation != info.incarnation || sent.state != info.state
        || sent.restartCount != info.restartCount || sent.hasExited != info.hasExited
        || sent.name != info.name || sent.detail != info.detail || sent.supervision != info.supervision;
    if (changed) {
        ProtoConvert::actor(info, out->add_changed());
        sent = sentActor(info, subscription.tickNo);
    } else if (mailboxChanged(sent.mailbox, info.mailbox)) {
        addMailbox(out, info.id, info.mailbox);
        sent.mailbox = info.mailbox;
    }
}

bool DeltaBuilder::delta(Subscription &subscription, pb::Delta *out)
{
    const quint64 tickNo = ++subscription.tickNo;
    quint64 version = 0;
    // Usually only what changed since this subscriber's last delta (the registry's change
    // journal), plus the mailbox counters: no copy of every actor's metadata per tick.
    const RegistryChanges changes = m_registry.changesSince(subscription.version);
    if (changes.complete) {
        version = changes.version;
        for (const QUuid &id : changes.removed)
            if (subscription.sent.remove(id))
                out->add_removed(ProtoConvert::id(id));
        for (const ActorInfo &info : changes.changed)
            if (subscription.wants(info.kind))
                diffActor(subscription, info, out);
        for (const auto &[id, mailbox] : changes.mailboxes) {
            auto it = subscription.sent.find(id);
            if (it == subscription.sent.end() || !mailboxChanged(it->mailbox, mailbox))
                continue;
            addMailbox(out, id, mailbox);
            it->mailbox = mailbox;
        }
    } else {
        // Too far behind the journal: compare against a full snapshot.
        const RegistrySnapshot &snap = currentSnapshot();
        version = snap.version;
        qsizetype seenCount = 0;
        for (const ActorInfo &info : snap.actors) {
            if (!subscription.wants(info.kind))
                continue;
            ++seenCount;
            diffActor(subscription, info, out);
        }
        if (subscription.sent.size() > seenCount) {
            for (auto it = subscription.sent.begin(); it != subscription.sent.end();) {
                if (it->seen != tickNo) {
                    out->add_removed(ProtoConvert::id(it.key()));
                    it = subscription.sent.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }
    subscription.restartSeq = m_restarts.recordsSince(subscription.restartSeq, out->mutable_restarts());
    if (m_statsProvider) {
        if (const InstanceStats &stats = currentInstanceStats(subscription); stats != subscription.instanceStats) {
            instanceStats(stats, out->mutable_instance_stats());
            subscription.instanceStats = stats;
        }
    }
    if (out->added_size() == 0 && out->removed_size() == 0 && out->changed_size() == 0
        && out->mailbox_size() == 0 && out->restarts_size() == 0 && !out->has_instance_stats())
        return false; // the subscriber stays at its version: the next delta's base is what it has
    out->set_base_version(subscription.version);
    out->set_version(version);
    out->set_time_ms(QDateTime::currentMSecsSinceEpoch());
    subscription.version = version;
    return true;
}

} // namespace LiveActor
