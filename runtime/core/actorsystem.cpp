#include "core/actorsystem.h"

#include "core/actorcell_p.h"
#include "core/executor_p.h"
#include "core/supervisor.h"

#include <QThread>

#include <algorithm>

namespace LiveActor {

using namespace std::chrono_literals;

ActorSystem::ActorSystem(SystemConfig config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_registry(std::make_unique<Registry>())
{
    if (m_config.executors <= 0)
        m_config.executors = std::max(1, QThread::idealThreadCount());
    m_config.batchSize = std::clamp(m_config.batchSize, 1, 4096);
    if (qgetenv("LIVEACTOR_DISPATCHER") == "qt")
        m_config.dispatcher = SystemConfig::Dispatcher::Qt;
    const bool useEpoll = m_config.dispatcher == SystemConfig::Dispatcher::Epoll;
    for (int i = 0; i < m_config.executors; ++i) {
        if (m_config.deterministic)
            m_executors.push_back(std::make_unique<ManualExecutor>(this, i, &m_virtualNow));
        else
            m_executors.push_back(std::make_unique<ThreadExecutor>(this, i, m_config.batchSize, m_config.timeSlice, useEpoll));
    }
}

ActorSystem::~ActorSystem()
{
    shutdown(5000ms);
    m_executors.clear();
}

int ActorSystem::pickExecutor(Placement placement)
{
    const int n = executorCount();
    if (placement == Placement::LeastLoaded) {
        int best = 0;
        for (int i = 1; i < n; ++i)
            if (m_executors[size_t(i)]->actorCount() < m_executors[size_t(best)]->actorCount())
                best = i;
        return best;
    }
    return int(m_roundRobin.fetch_add(1, std::memory_order_relaxed) % unsigned(n));
}

ActorRef ActorSystem::spawnActor(std::unique_ptr<Actor> actor, SpawnOptions options)
{
    return ActorCell::spawn(this, std::move(actor), std::move(options), QUuid::createUuid(), 0, false);
}

ActorRef ActorSystem::resolve(const QUuid &id) const
{
    auto cell = m_registry->cell(id);
    if (!cell || cell->isDead())
        return {};
    return ActorRef(cell);
}

void ActorSystem::cellSpawned(const std::shared_ptr<ActorCell> &cell)
{
    {
        std::lock_guard lock(m_exitMutex);
        ++m_liveCells;
    }
    if (cell->parent().isNull()) {
        std::lock_guard lock(m_topMutex);
        if (m_topLevel.size() >= 64 && (m_topLevel.size() & (m_topLevel.size() - 1)) == 0)
            std::erase_if(m_topLevel, [](const std::weak_ptr<ActorCell> &w) {
                auto c = w.lock();
                return !c || c->isDead();
            });
        m_topLevel.push_back(cell);
    }
}

void ActorSystem::cellExited(ActorCell *)
{
    {
        std::lock_guard lock(m_exitMutex);
        --m_liveCells;
    }
    m_exitCv.notify_all();
}

bool ActorSystem::isShuttingDown() const
{
    return m_shuttingDown.load(std::memory_order_acquire);
}

void ActorSystem::kill(const QUuid &id, QObject *context, std::function<void(Result<void>)> done)
{
    auto deliver = std::make_shared<std::move_only_function<void(Result<void>)>>(
        onContext<Result<void>>(context, std::move(done)));
    auto cell = m_registry->cell(id);
    if (!cell) {
        (*deliver)(fail(ErrorCode::NotFound, QStringLiteral("no actor ") + id.toString(QUuid::WithoutBraces)));
        return;
    }
    cell->addExitObserver([deliver](const ExitReason &) { (*deliver)(Result<void>{}); });
    cell->tellSystem(Envelope{Message(SysKill{ExitReason::killed(QStringLiteral("by operator"))})});
}

void ActorSystem::shutdownActor(const QUuid &id, std::chrono::milliseconds timeout, QObject *context,
                                std::function<void(Result<void>)> done)
{
    auto deliver = std::make_shared<std::move_only_function<void(Result<void>)>>(
        onContext<Result<void>>(context, std::move(done)));
    auto cell = m_registry->cell(id);
    if (!cell) {
        (*deliver)(fail(ErrorCode::NotFound, QStringLiteral("no actor ") + id.toString(QUuid::WithoutBraces)));
        return;
    }
    cell->addExitObserver([deliver](const ExitReason &) { (*deliver)(Result<void>{}); });
    std::weak_ptr<ActorCell> weak = cell;
    cell->executor()->startTimer(timeout, [weak] {
        if (auto c = weak.lock(); c && !c->isDead())
            c->tellSystem(Envelope{Message(SysKill{ExitReason::killed(QStringLiteral("shutdown timeout"))})});
    });
    cell->tellSystem(Envelope{Message(SysShutdown{})});
}

void ActorSystem::restart(const QUuid &id, QObject *context, std::function<void(Result<ActorRef>)> done)
{
    auto cell = m_registry->cell(id);
    if (!cell) {
        onContext<Result<ActorRef>>(context, std::move(done))(
            fail(ErrorCode::NotFound, QStringLiteral("no actor ") + id.toString(QUuid::WithoutBraces)));
        return;
    }
    if (!cell->isSupervised() || cell->parent().isNull()) {
        onContext<Result<ActorRef>>(context, std::move(done))(
            fail(ErrorCode::NotSupported, QStringLiteral("not supervised: ") + ActorRef(cell).toString()));
        return;
    }
    Supervisor::restartChild(cell->parent(), id, context, std::move(done));
}

namespace {

/// One preview in flight: asks each parent in turn (on the parent's thread) and delivers once,
/// also when a parent exits before answering (the call is dropped with it).
struct ExitPreview
{
    Registry *registry;
    std::move_only_function<void(Result<QList<PreviewStep>>)> deliver;
    QList<PreviewStep> steps;

    ~ExitPreview()
    {
        if (deliver)
            deliver(fail(ErrorCode::Closed, QStringLiteral("a parent exited before it answered")));
    }
    void finish(Result<QList<PreviewStep>> r)
    {
        if (auto fn = std::move(deliver)) {
            deliver = nullptr;
            fn(std::move(r));
        }
    }
    static void ask(std::shared_ptr<ExitPreview> self, const QUuid &id, ChildExit cause)
    {
        auto cell = self->registry->cell(id);
        if (!cell)
            return self->finish(fail(ErrorCode::NotFound, QStringLiteral("no actor ") + id.toString(QUuid::WithoutBraces)));
        const ActorRef parent = cell->parent();
        if (cause == ChildExit::Restart && (!cell->isSupervised() || parent.isNull()))
            return self->finish(fail(ErrorCode::NotSupported, QStringLiteral("not supervised: ") + ActorRef(cell).toString()));
        if (parent.isNull())
            return self->finish(self->steps); // top-level: nothing restarts it
        PreviewStep step;
        step.parent = parent.id();
        if (auto info = self->registry->find(parent.id()))
            step.parentKind = info->kind;
        parent.cell()->call([self, id, cause, step = std::move(step)](Actor &actor) mutable {
            Result<ExitPlan> plan = actor.planChildExit(id, cause);
            if (!plan && plan.error().code != ErrorCode::NotSupported)
                return self->finish(fail(plan.error()));
            if (!plan) { // a plain parent: linked, it gets the exit signal; no one restarts the child
                step.plan.stops.append(id);
                step.plan.note = plan.error().message;
            } else {
                step.plan = std::move(*plan);
            }
            const bool escalates = step.plan.escalates;
            self->steps.append(std::move(step));
            if (escalates)
                ask(self, actor.self().id(), ChildExit::Shutdown); // it exits with reason Shutdown
            else
                self->finish(self->steps);
        });
    }
};

} // namespace

void ActorSystem::previewExit(const QUuid &id, ChildExit cause, QObject *context,
                              std::function<void(Result<QList<PreviewStep>>)> done)
{
    auto preview = std::make_shared<ExitPreview>();
    preview->registry = m_registry.get();
    preview->deliver = onContext<Result<QList<PreviewStep>>>(context, std::move(done));
    ExitPreview::ask(std::move(preview), id, cause);
}

void ActorSystem::ping(const QUuid &id, std::chrono::milliseconds timeout, QObject *context,
                       std::function<void(Result<std::chrono::microseconds>)> done)
{
    auto deliver = onContext<Result<std::chrono::microseconds>>(context, std::move(done));
    auto cell = m_registry->cell(id);
    if (!cell || cell->isDead()) {
        deliver(fail(ErrorCode::NotFound, QStringLiteral("no live actor ") + id.toString(QUuid::WithoutBraces)));
        return;
    }
    const auto start = Executor::Clock::now();
    auto slot = std::make_shared<ReplySlot>([start, deliver = std::move(deliver)](Result<Message> r) mutable {
        if (!r)
            deliver(fail(r.error()));
        else
            deliver(std::chrono::duration_cast<std::chrono::microseconds>(Executor::Clock::now() - start));
    });
    slot->armTimeout(cell->executor(), timeout, slot);
    if (cell->tellSystem(Envelope{Message(SysPing{}), {}, slot}) != SendStatus::Ok)
        slot->complete(fail(ErrorCode::Closed, QStringLiteral("actor exited")));
}

Result<void> ActorSystem::trace(const QUuid &id, const std::shared_ptr<TraceSink> &sink, bool subtree)
{
    if (!sink)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("no trace sink"));
    auto cell = m_registry->cell(id);
    if (!cell || cell->isDead())
        return fail(ErrorCode::NotFound, QStringLiteral("no live actor ") + id.toString(QUuid::WithoutBraces));
    cell->startTrace(sink, subtree);
    return {};
}

void ActorSystem::watch(const ActorRef &ref, QObject *context, std::function<void(ExitReason)> done)
{
    auto deliver = std::make_shared<std::move_only_function<void(ExitReason)>>(
        onContext<ExitReason>(context, std::move(done)));
    if (ref.isNull()) {
        (*deliver)(ExitReason{ExitReason::Kind::NoProc, {}});
        return;
    }
    ref.cell()->addExitObserver([deliver](const ExitReason &reason) { (*deliver)(reason); });
}

bool ActorSystem::shutdown(std::chrono::milliseconds timeout)
{
    if (m_stopped.exchange(true))
        return m_shutdownClean;
    m_shuttingDown.store(true, std::memory_order_release);

    std::vector<std::shared_ptr<ActorCell>> top;
    {
        std::lock_guard lock(m_topMutex);
        for (auto it = m_topLevel.rbegin(); it != m_topLevel.rend(); ++it)
            if (auto cell = it->lock(); cell && !cell->isDead())
                top.push_back(std::move(cell));
        m_topLevel.clear();
    }
    for (const auto &cell : top)
        cell->tellSystem(Envelope{Message(SysShutdown{})});
    top.clear();

    auto allExited = [this] {
        std::lock_guard lock(m_exitMutex);
        return m_liveCells == 0;
    };
    auto killRemaining = [this](const QString &why) {
        for (const auto &cell : m_registry->cells())
            if (!cell->isDead())
                cell->tellSystem(Envelope{Message(SysKill{ExitReason::killed(why)})});
    };

    if (m_config.deterministic) {
        runUntilIdle();
        if (!allExited())
            advanceTime(timeout);
        m_shutdownClean = allExited();
        if (!m_shutdownClean) {
            killRemaining(QStringLiteral("system shutdown timeout"));
            runUntilIdle();
        }
    } else {
        {
            std::unique_lock lock(m_exitMutex);
            m_exitCv.wait_for(lock, timeout, [this] { return m_liveCells == 0; });
            m_shutdownClean = m_liveCells == 0;
        }
        if (!m_shutdownClean) {
            killRemaining(QStringLiteral("system shutdown timeout"));
            std::unique_lock lock(m_exitMutex);
            m_exitCv.wait_for(lock, 1000ms, [this] { return m_liveCells == 0; });
        }
        for (auto &executor : m_executors)
            static_cast<ThreadExecutor *>(executor.get())->stop();
    }
    // Actors that never got to exit (a handler stuck past the timeout, a kill that arrived after
    // the executors stopped) stay reachable through refs held elsewhere: close their mailboxes so
    // a late tell() answers Closed instead of scheduling onto an executor that is about to be
    // destroyed.
    for (const auto &cell : m_registry->cells())
        cell->mailbox().closeAll();
    return m_shutdownClean;
}

bool ActorSystem::runUntilIdle(int maxSteps)
{
    Q_ASSERT(m_config.deterministic);
    int steps = 0;
    bool busy = true;
    while (busy) {
        busy = false;
        for (auto &executor : m_executors) {
            auto *manual = static_cast<ManualExecutor *>(executor.get());
            while (manual->runOnce()) {
                busy = true;
                if (++steps >= maxSteps)
                    return false;
            }
        }
    }
    return true;
}

void ActorSystem::advanceTime(std::chrono::milliseconds delta)
{
    Q_ASSERT(m_config.deterministic);
    runUntilIdle();
    const auto target = m_virtualNow + delta;
    for (;;) {
        ManualExecutor *next = nullptr;
        Executor::Clock::time_point when = target;
        for (auto &executor : m_executors) {
            auto *manual = static_cast<ManualExecutor *>(executor.get());
            if (auto e = manual->timers().earliest(); e && *e <= when) {
                when = *e;
                next = manual;
            }
        }
        if (!next)
            break;
        Executor::Clock::time_point deadline;
        std::move_only_function<void()> fn;
        if (next->timers().takeFirstDue(when, deadline, fn)) {
            m_virtualNow = std::max(m_virtualNow, deadline);
            next->runTimer(fn);
        }
        runUntilIdle();
    }
    m_virtualNow = target;
    runUntilIdle();
}

std::chrono::milliseconds ActorSystem::elapsed() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(m_virtualNow.time_since_epoch());
}

} // namespace LiveActor
