#include "monitor_app/core/actortreemodel.h"

#include "monitor_app/core/instanceconnection.h"

#include <QDateTime>

#include <algorithm>
#include <functional>
#include <map>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

struct ActorTreeModel::Node
{
    Node *parent = nullptr; // null for an instance's root node
    Instance *instance = nullptr;
    int row = 0;
    std::vector<Node *> children;
    ActorRecord record;
};

struct ActorTreeModel::Instance
{
    QPointer<InstanceConnection> connection;
    InstanceConnection *key = nullptr;
    Node root;
    std::unordered_map<QString, std::unique_ptr<Node>> nodes;
    InstanceStatList stats;
};

namespace {

QString stateText(pb::ActorState state)
{
    switch (state) {
    case pb::ACTOR_STATE_STARTING: return u"starting"_s;
    case pb::ACTOR_STATE_RUNNING: return u"running"_s;
    case pb::ACTOR_STATE_STOPPING: return u"stopping"_s;
    case pb::ACTOR_STATE_RESTARTING: return u"restarting"_s;
    case pb::ACTOR_STATE_STOPPED: return u"stopped"_s;
    default: return u"unknown"_s;
    }
}

pb::ActorState stateValue(const QString &state)
{
    for (pb::ActorState s : {pb::ACTOR_STATE_STARTING, pb::ACTOR_STATE_RUNNING, pb::ACTOR_STATE_STOPPING,
                             pb::ACTOR_STATE_RESTARTING, pb::ACTOR_STATE_STOPPED})
        if (stateText(s) == state)
            return s;
    return pb::ACTOR_STATE_UNSPECIFIED;
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

/// Kinds, exit kinds and metadata keys repeat across thousands of actors: share one QString each
/// instead of decoding and allocating per actor (GUI thread only).
const QString &interned(const std::string &s)
{
    static std::unordered_map<std::string, QString> cache;
    auto it = cache.find(s);
    if (it == cache.end()) {
        if (cache.size() > 4096)
            cache.clear();
        it = cache.emplace(s, QString::fromStdString(s)).first;
    }
    return it->second;
}

} // namespace

ActorTreeModel::ActorTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

ActorTreeModel::~ActorTreeModel() = default;

qint64 ActorTreeModel::now() const
{
    return m_fixedNow ? m_fixedNow : QDateTime::currentMSecsSinceEpoch();
}

qint64 ActorTreeModel::nowFor(const Instance *instance) const
{
    const InstanceConnection *c = instance->connection.data();
    return c && c->state() == InstanceConnection::State::Saved ? c->savedAtMs() : now();
}

QString ActorTreeModel::formatAge(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    const qint64 s = ms / 1000;
    if (s < 60)
        return u"%1 s"_s.arg(s);
    if (s < 3600)
        return u"%1 min"_s.arg(s / 60);
    if (s < 86400)
        return u"%1 h %2 min"_s.arg(s / 3600).arg((s % 3600) / 60);
    return u"%1 d %2 h"_s.arg(s / 86400).arg((s % 86400) / 3600);
}

QString ActorTreeModel::formatRate(double messagesPerSecond)
{
    return QString::number(messagesPerSecond, 'f', messagesPerSecond < 10 ? 1 : 0);
}

void ActorTreeModel::addInstance(InstanceConnection *connection)
{
    if (instanceOf(connection))
        return;
    const int row = int(m_instances.size());
    beginInsertRows({}, row, row);
    auto instance = std::make_unique<Instance>();
    instance->connection = connection;
    instance->key = connection;
    instance->root.instance = instance.get();
    instance->root.row = row;
    m_instances.push_back(std::move(instance));
    endInsertRows();
    connect(connection, &InstanceConnection::snapshotReceived, this,
            [this, connection](const pb::Snapshot &s) { applySnapshot(connection, s); });
    connect(connection, &InstanceConnection::deltaReceived, this,
            [this, connection](const pb::Delta &d) { applyDelta(connection, d); });
    connect(connection, &InstanceConnection::stateChanged, this, &ActorTreeModel::onConnectionStateChanged);
    connect(connection, &InstanceConnection::helloReceived, this, &ActorTreeModel::onConnectionStateChanged);
}

void ActorTreeModel::onConnectionStateChanged()
{
    auto *connection = qobject_cast<InstanceConnection *>(sender());
    if (Instance *instance = instanceOf(connection)) {
        const QModelIndex idx = indexOfNode(&instance->root);
        Q_EMIT dataChanged(idx, idx.siblingAtColumn(ColumnCount - 1));
    }
}

void ActorTreeModel::removeInstance(InstanceConnection *connection)
{
    for (size_t i = 0; i < m_instances.size(); ++i) {
        if (m_instances[i]->key != connection)
            continue;
        beginRemoveRows({}, int(i), int(i));
        if (m_instances[i]->connection)
            m_instances[i]->connection->disconnect(this);
        m_instances.erase(m_instances.begin() + qsizetype(i));
        for (size_t j = i; j < m_instances.size(); ++j)
            m_instances[j]->root.row = int(j);
        endRemoveRows();
        return;
    }
}

ActorTreeModel::Instance *ActorTreeModel::instanceOf(InstanceConnection *connection) const
{
    for (const auto &instance : m_instances)
        if (instance->key == connection)
            return instance.get();
    return nullptr;
}

void ActorTreeModel::fillRecord(ActorRecord &r, const pb::Actor &a)
{
    if (r.id.size() != qsizetype(a.id().size()) || r.id != QLatin1StringView(a.id().data(), qsizetype(a.id().size())))
        r.id = q(a.id());
    if (a.parent_id().empty())
        r.parentId.clear();
    else if (r.parentId != QLatin1StringView(a.parent_id().data(), qsizetype(a.parent_id().size())))
        r.parentId = q(a.parent_id());
    r.kind = interned(a.kind());
    r.name = a.name().empty() ? QString() : q(a.name());
    r.state = stateText(a.state());
    r.incarnation = a.incarnation();
    r.executor = a.executor();
    r.restartCount = int(a.restart_count());
    r.hasExited = a.has_last_exit();
    r.exitKind = interned(a.last_exit().kind());
    r.exitMessage = a.last_exit().message().empty() ? QString() : q(a.last_exit().message());
    r.exitTraceback = a.last_exit().traceback().empty() ? QString() : q(a.last_exit().traceback());
    r.startedAtMs = a.started_at_ms();
    r.metadata.clear();
    for (const auto &[key, value] : a.metadata())
        r.metadata.insert(interned(key), q(value));
    const pb::Supervision &s = a.supervision();
    r.strategy = a.has_supervision() ? interned(s.strategy()) : QString();
    r.intensity = int(s.intensity());
    r.periodMs = s.period_ms();
    r.restartsInWindow = int(s.restarts_in_window());
    r.windowEndsAtMs = s.window_ends_at_ms();
}

void ActorTreeModel::fillActor(pb::Actor &a, const ActorRecord &r)
{
    a.set_id(r.id.toStdString());
    a.set_parent_id(r.parentId.toStdString());
    a.set_kind(r.kind.toStdString());
    a.set_name(r.name.toStdString());
    a.set_state(stateValue(r.state));
    a.set_incarnation(r.incarnation);
    a.set_executor(r.executor);
    a.set_restart_count(quint32(r.restartCount));
    if (r.hasExited) {
        a.mutable_last_exit()->set_kind(r.exitKind.toStdString());
        a.mutable_last_exit()->set_message(r.exitMessage.toStdString());
        a.mutable_last_exit()->set_traceback(r.exitTraceback.toStdString());
    }
    a.set_started_at_ms(r.startedAtMs);
    for (auto it = r.metadata.cbegin(); it != r.metadata.cend(); ++it)
        (*a.mutable_metadata())[it.key().toStdString()] = it.value().toStdString();
    if (r.hasBudget()) {
        pb::Supervision *s = a.mutable_supervision();
        s->set_strategy(r.strategy.toStdString());
        s->set_intensity(quint32(r.intensity));
        s->set_period_ms(r.periodMs);
        s->set_restarts_in_window(quint32(r.restartsInWindow));
        s->set_window_ends_at_ms(r.windowEndsAtMs);
    }
    pb::MailboxStats *m = a.mutable_mailbox();
    m->set_length(quint32(r.length));
    m->set_capacity(quint32(r.capacity));
    m->set_high_water(quint32(r.highWater));
    m->set_system_length(quint32(r.systemLength));
    m->set_enqueued(r.enqueued);
    m->set_processed(r.processed);
    m->set_rejected(r.rejected);
    m->set_wait_time_us(r.waitTimeUs);
    m->set_processing_time_us(r.processingTimeUs);
}

pb::Snapshot ActorTreeModel::snapshotOf(InstanceConnection *connection) const
{
    pb::Snapshot snapshot;
    const Instance *instance = instanceOf(connection);
    if (!instance)
        return snapshot;
    snapshot.mutable_actors()->Reserve(int(instance->nodes.size()));
    std::function<void(const Node *)> walk = [&](const Node *node) { // depth first: parents first
        for (const Node *child : node->children) {
            fillActor(*snapshot.add_actors(), child->record);
            walk(child);
        }
    };
    walk(&instance->root);
    for (const InstanceStat &stat : instance->stats) {
        pb::InstanceStat *s = snapshot.mutable_instance_stats()->add_stats();
        s->set_name(stat.name.toStdString());
        s->set_value(stat.value.toStdString());
    }
    return snapshot;
}

void ActorTreeModel::applyMailbox(ActorRecord &r, const pb::MailboxStats &m, qint64 timeMs)
{
    if (r.lastUpdateMs > 0 && timeMs > r.lastUpdateMs) {
        const quint64 delta = m.processed() >= r.processed ? m.processed() - r.processed : m.processed();
        r.messagesPerSecond = double(delta) * 1000.0 / double(timeMs - r.lastUpdateMs);
    }
    if (m.processed() != r.processed || r.lastActivityMs == 0)
        r.lastActivityMs = timeMs;
    r.length = int(m.length());
    r.capacity = int(m.capacity());
    r.highWater = int(m.high_water());
    r.systemLength = int(m.system_length());
    r.enqueued = m.enqueued();
    r.processed = m.processed();
    r.rejected = m.rejected();
    r.waitTimeUs = m.wait_time_us();
    r.processingTimeUs = m.processing_time_us();
    r.lastUpdateMs = timeMs;
    r.history.append(FillSample{timeMs, float(r.fill()), r.length, float(r.messagesPerSecond)});
    if (r.history.size() > ActorRecord::HistoryLength)
        r.history.remove(0, r.history.size() - ActorRecord::HistoryLength);
}

ActorTreeModel::Node *ActorTreeModel::parentFor(Instance *instance, const QString &parentId) const
{
    if (!parentId.isEmpty()) {
        auto it = instance->nodes.find(parentId);
        if (it != instance->nodes.end())
            return it->second.get();
    }
    return &instance->root;
}

void ActorTreeModel::applySnapshot(InstanceConnection *connection, const pb::Snapshot &snapshot)
{
    Instance *instance = instanceOf(connection);
    if (!instance)
        return;
    const QModelIndex rootIndex = indexOfNode(&instance->root);
    // Keep derived values (rates, history) of actors that are still there.
    std::unordered_map<QString, std::unique_ptr<Node>> old = std::move(instance->nodes);
    instance->nodes.clear();
    if (!instance->root.children.empty()) {
        beginRemoveRows(rootIndex, 0, int(instance->root.children.size()) - 1);
        instance->root.children.clear();
        endRemoveRows();
    }
    const qint64 timeMs = snapshot.time_ms();
    instance->nodes.reserve(size_t(snapshot.actors_size()));
    std::vector<Node *> top;
    for (const pb::Actor &actor : snapshot.actors()) {
        const QString id = q(actor.id());
        std::unique_ptr<Node> node;
        if (auto it = old.find(id); it != old.end()) {
            node = std::move(it->second);
            node->children.clear();
        } else {
            node = std::make_unique<Node>();
        }
        node->instance = instance;
        fillRecord(node->record, actor);
        applyMailbox(node->record, actor.mailbox(), timeMs);
        Node *parent = parentFor(instance, node->record.parentId);
        node->parent = parent;
        if (parent == &instance->root) {
            node->row = int(top.size());
            top.push_back(node.get());
        } else {
            node->row = int(parent->children.size());
            parent->children.push_back(node.get());
        }
        instance->nodes.emplace(id, std::move(node));
    }
    if (!top.empty()) {
        beginInsertRows(rootIndex, 0, int(top.size()) - 1);
        instance->root.children = std::move(top);
        endInsertRows();
    }
    instance->stats = instanceStatList(snapshot.instance_stats());
    Q_EMIT dataChanged(rootIndex, rootIndex.siblingAtColumn(ColumnCount - 1));
}

void ActorTreeModel::insertActor(Instance *instance, const pb::Actor &actor, qint64 timeMs)
{
    auto node = std::make_unique<Node>();
    node->instance = instance;
    fillRecord(node->record, actor);
    applyMailbox(node->record, actor.mailbox(), timeMs);
    Node *parent = parentFor(instance, node->record.parentId);
    const int row = int(parent->children.size());
    beginInsertRows(indexOfNode(parent), row, row);
    node->parent = parent;
    node->row = row;
    parent->children.push_back(node.get());
    const QString key = node->record.id;
    instance->nodes.emplace(key, std::move(node));
    endInsertRows();
}

void ActorTreeModel::updateActor(Instance *instance, Node *node, const pb::Actor &actor, qint64 timeMs)
{
    Q_UNUSED(instance);
    fillRecord(node->record, actor);
    applyMailbox(node->record, actor.mailbox(), timeMs);
    const QModelIndex idx = indexOfNode(node);
    Q_EMIT dataChanged(idx, idx.siblingAtColumn(ColumnCount - 1));
}

void ActorTreeModel::detachChildren(Instance *instance, Node *node)
{
    for (Node *child : node->children) {
        detachChildren(instance, child);
        instance->nodes.erase(child->record.id);
    }
    node->children.clear();
}

void ActorTreeModel::removeActor(Instance *instance, Node *node)
{
    Node *parent = node->parent;
    const int row = node->row;
    beginRemoveRows(indexOfNode(parent), row, row);
    parent->children.erase(parent->children.begin() + row);
    for (size_t i = size_t(row); i < parent->children.size(); ++i)
        parent->children[i]->row = int(i);
    detachChildren(instance, node);
    const QString key = node->record.id; // erasing destroys node
    instance->nodes.erase(key);
    endRemoveRows();
}

void ActorTreeModel::applyDelta(InstanceConnection *connection, const pb::Delta &delta)
{
    Instance *instance = instanceOf(connection);
    if (!instance)
        return;
    const qint64 timeMs = delta.time_ms();
    for (const std::string &id : delta.removed()) {
        auto it = instance->nodes.find(q(id));
        if (it != instance->nodes.end())
            removeActor(instance, it->second.get());
    }
    for (const pb::Actor &actor : delta.added()) {
        auto it = instance->nodes.find(q(actor.id()));
        if (it != instance->nodes.end())
            updateActor(instance, it->second.get(), actor, timeMs);
        else
            insertActor(instance, actor, timeMs);
    }
    for (const pb::Actor &actor : delta.changed()) {
        auto it = instance->nodes.find(q(actor.id()));
        if (it != instance->nodes.end())
            updateActor(instance, it->second.get(), actor, timeMs);
        else
            insertActor(instance, actor, timeMs);
    }
    // Mailbox-only updates: one dataChanged per parent covering the touched rows.
    std::map<Node *, std::pair<int, int>> ranges;
    QString key; // reused: no allocation per update once it has grown
    for (const pb::MailboxUpdate &update : delta.mailbox()) {
        key.resize(0);
        key.append(QLatin1StringView(update.id().data(), qsizetype(update.id().size())));
        auto it = instance->nodes.find(key);
        if (it == instance->nodes.end())
            continue;
        Node *node = it->second.get();
        applyMailbox(node->record, update.mailbox(), timeMs);
        auto [r, inserted] = ranges.try_emplace(node->parent, node->row, node->row);
        if (!inserted) {
            r->second.first = std::min(r->second.first, node->row);
            r->second.second = std::max(r->second.second, node->row);
        }
    }
    for (const auto &[parent, range] : ranges) {
        const QModelIndex p = indexOfNode(parent);
        Q_EMIT dataChanged(index(range.first, MailboxColumn, p), index(range.second, LastEventColumn, p));
    }
    if (delta.has_instance_stats())
        instance->stats = instanceStatList(delta.instance_stats());
    if (delta.added_size() || delta.removed_size() || delta.has_instance_stats()) {
        const QModelIndex rootIndex = indexOfNode(&instance->root);
        Q_EMIT dataChanged(rootIndex, rootIndex.siblingAtColumn(ColumnCount - 1));
    }
}

ActorTreeModel::Node *ActorTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : nullptr;
}

