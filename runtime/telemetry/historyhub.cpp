#include "telemetry/historyhub.h"

#include "telemetry/protoconvert.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

namespace {

int bounded(int asked, int byDefault, int most)
{
    return asked > 0 ? std::min(asked, most) : byDefault;
}

} // namespace

HistoryHub::HistoryHub(ActorSystem &system, const ControlConfig &config, Send send, QObject *parent)
    : SinkHub(system, config.historyBatchMs, std::move(send), u"history"_s, u"histories"_s, parent)
    , m_config(config)
{
}

Result<HistoryHub::Started> HistoryHub::start(quint64 client, const QUuid &view, int length, int maxValueBytes)
{
    const Started started{bounded(length, m_config.historyLength, m_config.historyMaxLength),
                          bounded(maxValueBytes, m_config.historyMaxValueBytes, 64 * 1024)};
    if (auto room = checkRoom(client, view, m_config.maxHistoriesPerClient); !room)
        return fail(room.error());
    const ActorRef ref = m_system.resolve(view);
    if (ref.isNull())
        return fail(ErrorCode::NotFound, u"no live actor %1"_s.arg(view.toString(QUuid::WithoutBraces)));
    auto sink = std::make_shared<HistorySink>(started.length, started.maxValueBytes);
    // On the view's own thread, between two messages: the runner is never touched concurrently.
    const SendStatus sent = ref.call([sink](Actor &actor) {
        if (auto *source = dynamic_cast<HistorySource *>(&actor))
            source->attachHistory(sink);
        else
            sink->close(u"only views keep an assigns history"_s);
    });
    if (sent != SendStatus::Ok)
        return fail(ErrorCode::NotFound, u"actor %1 has exited"_s.arg(view.toString(QUuid::WithoutBraces)));
    add(client, ref, std::move(sink));
    return started;
}

std::optional<QString> HistoryHub::endedBySink(const Session &history) const
{
    if (!history.sink->isClosed())
        return std::nullopt;
    return history.sink->closeReason();
}

void HistoryHub::sendBatch(Session &history, bool stopped, const QString &reason)
{
    HistorySink::Batch batch = history.sink->take();
    if (batch.entries.empty() && !batch.hasBase && batch.lost == history.sent && !stopped)
        return;
    history.sent = batch.lost;
    pb::ServerMessage msg;
    pb::HistoryBatch *out = msg.mutable_history_batch();
    out->set_actor_id(ProtoConvert::id(history.actor));
    out->set_lost(batch.lost);
    out->set_stopped(stopped);
    out->set_stop_reason(ProtoConvert::text(reason));
    out->set_length(quint32(history.sink->length()));
    out->set_has_base(batch.hasBase);
    for (const AssignChange &change : batch.base)
        ProtoConvert::assignChange(change, out->add_base());
    out->mutable_entries()->Reserve(int(batch.entries.size()));
    for (const HistoryEntry &entry : batch.entries)
        ProtoConvert::historyEntry(entry, out->add_entries());
    deliver(history, msg);
}

} // namespace LiveActor
