#include "core/registry.h"

#include "core/actorcell_p.h"
#include "core/executor.h"

#include <QDateTime>
#include <QSet>

#include <algorithm>

namespace LiveActor {

QString actorStateName(ActorState state)
{
    switch (state) {
    case ActorState::Starting: return QStringLiteral("starting");
    case ActorState::Running: return QStringLiteral("running");
    case ActorState::Stopping: return QStringLiteral("stopping");
    case ActorState::Restarting: return QStringLiteral("restarting");
    case ActorState::Stopped: return QStringLiteral("stopped");
    }
    return QStringLiteral("unknown");
}

Registry::Registry(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<LiveActor::RegistryEvent>();
    qRegisterMetaType<LiveActor::ActorInfo>();
}

Registry::~Registry() = default;

ActorInfo Registry::infoOf(const Entry &entry) const
{
    ActorInfo info = entry.info;
    if (entry.cell)
        info.mailbox = entry.cell->mailbox().stats(); // lock order: registry, then mailbox
    return info;
}

void Registry::notify(RegistryEvent::Type type, const ActorInfo &info, std::unique_lock<std::mutex> &lock)
{
    RegistryEvent event{type, ++m_version, info};
    m_journal.emplace_back(m_version, info.id);
    constexpr size_t kJournalCap = 1 << 17; // ~4 MiB; a consumer further behind takes a snapshot
    while (m_journal.size() > kJournalCap) {
        m_journalFloor = m_journal.front().first;
        m_journal.pop_front();
    }
    lock.unlock();
    Q_EMIT changed(event);
    std::vector<Listener> listeners;
    {
        std::lock_guard guard(m_listenerMutex);
        for (const auto &[handle, listener] : m_listeners)
            listeners.push_back(listener);
    }
    for (const Listener &listener : listeners)
        listener(event);
}

RegistrySnapshot Registry::snapshot() const
{
    std::lock_guard lock(m_mutex);
    std::vector<const Entry *> entries;
    entries.reserve(size_t(m_entries.size()));
    for (const Entry &entry : m_entries)
        entries.push_back(&entry);
    std::sort(entries.begin(), entries.end(), [](const Entry *a, const Entry *b) { return a->order < b->order; });
    RegistrySnapshot snap;
    snap.version = m_version;
    snap.actors.reserve(qsizetype(entries.size()));
    for (const Entry *entry : entries)
        snap.actors.append(infoOf(*entry));
    snap.retired = m_retired;
    return snap;
}

void Registry::retire(const ActorInfo &info, bool removed)
{
    RetiredCounts &r = m_retired[info.kind];
    r.processed += info.mailbox.processed;
    r.rejected += info.mailbox.rejected;
    if (removed)
        r.restarts += quint64(qMax(0, info.restartCount));
}

void Registry::erase(QHash<QUuid, Entry>::iterator it, std::unique_lock<std::mutex> &lock)
{
    it->info.state = ActorState::Stopped;
    const ActorInfo info = infoOf(*it);
    retire(info, true);
    m_entries.erase(it);
    notify(RegistryEvent::Type::Removed, info, lock);
}

RegistryChanges Registry::changesSince(quint64 since) const
{
    std::lock_guard lock(m_mutex);
    RegistryChanges out;
    out.version = m_version;
    if (since == 0 || since < m_journalFloor || since > m_version)
        return out;
    out.complete = true;
    // The journal is in version order: start after `since`.
    auto first = std::upper_bound(m_journal.begin(), m_journal.end(), since,
                                  [](quint64 v, const std::pair<quint64, QUuid> &e) { return v < e.first; });
    QSet<QUuid> touched;
    std::vector<const Entry *> changed;
    for (auto it = first; it != m_journal.end(); ++it) {
        if (touched.contains(it->second))
            continue;
        touched.insert(it->second);
        auto entry = m_entries.constFind(it->second);
        if (entry == m_entries.cend())
            out.removed.append(it->second);
        else
            changed.push_back(&*entry);
    }
    std::sort(changed.begin(), changed.end(), [](const Entry *a, const Entry *b) { return a->order < b->order; });
    out.changed.reserve(qsizetype(changed.size()));
    for (const Entry *entry : changed)
        out.changed.append(infoOf(*entry));
    out.mailboxes.reserve(m_entries.size());
    for (const Entry &entry : m_entries)
        if (entry.cell)
            out.mailboxes.append({entry.info.id, entry.cell->mailbox().stats()});
    return out;
}

std::optional<ActorInfo> Registry::find(const QUuid &id) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.constFind(id);
    if (it == m_entries.cend())
        return std::nullopt;
    return infoOf(*it);
}