QModelIndex ActorTreeModel::indexOfNode(const Node *node, int column) const
{
    if (!node)
        return {};
    return createIndex(node->row, column, const_cast<Node *>(node));
}

const ActorRecord *ActorTreeModel::record(const QModelIndex &index) const
{
    Node *node = nodeOf(index);
    return node && node->parent ? &node->record : nullptr;
}

InstanceConnection *ActorTreeModel::connection(const QModelIndex &index) const
{
    Node *node = nodeOf(index);
    return node ? node->instance->connection.data() : nullptr;
}

QModelIndex ActorTreeModel::indexOf(InstanceConnection *connection, const QString &actorId) const
{
    Instance *instance = instanceOf(connection);
    if (!instance)
        return {};
    auto it = instance->nodes.find(actorId);
    return it == instance->nodes.end() ? QModelIndex() : indexOfNode(it->second.get());
}

const ActorRecord *ActorTreeModel::find(InstanceConnection *connection, const QString &actorId) const
{
    Instance *instance = instanceOf(connection);
    if (!instance)
        return nullptr;
    auto it = instance->nodes.find(actorId);
    return it == instance->nodes.end() ? nullptr : &it->second->record;
}

int ActorTreeModel::actorCount(InstanceConnection *connection) const
{
    Instance *instance = instanceOf(connection);
    return instance ? int(instance->nodes.size()) : 0;
}

