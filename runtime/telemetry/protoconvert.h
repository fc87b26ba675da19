#pragma once

#include "core/registry.h"
#include "core/historysink.h"
#include "core/tracesink.h"

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QString>

namespace LiveActor {

/// Conversions between the kernel's registry types and the control-plane protobuf messages.
/// Stateless; thread-safe.
class ProtoConvert
{
public:
    static std::string id(const QUuid &uuid);
    static std::string text(const QString &s) { return s.toStdString(); }
    static QString qtext(const std::string &s) { return QString::fromStdString(s); }
    static ::liveactor::monitor::v1::ActorState state(ActorState state);
    /// "operate", "read-only" or "none" (logs and audit lines).
    static QString scopeName(::liveactor::monitor::v1::Scope scope);
    static void mailbox(const MailboxStats &stats, ::liveactor::monitor::v1::MailboxStats *out);
    /// Metadata value as text: strings as they are, maps/lists as compact JSON, cut at 4 KiB.
    static QString metadataText(const QVariant &value);
    /// Fills out from info. traceback is taken from detail["traceback"].
    static void actor(const ActorInfo &info, ::liveactor::monitor::v1::Actor *out);
    static void exitInfo(const ExitReason &reason, const QVariantMap &detail, qint64 timeMs,
                         ::liveactor::monitor::v1::ExitInfo *out);
    static void preview(const QList<PreviewStep> &steps, ::liveactor::monitor::v1::RestartPreview *out);
    /// type: the record's type name already shortened (traceTypeName), which callers cache.
    static void traceRecord(const TraceRecord &record, const std::string &type,
                            ::liveactor::monitor::v1::TraceRecord *out);
    static void assignChange(const AssignChange &change, ::liveactor::monitor::v1::AssignChange *out);
    static void historyEntry(const HistoryEntry &entry, ::liveactor::monitor::v1::HistoryEntry *out);
};

} // namespace LiveActor
