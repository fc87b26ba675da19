#include "core/actor.h"

#include "core/actorcell_p.h"
#include "core/actorsystem.h"

#include <QDateTime>

namespace LiveActor {

Actor::Actor() = default;
Actor::~Actor() = default;

namespace {
const ActorRef s_nullRef;
}

const ActorRef &Actor::self() const
{
    return m_cell ? m_cell->ref() : s_nullRef;
}

ActorSystem &Actor::system() const
{
    return *m_cell->system();
}

Executor &Actor::executor() const
{
    return *m_cell->executor();
}

QObject *Actor::context() const
{
    return m_cell->executor()->context();
}

Result<ExitPlan> Actor::planChildExit(const QUuid &, ChildExit) const
{
    return fail(ErrorCode::NotSupported, QStringLiteral("its parent does not restart children"));
}

const ActorRef &Actor::sender() const
{
    return m_current ? m_current->sender : s_nullRef;
}

bool Actor::isAsk() const
{
    return m_current && m_current->reply && !m_current->reply->isDone();
}

void Actor::reply(Message response)
{
    if (m_current && m_current->reply)
        m_current->reply->complete(std::move(response));
}

SendStatus Actor::send(const ActorRef &to, Message message)
{
    if (to.isNull())
        return SendStatus::Closed;
    if (m_cell->trace()) [[unlikely]]
        m_cell->traceOut(to, message);
    return to.cell()->tell(Envelope{std::move(message), m_cell->ref()});
}

void Actor::ask(const ActorRef &to, Message request, std::chrono::milliseconds timeout,
                std::move_only_function<void(Result<Message>)> onReply)
{
    std::weak_ptr<ActorCell> asker = m_cell->weak_from_this();
    auto slot = std::make_shared<ReplySlot>(
        [asker, onReply = std::move(onReply)](Result<Message> result) mutable {
            if (auto cell = asker.lock())
                cell->call([onReply = std::move(onReply), result = std::move(result)](Actor &) mutable {
                    onReply(std::move(result));
                });
        });
    if (to.isNull()) {
        slot->complete(fail(ErrorCode::Closed, QStringLiteral("null actor ref")));
        return;
    }
    slot->armTimeout(m_cell->executor(), timeout, slot);
    if (m_cell->trace()) [[unlikely]]
        m_cell->traceOut(to, request);
    const SendStatus status = to.cell()->tell(Envelope{std::move(request), m_cell->ref(), slot});
    if (status == SendStatus::Full)
        slot->complete(fail(ErrorCode::Full, QStringLiteral("mailbox full: ") + to.toString()));
    else if (status == SendStatus::Closed)
        slot->complete(fail(ErrorCode::Closed, QStringLiteral("actor stopped: ") + to.toString()));
}

PendingReply Actor::takeReply()
{
    if (!m_current || !m_current->reply)
        return {};
    return PendingReply(std::move(m_current->reply));
}

PendingReply::~PendingReply() = default;

bool PendingReply::reply(Message response)
{
    if (!m_slot)
        return false;
    auto slot = std::move(m_slot);
    return slot->complete(std::move(response));
}

bool PendingReply::fail(Error error)
{
    if (!m_slot)
        return false;
    auto slot = std::move(m_slot);
    return slot->complete(LiveActor::fail(std::move(error)));
}

ActorRef Actor::spawnActor(std::unique_ptr<Actor> actor, SpawnOptions options)
{
    options.parent = m_cell->ref();
    return ActorCell::spawn(m_cell->system(), std::move(actor), std::move(options), QUuid::createUuid(), 0, false);
}

ActorRef Actor::spawnRestartableActor(std::unique_ptr<Actor> actor, SpawnOptions options, const QUuid &id,
                                      quint32 incarnation)
{
    options.parent = m_cell->ref();
    const bool fresh = id.isNull();
    return ActorCell::spawn(m_cell->system(), std::move(actor), std::move(options), fresh ? QUuid::createUuid() : id,
                            fresh ? 0 : incarnation, true);
}

void Actor::forgetChild(const QUuid &id)
{
    m_cell->system()->registry().removeKept(id, m_cell->id());
}

QList<ActorRef> Actor::children() const
{
    return m_cell->children();
}

ActorRef Actor::parent() const
{
    return m_cell->parent();
}

Executor::TimerId Actor::sendAfter(std::chrono::milliseconds delay, Message message)
{
    return m_cell->addTimer(delay, std::move(message));
}

bool Actor::cancelTimer(Executor::TimerId id)
{
    return m_cell->cancelTimer(id);
}

void Actor::link(const ActorRef &other)
{
    if (other.isNull() || other.cell() == m_cell)
        return;
    if (!other.cell()->addLink(m_cell->ref())) {
        m_cell->tellSystem(Envelope{Message(SysExit{other, {ExitReason::Kind::NoProc, QStringLiteral("link to an exited actor")}})});
        return;
    }
    m_cell->addLink(other);
}

void Actor::unlink(const ActorRef &other)
{
    if (other.isNull())
        return;
    other.cell()->removeLink(m_cell);
    m_cell->removeLink(other.cell());
}

void Actor::monitor(const ActorRef &other)
{
    if (other.isNull() || !other.cell()->addMonitor(m_cell->ref()))
        m_cell->tellSystem(Envelope{Message(Down{other, {ExitReason::Kind::NoProc, QStringLiteral("monitor of an exited actor")}})});
}

void Actor::demonitor(const ActorRef &other)
{
    if (!other.isNull())
        other.cell()->removeMonitor(m_cell);
}

void Actor::suspendMailbox()
{
    m_cell->setSuspended(true);
}

void Actor::resumeMailbox()
{
    m_cell->setSuspended(false);
}

bool Actor::isMailboxSuspended() const
{
    return m_cell->isSuspended();
}

void Actor::setTrapExit(bool trap)
{
    m_cell->setTrapExit(trap);
}

bool Actor::trapExit() const
{
    return m_cell->trapExit();
}

void Actor::stop(ExitReason reason)
{
    m_cell->requestStop(std::move(reason));
}

void Actor::setDetail(const QString &key, const QVariant &value)
{
    m_cell->system()->registry().setDetail(m_cell->id(), key, value);
}

void Actor::setSupervision(const RestartIntensity &intensity, const QString &strategy)
{
    const SupervisionInfo info = intensity.info(strategy, executor().now(), QDateTime::currentMSecsSinceEpoch());
    m_cell->system()->registry().setSupervision(m_cell->id(), info);
}

} // namespace LiveActor