InstanceStatList ActorTreeModel::instanceStats(InstanceConnection *connection) const
{
    Instance *instance = instanceOf(connection);
    return instance ? instance->stats : InstanceStatList();
}

QModelIndex ActorTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row >= int(m_instances.size()))
            return {};
        return createIndex(row, column, &m_instances[size_t(row)]->root);
    }
    Node *p = nodeOf(parent);
    if (!p || row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)]);
}

QModelIndex ActorTreeModel::parent(const QModelIndex &child) const
{
    Node *node = nodeOf(child);
    if (!node || !node->parent)
        return {};
    return indexOfNode(node->parent);
}

int ActorTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_instances.size());
    if (parent.column() > 0)
        return 0;
    Node *node = nodeOf(parent);
    return node ? int(node->children.size()) : 0;
}

int ActorTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool ActorTreeModel::hasChildren(const QModelIndex &parent) const
{
    return rowCount(parent) > 0;
}

QVariant ActorTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList names{u"Id"_s, u"Kind"_s, u"View / path"_s, u"State"_s, u"Mailbox"_s,
                                   u"High-water"_s, u"Msgs/s"_s, u"Rejected"_s, u"Restarts"_s, u"Restart budget"_s, u"Age"_s,
                                   u"Last event"_s};
    return names.value(section);
}

