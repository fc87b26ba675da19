#include "telemetry/restartjournal.h"

#include "core/registry.h"
#include "telemetry/protoconvert.h"

#include <QDateTime>

#include <deque>
#include <mutex>

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

struct RestartJournal::State
{
    std::mutex mutex;
    QHash<QUuid, quint32> incarnations;
    std::deque<std::pair<quint64, pb::RestartRecord>> records;
    quint64 seq = 0;
    size_t cap = 200;

    /// Runs on executor threads.
    void note(const RegistryEvent &event)
    {
        std::lock_guard lock(mutex);
        const ActorInfo &info = event.info;
        if (event.type == RegistryEvent::Type::Removed) {
            incarnations.remove(info.id);
            return;
        }
        auto it = incarnations.find(info.id);
        if (it == incarnations.end()) {
            incarnations.insert(info.id, info.incarnation);
            return;
        }
        if (info.incarnation <= *it)
            return;
        *it = info.incarnation;
        pb::RestartRecord record;
        record.set_id(ProtoConvert::id(info.id));
        record.set_kind(ProtoConvert::text(info.kind));
        record.set_name(ProtoConvert::text(info.name));
        record.set_parent_id(ProtoConvert::id(info.parent));
        record.set_incarnation(info.incarnation);
        record.set_restart_count(quint32(info.restartCount));
        ProtoConvert::exitInfo(info.lastExit, info.detail, QDateTime::currentMSecsSinceEpoch(),
                               record.mutable_reason());
        records.emplace_back(++seq, std::move(record));
        while (records.size() > cap)
            records.pop_front();
    }
};

RestartJournal::RestartJournal(Registry &registry, int history)
    : m_registry(registry)
    , m_state(std::make_shared<State>())
{
    m_state->cap = size_t(qMax(1, history));
}

RestartJournal::~RestartJournal()
{
    stop();
}

void RestartJournal::start()
{
    if (m_listener)
        return;
    std::weak_ptr<State> weak = m_state;
    m_listener = m_registry.addListener([weak](const RegistryEvent &event) {
        if (auto state = weak.lock())
            state->note(event);
    });
    const RegistrySnapshot snap = m_registry.snapshot();
    std::lock_guard lock(m_state->mutex);
    for (const ActorInfo &info : snap.actors)
        if (!m_state->incarnations.contains(info.id))
            m_state->incarnations.insert(info.id, info.incarnation);
}

void RestartJournal::stop()
{
    if (m_listener) {
        m_registry.removeListener(m_listener);
        m_listener = 0;
    }
}

quint64 RestartJournal::recordsSince(quint64 since, google::protobuf::RepeatedPtrField<pb::RestartRecord> *out) const
{
    std::lock_guard lock(m_state->mutex);
    for (const auto &[seq, record] : m_state->records)
        if (seq > since)
            *out->Add() = record;
    return m_state->seq;
}

} // namespace LiveActor
