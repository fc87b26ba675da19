#include "telemetry/tracehub.h"

#include "core/actorsystem.h"
#include "telemetry/protoconvert.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

TraceHub::TraceHub(ActorSystem &system, const ControlConfig &config, Send send, QObject *parent)
    : QObject(parent)
    , m_system(system)
    , m_config(config)
    , m_send(std::move(send))
{
    m_timer.setInterval(std::max(10, m_config.traceBatchMs));
    connect(&m_timer, &QTimer::timeout, this, &TraceHub::flush);
}

TraceHub::~TraceHub()
{
    for (Trace &trace : m_traces)
        trace.sink->close();
}

Result<int> TraceHub::start(quint64 client, const QUuid &actor, bool subtree, int maxPerSecond)
{
    const int limit = maxPerSecond > 0 ? std::min(maxPerSecond, m_config.traceMaxPerSecond) : m_config.traceMaxPerSecond;
    auto existing = std::ranges::find_if(m_traces, [&](const Trace &t) { return t.client == client && t.actor == actor; });
    if (existing == m_traces.end()
        && std::ranges::count(m_traces, client, &Trace::client) >= m_config.maxTracesPerClient)
        return fail(ErrorCode::Full, u"this connection already runs %1 traces"_s.arg(m_config.maxTracesPerClient));
    const ActorRef ref = m_system.resolve(actor);
    if (ref.isNull())
        return fail(ErrorCode::NotFound, u"no live actor %1"_s.arg(actor.toString(QUuid::WithoutBraces)));
    // Room for two batches at the limit: a connection that stops reading cannot grow it further.
    auto sink = std::make_shared<TraceSink>(limit, std::max(100, limit * m_config.traceBatchMs / 500));
    if (auto r = m_system.trace(actor, sink, subtree); !r)
        return fail(r.error());
    const quint64 serial = m_nextSerial++;
    if (existing != m_traces.end()) {
        existing->sink->close();
        *existing = {client, actor, sink, 0, serial};
    } else {
        m_traces.push_back({client, actor, sink, 0, serial});
    }
    m_system.watch(ref, this, [this, serial](ExitReason) {
        auto it = std::ranges::find(m_traces, serial, &Trace::serial);
        if (it == m_traces.end())
            return; // stopped or replaced meanwhile
        end(*it, "actor exited", true);
        m_traces.erase(it);
    });
    if (!m_timer.isActive())
        m_timer.start();
    return limit;
}

Result<void> TraceHub::stop(quint64 client, const QUuid &actor)
{
    auto it = std::ranges::find_if(m_traces, [&](const Trace &t) { return t.client == client && t.actor == actor; });
    if (it == m_traces.end())
        return fail(ErrorCode::NotFound, u"no trace on %1 from this connection"_s.arg(actor.toString(QUuid::WithoutBraces)));
    end(*it, "stopped", true);
    m_traces.erase(it);
    return {};
}

void TraceHub::clientGone(quint64 client)
{
    std::erase_if(m_traces, [&](Trace &t) {
        if (t.client != client)
            return false;
        end(t, "connection closed", false);
        return true;
    });
}

void TraceHub::stopAll()
{
    for (Trace &trace : m_traces)
        end(trace, "server stopping", true);
    m_traces.clear();
    m_timer.stop();
}

void TraceHub::end(Trace &trace, const char *reason, bool notify)
{
    trace.sink->close();
    if (notify)
        send(trace, true, reason);
    // The timer stops at its next tick when no trace is left.
}

void TraceHub::flush()
{
    for (Trace &trace : m_traces)
        send(trace, false, "");
    if (m_traces.empty())
        m_timer.stop();
}

void TraceHub::send(Trace &trace, bool stopped, const char *reason)
{
    TraceSink::Batch batch = trace.sink->take();
    if (batch.records.empty() && batch.dropped == trace.sentDropped && !stopped)
        return;
    trace.sentDropped = batch.dropped;
    pb::ServerMessage msg;
    pb::TraceBatch *out = msg.mutable_trace_batch();
    out->set_actor_id(ProtoConvert::id(trace.actor));
    out->set_dropped(batch.dropped);
    out->set_stopped(stopped);
    out->set_stop_reason(reason);
    out->mutable_records()->Reserve(int(batch.records.size()));
    for (const TraceRecord &record : batch.records)
        ProtoConvert::traceRecord(record, typeName(record.type), out->add_records());
    ++m_batches;
    m_send(trace.client, msg);
}

const std::string &TraceHub::typeName(const char *raw)
{
    auto it = m_typeNames.find(raw);
    if (it == m_typeNames.end())
        it = m_typeNames.insert(raw, traceTypeName(raw).toStdString());
    return it.value();
}

} // namespace LiveActor