QVariant ActorTreeModel::data(const QModelIndex &index, int role) const
{
    Node *node = nodeOf(index);
    if (!node)
        return {};
    const int column = index.column();
    if (!node->parent) { // instance row
        InstanceConnection *c = node->instance->connection.data();
        if (role == IsInstanceRole)
            return true;
        if (role == FilterTextRole)
            return QString();
        if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
            return {};
        if (!c)
            return {};
        const InstanceStatList &stats = node->instance->stats;
        if (role == Qt::ToolTipRole && !stats.isEmpty())
            return formatInstanceStats(stats, u"\n"_s);
        switch (column) {
        case IdColumn: return c->displayName();
        case KindColumn: return u"instance"_s;
        case PathColumn: return c->url().toString();
        case StateColumn: return InstanceConnection::stateName(c->state());
        case MailboxColumn: return u"%1 actors"_s.arg(node->instance->nodes.size());
        case LastEventColumn: return formatInstanceStats(stats, u" · "_s);
        default: return {};
        }
    }
    const ActorRecord &r = node->record;
    const qint64 nowMs = nowFor(node->instance);
    switch (role) {
    case IsInstanceRole: return false;
    case IdRole: return r.id;
    case KindRole: return r.kind;
    case FillRole:
        if (column == BudgetColumn)
            return r.hasBudget() ? QVariant(r.budgetFill(nowMs)) : QVariant();
        return r.fill();
    case LevelRole:
        if (column == BudgetColumn)
            return r.hasBudget() ? QVariant(int(r.budgetLevel(nowMs))) : QVariant();
        return int(ActorRecord::fillLevel(r.fill()));
    case FilterTextRole: {
        QString text = r.id + u' ' + r.kind + u' ' + r.name + u' ' + r.state + u' ' + r.viewOrPath();
        for (auto it = r.metadata.cbegin(); it != r.metadata.cend(); ++it)
            text += u' ' + it.value();
        return text;
    }
    case Qt::ToolTipRole:
        if (column == MailboxColumn)
            return u"%1 of %2 queued (system lane %3); %4 enqueued, %5 processed"_s.arg(r.length).arg(r.capacity)
                .arg(r.systemLength).arg(r.enqueued).arg(r.processed);
        if (column == RestartsColumn && r.hasExited)
            return u"last exit: %1 %2"_s.arg(r.exitKind, r.exitMessage);
        if (column == BudgetColumn)
            return r.budgetDescription(nowMs);
        return {};
    case Qt::TextAlignmentRole:
        if (column >= MailboxColumn && column <= AgeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (column) {
        case MailboxColumn: return r.fill();
        case HighWaterColumn: return r.highWater;
        case RateColumn: return r.rateAt(nowMs);
        case RejectedColumn: return qulonglong(r.rejected);
        case RestartsColumn: return r.restartCount;
        case BudgetColumn: return r.hasBudget() ? r.budgetFill(nowMs) : -1.0;
        case AgeColumn: return nowMs - r.startedAtMs;
        case LastEventColumn: return r.lastActivityMs;
        default: break;
        }
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (column) {
        case IdColumn: return r.id;
        case KindColumn: return r.kind;
        case PathColumn: return r.viewOrPath();
        case StateColumn: return r.state;
        case MailboxColumn: return u"%1/%2"_s.arg(r.length).arg(r.capacity);
        case HighWaterColumn: return r.highWater;
        case RateColumn: return formatRate(r.rateAt(nowMs));
        case RejectedColumn: return qulonglong(r.rejected);
        case RestartsColumn: return r.restartCount;
        case BudgetColumn: return r.budgetText(nowMs);
        case AgeColumn: return formatAge(nowMs - r.startedAtMs);
        case LastEventColumn: {
            const QString event = r.lastEvent();
            const QString ago = formatAge(nowMs - r.lastActivityMs) + u" ago"_s;
            return event.isEmpty() ? ago : event + u" ("_s + ago + u')';
        }
        default: return {};
        }
    default:
        return {};
    }
}

} // namespace LiveActor::Monitor
