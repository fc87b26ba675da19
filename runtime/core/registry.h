#pragma once

#include "core/exitreason.h"
#include "core/exitplan.h"
#include "core/mailboxstats.h"
#include "core/restartintensity.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QUuid>
#include <QVariantMap>

#include <functional>
#include <optional>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

namespace LiveActor {

class ActorCell;

/// Lifecycle state of a registry entry.
enum class ActorState {
    Starting,   ///< spawned, started() not run yet
    Running,
    Stopping,   ///< shutdown requested, draining
    Restarting, ///< exited; its supervisor will start a new incarnation
    Stopped,    ///< exited; kept by its supervisor (terminated child) — otherwise removed
};

/// "starting", "running", "stopping", "restarting", "stopped".
QString actorStateName(ActorState state);

/// One actor as the registry sees it. Plain value type.
struct ActorInfo
{
    QUuid id;                 ///< stable across restarts
    quint32 incarnation = 0;  ///< 0, then +1 per restart
    QString kind;             ///< "session", "view", "supervisor", …
    QString name;
    QUuid parent;             ///< null for top-level actors
    int executor = -1;
    ActorState state = ActorState::Starting;
    MailboxStats mailbox;     ///< read when the snapshot was taken
    int restartCount = 0;
    ExitReason lastExit;      ///< of the previous incarnation (or this one once stopped)
    bool hasExited = false;   ///< lastExit is meaningful
    QVariantMap detail;       ///< free-form, set by Actor::setDetail / SpawnOptions::detail
    qint64 startedAtMs = 0;   ///< wall clock (ms since epoch) of this incarnation's spawn
    /// Supervisors and sessions: their restart budget (Actor::setSupervision).
    std::optional<SupervisionInfo> supervision;
};

/// A change: Added (new id), Changed (state, incarnation, restart, detail), Removed (gone for
/// good; info holds the last known values). version increases by one per change, so a consumer
/// that missed events (or applies events older than its snapshot) can tell.
struct RegistryEvent
{
    enum class Type { Added, Changed, Removed };
    Type type = Type::Changed;
    quint64 version = 0;
    ActorInfo info;
};

/// What changed after a version, for consumers that poll (the control plane's deltas): the cost
/// is proportional to the changes, plus one mailbox read per actor.
struct RegistryChanges
{
    quint64 version = 0;     ///< the version these changes bring the consumer to
    /// false: `since` is older than the change journal (or 0); take a snapshot() instead.
    bool complete = false;
    QList<ActorInfo> changed; ///< added or changed after `since`: current values, in spawn order
    QList<QUuid> removed;     ///< removed after `since` (some may have been added after it too)
    QList<std::pair<QUuid, MailboxStats>> mailboxes; ///< every actor's mailbox counters, read now
};

/// What no live actor counts any more, for one kind: messages of finished incarnations and the
/// restarts of removed actors. Added to the live actors' values they give monotonic totals
/// (Prometheus counters) however actors come and go.
struct RetiredCounts
{
    quint64 processed = 0;
    quint64 rejected = 0;
    quint64 restarts = 0;
};

/// All live actors at one moment, with the version of the last change it includes.
struct RegistrySnapshot
{
    quint64 version = 0;
    QList<ActorInfo> actors; ///< in spawn order (parents before children)
    QHash<QString, RetiredCounts> retired; ///< by kind
};

/// Every live actor of an ActorSystem: id, kind, parent, executor, state, mailbox counters,
/// restarts, last exit reason and detail map.
///
/// Thread affinity: all functions are thread-safe. snapshot() is consistent: the set of actors,
/// their states and the version are taken under one lock (mailbox counters are each read
/// atomically at that moment). Mailbox traffic does not produce events — poll snapshot() for
/// counters; lifecycle and detail changes do.
///
/// Notifications, two ways: the changed() signal, emitted on the thread where the change happened
/// (usually an executor thread): connect with a receiver on your thread (AutoConnection queues
/// it); or addListener(), called synchronously on that thread outside the registry lock — keep it
/// short and thread-safe. Owned by ActorSystem.
class Registry : public QObject
{
    Q_OBJECT
public:
    using Listener = std::function<void(const RegistryEvent &)>;

    explicit Registry(QObject *parent = nullptr);
    ~Registry() override;

    RegistrySnapshot snapshot() const;
    /// Changes after version since (consistent: taken under one lock, like snapshot()).
    RegistryChanges changesSince(quint64 since) const;
    /// The entry for id, or NotFound.
    std::optional<ActorInfo> find(const QUuid &id) const;
    int count() const;

    int addListener(Listener listener);
    void removeListener(int handle);

    // --- runtime internals (ActorCell / Supervisor)
    void registerCell(const std::shared_ptr<ActorCell> &cell, const QVariantMap &detail);
    void setState(const QUuid &id, quint32 incarnation, ActorState state);
    /// The incarnation exited: keep = its supervisor decides next (state Restarting), else the
    /// entry is removed.
    void exited(const QUuid &id, quint32 incarnation, const ExitReason &reason, bool keep);
    void remove(const QUuid &id);
    /// Removes id if parent's kept it after an exit (state Restarting or Stopped).
    void removeKept(const QUuid &id, const QUuid &parent);
    std::vector<std::shared_ptr<ActorCell>> cells() const;
    void setDetail(const QUuid &id, const QString &key, const QVariant &value);
    /// Notifies only when the value differs from the one stored.
    void setSupervision(const QUuid &id, const SupervisionInfo &info);
    /// The current incarnation's cell, or null.
    std::shared_ptr<ActorCell> cell(const QUuid &id) const;
    quint32 currentIncarnation(const QUuid &id) const;

Q_SIGNALS:
    void changed(const LiveActor::RegistryEvent &event);

private:
    struct Entry
    {
        ActorInfo info;
        std::shared_ptr<ActorCell> cell;
        quint64 order = 0;
    };
    void notify(RegistryEvent::Type type, const ActorInfo &info, std::unique_lock<std::mutex> &lock);
    /// info's incarnation is done (its cell is replaced or the entry erased, removed = the
    /// latter): its counts move to m_retired. Under m_mutex.
    void retire(const ActorInfo &info, bool removed);
    /// Erases it (its info is final) and notifies Removed. Under lock.
    void erase(QHash<QUuid, Entry>::iterator it, std::unique_lock<std::mutex> &lock);
    ActorInfo infoOf(const Entry &entry) const;

    mutable std::mutex m_mutex;
    QHash<QUuid, Entry> m_entries;
    QHash<QString, RetiredCounts> m_retired;
    quint64 m_version = 0;
    /// (version, id) of recent changes, oldest first; m_journalFloor: the newest version that has
    /// been dropped from it (changesSince() older than that is incomplete).
    std::deque<std::pair<quint64, QUuid>> m_journal;
    quint64 m_journalFloor = 0;
    quint64 m_order = 0;
    std::mutex m_listenerMutex;
    std::map<int, Listener> m_listeners;
    int m_nextListener = 1;
};

} // namespace LiveActor

Q_DECLARE_METATYPE(LiveActor::ActorInfo)
Q_DECLARE_METATYPE(LiveActor::RegistryEvent)
Q_DECLARE_METATYPE(LiveActor::RegistrySnapshot)