int Registry::count() const
{
    std::lock_guard lock(m_mutex);
    return int(m_entries.size());
}

int Registry::addListener(Listener listener)
{
    std::lock_guard lock(m_listenerMutex);
    const int handle = m_nextListener++;
    m_listeners.emplace(handle, std::move(listener));
    return handle;
}

void Registry::removeListener(int handle)
{
    std::lock_guard lock(m_listenerMutex);
    m_listeners.erase(handle);
}

void Registry::registerCell(const std::shared_ptr<ActorCell> &cell, const QVariantMap &detail)
{
    std::unique_lock lock(m_mutex);
    auto it = m_entries.find(cell->id());
    const bool added = it == m_entries.end();
    if (added) {
        it = m_entries.insert(cell->id(), Entry{});
        it->order = ++m_order;
        it->info.id = cell->id();
    }
    Entry &entry = *it;
    if (!added && entry.cell && entry.cell != cell)
        retire(infoOf(entry), false); // the previous incarnation's mailbox goes with its cell
    if (!added && cell->incarnation() > entry.info.incarnation)
        ++entry.info.restartCount;
    entry.cell = cell;
    entry.info.incarnation = cell->incarnation();
    entry.info.kind = cell->kind();
    entry.info.name = cell->name();
    entry.info.parent = cell->parent().id();
    entry.info.executor = cell->executor()->index();
    entry.info.state = ActorState::Starting;
    entry.info.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    for (auto d = detail.cbegin(); d != detail.cend(); ++d)
        entry.info.detail.insert(d.key(), d.value());
    const ActorInfo info = infoOf(entry);
    notify(added ? RegistryEvent::Type::Added : RegistryEvent::Type::Changed, info, lock);
}

void Registry::setState(const QUuid &id, quint32 incarnation, ActorState state)
{
    std::unique_lock lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->info.incarnation != incarnation || it->info.state == state)
        return;
    it->info.state = state;
    const ActorInfo info = infoOf(*it);
    notify(RegistryEvent::Type::Changed, info, lock);
}

void Registry::exited(const QUuid &id, quint32 incarnation, const ExitReason &reason, bool keep)
{
    std::unique_lock lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->info.incarnation != incarnation)
        return;
    it->info.lastExit = reason;
    it->info.hasExited = true;
    if (keep) {
        it->info.state = ActorState::Restarting;
        const ActorInfo info = infoOf(*it);
        notify(RegistryEvent::Type::Changed, info, lock);
        return;
    }
    erase(it, lock);
}

void Registry::remove(const QUuid &id)
{
    std::unique_lock lock(m_mutex);
    auto it = m_entries.find(id);
    if (it != m_entries.end())
        erase(it, lock);
}

void Registry::setDetail(const QUuid &id, const QString &key, const QVariant &value)
{
    std::unique_lock lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    if (value.isValid())
        it->info.detail.insert(key, value);
    else
        it->info.detail.remove(key);
    const ActorInfo info = infoOf(*it);
    notify(RegistryEvent::Type::Changed, info, lock);
}

void Registry::setSupervision(const QUuid &id, const SupervisionInfo &supervision)
{
    std::unique_lock lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->info.supervision == supervision)
        return;
    it->info.supervision = supervision;
    const ActorInfo info = infoOf(*it);
    notify(RegistryEvent::Type::Changed, info, lock);
}

void Registry::removeKept(const QUuid &id, const QUuid &parent)
{
    std::unique_lock lock(m_mutex);
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->info.parent != parent
        || (it->info.state != ActorState::Restarting && it->info.state != ActorState::Stopped))
        return;
    erase(it, lock);
}

std::shared_ptr<ActorCell> Registry::cell(const QUuid &id) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.constFind(id);
    return it == m_entries.cend() ? nullptr : it->cell;
}

quint32 Registry::currentIncarnation(const QUuid &id) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_entries.constFind(id);
    return it == m_entries.cend() ? 0 : it->info.incarnation;
}

std::vector<std::shared_ptr<ActorCell>> Registry::cells() const
{
    std::lock_guard lock(m_mutex);
    std::vector<std::shared_ptr<ActorCell>> result;
    for (const Entry &entry : m_entries)
        if (entry.cell)
            result.push_back(entry.cell);
    return result;
}

} // namespace LiveActor
