#include "telemetry/tracehub.h"

#include "telemetry/protoconvert.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

TraceHub::TraceHub(ActorSystem &system, const ControlConfig &config, Send send, QObject *parent)
    : SinkHub(system, config.traceBatchMs, std::move(send), u"trace"_s, u"traces"_s, parent)
    , m_config(config)
{
}

Result<int> TraceHub::start(quint64 client, const QUuid &actor, bool subtree, int maxPerSecond)
{
    const int limit = maxPerSecond > 0 ? std::min(maxPerSecond, m_config.traceMaxPerSecond) : m_config.traceMaxPerSecond;
    if (auto room = checkRoom(client, actor, m_config.maxTracesPerClient); !room)
        return fail(room.error());
    const ActorRef ref = m_system.resolve(actor);
    if (ref.isNull())
        return fail(ErrorCode::NotFound, u"no live actor %1"_s.arg(actor.toString(QUuid::WithoutBraces)));
    // Room for two batches at the limit: a connection that stops reading cannot grow it further.
    auto sink = std::make_shared<TraceSink>(limit, std::max(100, limit * m_config.traceBatchMs / 500));
    if (auto r = m_system.trace(actor, sink, subtree); !r)
        return fail(r.error());
    add(client, ref, std::move(sink));
    return limit;
}

void TraceHub::sendBatch(Session &trace, bool stopped, const QString &reason)
{
    TraceSink::Batch batch = trace.sink->take();
    if (batch.records.empty() && batch.dropped == trace.sent && !stopped)
        return;
    trace.sent = batch.dropped;
    pb::ServerMessage msg;
    pb::TraceBatch *out = msg.mutable_trace_batch();
    out->set_actor_id(ProtoConvert::id(trace.actor));
    out->set_dropped(batch.dropped);
    out->set_stopped(stopped);
    out->set_stop_reason(ProtoConvert::text(reason));
    out->mutable_records()->Reserve(int(batch.records.size()));
    for (const TraceRecord &record : batch.records)
        ProtoConvert::traceRecord(record, typeName(record.type), out->add_records());
    ++m_batches;
    deliver(trace, msg);
}

const std::string &TraceHub::typeName(const char *raw)
{
    auto it = m_typeNames.find(raw);
    if (it == m_typeNames.end())
        it = m_typeNames.insert(raw, traceTypeName(raw).toStdString());
    return it.value();
}

} // namespace LiveActor
