#include "core/supervisor.h"

#include "core/actorcell_p.h"
#include "core/actorsystem.h"
#include "core/registry.h"

#include <QDebug>

#include <algorithm>

namespace LiveActor {

using namespace std::chrono_literals;

namespace {

struct TerminateTimeout { quint64 token; };
struct RetryStart { QUuid child; ExitReason reason; };

/// Calls its function exactly once: explicitly, or with a Closed error when the last copy dies
/// (the command was dropped because the supervisor exited first).
template<typename T>
class Completion
{
public:
    explicit Completion(std::move_only_function<void(T)> fn) : m_fn(std::move(fn)) { }
    ~Completion()
    {
        if (m_fn)
            m_fn(fail(ErrorCode::Closed, QStringLiteral("the supervisor exited")));
    }
    void operator()(T value)
    {
        if (auto fn = std::move(m_fn)) {
            m_fn = nullptr;
            fn(std::move(value));
        }
    }

private:
    std::move_only_function<void(T)> m_fn;
};

template<typename T>
std::shared_ptr<Completion<T>> completion(QObject *context, std::function<void(T)> done)
{
    return std::make_shared<Completion<T>>(onContext<T>(context, std::move(done)));
}

} // namespace

struct Supervisor::Child
{
    ChildSpec spec;
    QUuid uuid = QUuid::createUuid();
    quint32 nextIncarnation = 0;
    ActorRef ref;
    bool running = false;
    int restartCount = 0;
    ExitReason lastExit;
    bool hasExited = false;
};

Supervisor::Supervisor(SupervisorFlags flags, std::vector<ChildSpec> children)
    : m_flags(flags), m_intensity(flags.intensity, flags.period)
{
    for (ChildSpec &spec : children) {
        auto child = std::make_unique<Child>();
        child->spec = std::move(spec);
        m_children.push_back(std::move(child));
    }
}

Supervisor::~Supervisor() = default;

QList<ChildInfo> Supervisor::childInfos() const
{
    QList<ChildInfo> infos;
    for (const auto &c : m_children)
        infos.append(ChildInfo{c->spec.id, c->running ? c->ref : ActorRef(), c->spec.restart, c->running,
                               c->restartCount, c->lastExit, c->hasExited});
    return infos;
}

Supervisor::Child *Supervisor::findById(const QString &id)
{
    for (auto &c : m_children)
        if (c->spec.id == id)
            return c.get();
    return nullptr;
}

Supervisor::Child *Supervisor::findByRef(const ActorRef &ref)
{
    for (auto &c : m_children)
        if (c->ref == ref)
            return c.get();
    return nullptr;
}

Supervisor::Child *Supervisor::findByUuid(const QUuid &id)
{
    return const_cast<Child *>(std::as_const(*this).findByUuid(id));
}

const Supervisor::Child *Supervisor::findByUuid(const QUuid &id) const
{
    for (const auto &c : m_children)
        if (c->uuid == id)
            return c.get();
    return nullptr;
}

std::vector<Supervisor::Child *> Supervisor::affectedBy(const Child *crashed) const
{
    if (m_flags.strategy == RestartStrategy::OneForOne)
        return {const_cast<Child *>(crashed)};
    const int from = m_flags.strategy == RestartStrategy::OneForAll ? 0 : indexOf(crashed);
    std::vector<Child *> affected;
    for (size_t i = size_t(from); i < m_children.size(); ++i)
        affected.push_back(m_children[i].get());
    return affected;
}

namespace {
/// OTP: a permanent child is always restarted, a transient one after an abnormal exit only.
bool restartsAfter(RestartType type, const ExitReason &reason)
{
    return type == RestartType::Permanent || (type == RestartType::Transient && reason.isAbnormal());
}
} // namespace

Result<ExitPlan> Supervisor::planChildExit(const QUuid &id, ChildExit cause) const
{
    const Child *child = findByUuid(id);
    if (!child)
        return fail(ErrorCode::NotFound, u"no child with id " + id.toString(QUuid::WithoutBraces));
    if (m_shuttingDown)
        return fail(ErrorCode::Closed, QStringLiteral("supervisor is shutting down"));
    ExitPlan plan;
    plan.stops.append(child->uuid);
    if (cause == ChildExit::Restart) { // restartChild: this child only, outside the intensity
        plan.restarts.append(child->uuid);
        plan.note = QStringLiteral("a clean stop and a new incarnation of this child only; not counted toward the restart intensity");
        return plan;
    }
    const ExitReason reason = cause == ChildExit::Crash ? ExitReason::killed() : ExitReason::shutdown();
    if (!restartsAfter(child->spec.restart, reason)) {
        plan.note = child->spec.restart == RestartType::Temporary
            ? QStringLiteral("a temporary child is never restarted: it is removed")
            : QStringLiteral("a transient child is not restarted after a normal exit or shutdown");
        return plan;
    }
    if (m_intensity.wouldExceed(executor().now())) {
        plan.escalates = true;
        for (auto it = m_children.rbegin(); it != m_children.rend(); ++it)
            if ((*it)->running && it->get() != child)
                plan.stops.append((*it)->uuid);
        plan.note = QStringLiteral("one more restart exceeds the restart intensity (%1 in %2 ms): the supervisor stops "
                                   "all its children and exits (reached_max_restart_intensity)")
                        .arg(m_flags.intensity).arg(qlonglong(m_flags.period.count()));
        return plan;
    }
    const std::vector<Child *> affected = affectedBy(child);
    for (auto it = affected.rbegin(); it != affected.rend(); ++it)
        if (*it != child && (*it)->running)
            plan.stops.append((*it)->uuid);
    for (const Child *c : affected)
        if (c == child || c->spec.restart != RestartType::Temporary)
            plan.restarts.append(c->uuid);
    plan.note = QStringLiteral("%1: restart %2 of %3 in this burst").arg(restartStrategyName(m_flags.strategy))
                    .arg(m_intensity.used(executor().now()) + 1)
                    .arg(m_flags.intensity);
    return plan;
}

int Supervisor::indexOf(const Child *child) const
{
    for (size_t i = 0; i < m_children.size(); ++i)
        if (m_children[i].get() == child)
            return int(i);
    return -1;
}

QString restartStrategyName(RestartStrategy strategy)
{
    switch (strategy) {
    case RestartStrategy::OneForOne: return QStringLiteral("one_for_one");
    case RestartStrategy::OneForAll: return QStringLiteral("one_for_all");
    case RestartStrategy::RestForOne: return QStringLiteral("rest_for_one");
    }
    return {};
}

Result<void> Supervisor::started()
{
    setTrapExit(true);
    reportSupervision();
    for (auto &child : m_children) {
        auto started = startOne(*child);
        if (!started)
            return fail(started.error());
    }
    return {};
}

Result<ActorRef> Supervisor::startOne(Child &child)
{
    std::unique_ptr<Actor> actor;
    try {
        if (child.spec.start)
            actor = child.spec.start();
    } catch (const std::exception &e) {
        return fail(ErrorCode::Crashed, child.spec.id + u": factory threw: " + QString::fromUtf8(e.what()));
    }
    if (!actor)
        return fail(ErrorCode::InvalidArgument, child.spec.id + u": factory returned no actor");
    SpawnOptions options = child.spec.options;
    options.parent = self();
    options.linkToParent = true;
    ActorRef ref = ActorCell::spawn(&system(), std::move(actor), options, child.uuid, child.nextIncarnation, true);
    if (ref.isNull())
        return fail(ErrorCode::Closed, child.spec.id + u": the system is shutting down");
    ++child.nextIncarnation;
    child.ref = ref;
    child.running = true;
    m_eventLog << u"start:" + child.spec.id;
    return ref;
}

Result<ActorRef> Supervisor::addChild(ChildSpec spec)
{
    if (m_shuttingDown)
        return fail(ErrorCode::Closed, QStringLiteral("supervisor is shutting down"));
    if (findById(spec.id))
        return fail(ErrorCode::InvalidArgument, u"duplicate child id " + spec.id);
    auto child = std::make_unique<Child>();
    child->spec = std::move(spec);
    Child *c = child.get();
    m_children.push_back(std::move(child));
    auto started = startOne(*c);
    if (!started)
        m_children.pop_back();
    return started;
}

void Supervisor::removeChild(Child *child)
{
    system().registry().remove(child->uuid);
    std::erase_if(m_children, [child](const std::unique_ptr<Child> &c) { return c.get() == child; });
}

Result<void> Supervisor::handle(Message &message)
{
    if (auto *exit = message.as<ExitSignal>()) {
        if (!parent().isNull() && exit->from == parent()) {
            // Our parent died abnormally: stop the children in order, then exit with it.
            if (exit->reason.isAbnormal() && !m_shuttingDown) {
                m_shuttingDown = true;
                m_queued.clear();
                const ExitReason reason{ExitReason::Kind::Linked, exit->from.toString() + u": " + exit->reason.toString()};
                if (m_busy)
                    m_afterTerminate = [this, reason] { shutdownAll(reason); };
                else
                    shutdownAll(reason);
            }
            return {};
        }
        childExited(exit->from, exit->reason);
        return {};
    }
    if (auto *timeout = message.as<TerminateTimeout>()) {
        terminationTimeout(timeout->token);
        return {};
    }
    if (auto *retry = message.as<RetryStart>()) {
        const QUuid id = retry->child;
        const ExitReason reason = retry->reason;
        enqueueOrRun([this, id, reason] {
            if (Child *c = findByUuid(id); c && !c->running && !m_shuttingDown)
                restartAfterCrash(*c, reason);
        });
        return {};
    }
    return {}; // like OTP, a supervisor ignores messages it does not know
}

void Supervisor::childExited(const ActorRef &ref, const ExitReason &reason)
{
    Child *child = findByRef(ref);
    if (!child || !child->running)
        return; // an older incarnation, or an actor that is not a child
    child->running = false;
    child->lastExit = reason;
    child->hasExited = true;
    m_eventLog << u"exit:" + child->spec.id;
    if (child == m_waitingFor) {
        if (m_killTimer)
            cancelTimer(m_killTimer);
        m_killTimer = 0;
        m_waitingFor = nullptr;
        terminateNext();
        return;
    }
    if (m_shuttingDown)
        return;
    if (m_busy) {
        const QUuid id = child->uuid;
        m_queued.push_back([this, id, reason] {
            if (Child *c = findByUuid(id); c && !c->running && !m_shuttingDown)
                restartAfterCrash(*c, reason);
        });
        return;
    }
    restartAfterCrash(*child, reason);
}

bool Supervisor::recordRestart()
{
    const bool within = m_intensity.record(executor().now());
    reportSupervision();
    return within;
}

void Supervisor::reportSupervision()
{
    setSupervision(m_intensity, restartStrategyName(m_flags.strategy));
}

void Supervisor::restartOne(Child &child)
{
    ++child.restartCount;
    auto started = startOne(child);
    if (!started) {
        qWarning("liveactor: supervisor %s could not restart %s: %s", qPrintable(self().toString()),
                 qPrintable(child.spec.id), qPrintable(started.error().toString()));
        // Counts as another crash (bounded by the intensity); retried from the mailbox, not
        // recursively.
        self().cell()->tellSystem(Envelope{Message(RetryStart{child.uuid, ExitReason::error(started.error().toString())})});
    }
}

void Supervisor::restartAfterCrash(Child &child, const ExitReason &reason)
{
    if (!restartsAfter(child.spec.restart, reason)) {
        if (child.spec.restart == RestartType::Temporary)
            removeChild(&child);
        else
            system().registry().setState(child.uuid, child.ref.incarnation(), ActorState::Stopped);
        return;
    }
    if (!recordRestart()) {
        escalate();
        return;
    }
    Child *crashed = &child;
    switch (m_flags.strategy) {
    case RestartStrategy::OneForOne:
        restartOne(child);
        return;
    case RestartStrategy::OneForAll:
    case RestartStrategy::RestForOne: {
        const std::vector<Child *> affected = affectedBy(crashed); // in start order
        std::vector<Child *> order;
        for (auto it = affected.rbegin(); it != affected.rend(); ++it)
            if (*it != crashed && (*it)->running)
                order.push_back(*it);
        beginTerminate(order, [this, affected, crashed] {
            if (m_shuttingDown)
                return;
            for (Child *c : affected) {
                if (c->running)
                    continue;
                if (c != crashed && c->spec.restart == RestartType::Temporary)
                    removeChild(c); // OTP: terminated temporary children are not restarted
                else
                    restartOne(*c);
            }
        });
        return;
    }
    }
}

void Supervisor::escalate()
{
    qWarning("liveactor: supervisor %s reached its maximum restart intensity (%d in %lld ms)",
             qPrintable(self().toString()), m_flags.intensity, qlonglong(m_flags.period.count()));
    m_eventLog << QStringLiteral("escalate");
    m_shuttingDown = true;
    m_queued.clear();
    std::vector<Child *> order;
    for (auto it = m_children.rbegin(); it != m_children.rend(); ++it)
        if ((*it)->running)
            order.push_back(it->get());
    beginTerminate(order, [this] { stop(ExitReason::shutdown(QStringLiteral("reached_max_restart_intensity"))); });
}

void Supervisor::shutdownAll(ExitReason reason)
{
    std::vector<Child *> order;
    for (auto it = m_children.rbegin(); it != m_children.rend(); ++it)
        if ((*it)->running)
            order.push_back(it->get());
    beginTerminate(order, [this, reason] { stop(reason); });
}

void Supervisor::beginTerminate(std::vector<Child *> order, std::move_only_function<void()> then)
{
    m_busy = true;
    m_terminating.assign(order.begin(), order.end());
    m_afterTerminate = std::move(then);
    terminateNext();
}

void Supervisor::terminateNext()
{
    while (!m_terminating.empty()) {
        Child *c = m_terminating.front();
        m_terminating.pop_front();
        if (!c->running)
            continue;
        m_eventLog << u"terminate:" + c->spec.id;
        m_waitingFor = c;
        if (c->spec.shutdownTimeout <= 0ms) {
            c->ref.cell()->tellSystem(Envelope{Message(SysKill{ExitReason::killed()})});
        } else {
            c->ref.cell()->tellSystem(Envelope{Message(SysShutdown{})});
            m_killTimer = sendAfter(c->spec.shutdownTimeout, TerminateTimeout{++m_terminateToken});
        }
        return; // continue when its exit arrives
    }
    m_busy = false;
    m_waitingFor = nullptr;
    auto then = std::move(m_afterTerminate);
    m_afterTerminate = nullptr;
    if (then)
        then();
    runQueued();
}

void Supervisor::terminationTimeout(quint64 token)
{
    if (token != m_terminateToken || !m_waitingFor)
        return;
    m_killTimer = 0;
    m_eventLog << u"kill:" + m_waitingFor->spec.id;
    m_waitingFor->ref.cell()->tellSystem(
        Envelope{Message(SysKill{ExitReason::killed(QStringLiteral("killed after shutdown timeout"))})});
}

void Supervisor::enqueueOrRun(std::move_only_function<void()> fn)
{
    if (m_busy)
        m_queued.push_back(std::move(fn));
    else
        fn();
}

void Supervisor::runQueued()
{
    while (!m_busy && !m_queued.empty()) {
        auto fn = std::move(m_queued.front());
        m_queued.pop_front();
        fn();
    }
}

bool Supervisor::shutdownRequested()
{
    if (m_shuttingDown && !m_busy)
        return false;
    m_queued.clear();
    if (m_busy) {
        // Let the running termination finish, then stop everything instead of restarting.
        m_shuttingDown = true;
        m_afterTerminate = [this] { shutdownAll(ExitReason::shutdown()); };
        return false;
    }
    m_shuttingDown = true;
    shutdownAll(ExitReason::shutdown());
    return false;
}

void Supervisor::stopping(const ExitReason &)
{
    // Children still running were killed with us (links) or are being shut down by the runtime;
    // their registry entries go now: nobody will restart them.
    for (auto &c : m_children)
        system().registry().remove(c->uuid);
}

// ---------------------------------------------------------------- any-thread helpers

void Supervisor::startChild(const ActorRef &supervisor, ChildSpec spec, QObject *context,
                            std::function<void(Result<ActorRef>)> done)
{
    auto complete = completion<Result<ActorRef>>(context, std::move(done));
    if (supervisor.isNull()) {
        (*complete)(fail(ErrorCode::Closed, QStringLiteral("null supervisor ref")));
        return;
    }
    supervisor.cell()->call([spec = std::move(spec), complete](Actor &actor) mutable {
        auto *self = dynamic_cast<Supervisor *>(&actor);
        if (!self) {
            (*complete)(fail(ErrorCode::NotSupported, QStringLiteral("not a supervisor")));
            return;
        }
        self->enqueueOrRun([self, spec = std::move(spec), complete]() mutable { (*complete)(self->addChild(std::move(spec))); });
    });
}

void Supervisor::terminateChild(const ActorRef &supervisor, const QString &id, QObject *context,
                                std::function<void(Result<void>)> done)
{
    auto complete = completion<Result<void>>(context, std::move(done));
    if (supervisor.isNull()) {
        (*complete)(fail(ErrorCode::Closed, QStringLiteral("null supervisor ref")));
        return;
    }
    supervisor.cell()->call([id, complete](Actor &actor) {
        auto *self = dynamic_cast<Supervisor *>(&actor);
        if (!self) {
            (*complete)(fail(ErrorCode::NotSupported, QStringLiteral("not a supervisor")));
            return;
        }
        self->enqueueOrRun([self, id, complete] {
            Child *c = self->findById(id);
            if (!c) {
                (*complete)(fail(ErrorCode::NotFound, u"no child " + id));
                return;
            }
            self->beginTerminate({c}, [self, c, complete] {
                if (c->spec.restart == RestartType::Temporary)
                    self->removeChild(c);
                else
                    self->system().registry().setState(c->uuid, c->ref.incarnation(), ActorState::Stopped);
                (*complete)(Result<void>{});
            });
        });
    });
}

void Supervisor::restartChild(const ActorRef &supervisor, const QUuid &childId, QObject *context,
                              std::function<void(Result<ActorRef>)> done)
{
    auto complete = completion<Result<ActorRef>>(context, std::move(done));
    if (supervisor.isNull()) {
        (*complete)(fail(ErrorCode::Closed, QStringLiteral("null supervisor ref")));
        return;
    }
    supervisor.cell()->call([childId, complete](Actor &actor) {
        auto *self = dynamic_cast<Supervisor *>(&actor);
        if (!self) {
            (*complete)(fail(ErrorCode::NotSupported, QStringLiteral("not a supervisor")));
            return;
        }
        self->enqueueOrRun([self, childId, complete] {
            Child *c = self->findByUuid(childId);
            if (!c) {
                (*complete)(fail(ErrorCode::NotFound, u"no child with id " + childId.toString(QUuid::WithoutBraces)));
                return;
            }
            if (self->m_shuttingDown) {
                (*complete)(fail(ErrorCode::Closed, QStringLiteral("supervisor is shutting down")));
                return;
            }
            self->beginTerminate({c}, [self, c, complete] {
                if (self->m_shuttingDown) {
                    (*complete)(fail(ErrorCode::Closed, QStringLiteral("supervisor is shutting down")));
                    return;
                }
                ++c->restartCount;
                (*complete)(self->startOne(*c));
            });
        });
    });
}

void Supervisor::which(const ActorRef &supervisor, QObject *context,
                       std::function<void(Result<QList<ChildInfo>>)> done)
{
    auto complete = completion<Result<QList<ChildInfo>>>(context, std::move(done));
    if (supervisor.isNull()) {
        (*complete)(fail(ErrorCode::Closed, QStringLiteral("null supervisor ref")));
        return;
    }
    supervisor.cell()->call([complete](Actor &actor) {
        auto *self = dynamic_cast<Supervisor *>(&actor);
        if (!self)
            (*complete)(fail(ErrorCode::NotSupported, QStringLiteral("not a supervisor")));
        else
            (*complete)(self->childInfos());
    });
}

} // namespace LiveActor
