#include "telemetry/protoconvert.h"

#include <algorithm>

#include <QJsonDocument>
#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

void ProtoConvert::preview(const QList<PreviewStep> &steps, ::liveactor::monitor::v1::RestartPreview *out)
{
    for (const PreviewStep &step : steps) {
        auto *s = out->add_steps();
        s->set_parent_id(id(step.parent));
        s->set_parent_kind(text(step.parentKind));
        for (const QUuid &stop : step.plan.stops)
            s->add_stops(id(stop));
        for (const QUuid &restart : step.plan.restarts)
            s->add_restarts(id(restart));
        s->set_escalates(step.plan.escalates);
        s->set_note(text(step.plan.note));
    }
}

std::string ProtoConvert::id(const QUuid &uuid)
{
    if (uuid.isNull())
        return {};
    const QByteArray text = uuid.toByteArray(QUuid::WithoutBraces);
    return std::string(text.constData(), size_t(text.size()));
}

pb::ActorState ProtoConvert::state(ActorState state)
{
    switch (state) {
    case ActorState::Starting: return pb::ACTOR_STATE_STARTING;
    case ActorState::Running: return pb::ACTOR_STATE_RUNNING;
    case ActorState::Stopping: return pb::ACTOR_STATE_STOPPING;
    case ActorState::Restarting: return pb::ACTOR_STATE_RESTARTING;
    case ActorState::Stopped: return pb::ACTOR_STATE_STOPPED;
    }
    return pb::ACTOR_STATE_UNSPECIFIED;
}

QString ProtoConvert::scopeName(pb::Scope scope)
{
    switch (scope) {
    case pb::SCOPE_OPERATE: return u"operate"_s;
    case pb::SCOPE_READ_ONLY: return u"read-only"_s;
    default: return u"none"_s;
    }
}

void ProtoConvert::mailbox(const MailboxStats &stats, pb::MailboxStats *out)
{
    out->set_length(quint32(qMax(0, stats.length)));
    out->set_capacity(quint32(qMax(0, stats.capacity)));
    out->set_high_water(quint32(qMax(0, stats.highWater)));
    out->set_system_length(quint32(qMax(0, stats.systemLength)));
    out->set_enqueued(stats.enqueued);
    out->set_processed(stats.processed);
    out->set_rejected(stats.rejected);
    out->set_wait_time_us(stats.waitTimeUs);
    out->set_processing_time_us(stats.processingTimeUs);
}

QString ProtoConvert::metadataText(const QVariant &value)
{
    QString text;
    switch (value.typeId()) {
    case QMetaType::QVariantMap:
    case QMetaType::QVariantList:
    case QMetaType::QVariantHash:
    case QMetaType::QStringList:
        text = QString::fromUtf8(QJsonDocument::fromVariant(value).toJson(QJsonDocument::Compact));
        break;
    default:
        text = value.toString();
    }
    constexpr qsizetype cap = 4096;
    if (text.size() > cap)
        text = text.left(cap - 1) + QChar(0x2026);
    return text;
}

void ProtoConvert::exitInfo(const ExitReason &reason, const QVariantMap &detail, qint64 timeMs,
                            pb::ExitInfo *out)
{
    out->set_kind(text(reason.kindName()));
    out->set_message(text(reason.message));
    const QVariant tb = detail.value(u"traceback"_s);
    if (tb.isValid())
        out->set_traceback(text(metadataText(tb)));
    out->set_time_ms(timeMs);
}

void ProtoConvert::actor(const ActorInfo &info, pb::Actor *out)
{
    out->set_id(id(info.id));
    out->set_incarnation(info.incarnation);
    out->set_kind(text(info.kind));
    if (!info.name.isEmpty())
        out->set_name(text(info.name));
    if (!info.parent.isNull())
        out->set_parent_id(id(info.parent));
    out->set_executor(info.executor);
    out->set_state(state(info.state));
    mailbox(info.mailbox, out->mutable_mailbox());
    out->set_restart_count(quint32(info.restartCount));
    if (info.hasExited)
        exitInfo(info.lastExit, info.detail, 0, out->mutable_last_exit());
    out->set_started_at_ms(info.startedAtMs);
    auto *meta = out->mutable_metadata();
    for (auto it = info.detail.cbegin(); it != info.detail.cend(); ++it)
        (*meta)[text(it.key())] = text(metadataText(it.value()));
    if (const auto &sup = info.supervision) {
        auto *s = out->mutable_supervision();
        s->set_strategy(text(sup->strategy));
        s->set_intensity(quint32(std::max(sup->intensity, 0)));
        s->set_period_ms(sup->periodMs);
        s->set_restarts_in_window(quint32(sup->restartsInWindow));
        s->set_window_ends_at_ms(sup->windowEndsAtMs);
    }
}

void ProtoConvert::traceRecord(const TraceRecord &record, const std::string &type, pb::TraceRecord *out)
{
    out->set_time_us(record.timeUs);
    out->set_actor_id(id(record.actor));
    out->set_actor_kind(text(record.actorKind));
    out->set_outgoing(record.direction == TraceRecord::Direction::Out);
    out->set_type(type);
    out->set_size(record.size);
    out->set_wait_ns(record.waitNs);
    out->set_processing_ns(record.processingNs);
    if (!record.peer.isNull())
        out->set_peer_id(id(record.peer));
}

void ProtoConvert::assignChange(const AssignChange &change, pb::AssignChange *out)
{
    out->set_key(text(change.key));
    out->set_before(change.before.toStdString());
    out->set_after(change.after.toStdString());
    out->set_before_truncated(change.beforeTruncated);
    out->set_after_truncated(change.afterTruncated);
    out->set_added(change.added);
    out->set_removed(change.removed);
}

void ProtoConvert::historyEntry(const HistoryEntry &entry, pb::HistoryEntry *out)
{
    out->set_seq(entry.seq);
    out->set_time_us(entry.timeUs);
    out->set_kind(text(entry.kind));
    out->set_name(text(entry.name));
    out->set_payload(entry.payload.toStdString());
    out->set_payload_truncated(entry.payloadTruncated);
    out->set_duration_ns(entry.durationNs);
    for (const AssignChange &change : entry.changes)
        assignChange(change, out->add_changes());
    out->set_diff_bytes(entry.diffBytes);
    out->set_outcome(text(entry.outcome));
}

} // namespace LiveActor
