#include "core/actorref.h"

#include "core/actorcell_p.h"
#include "core/actorsystem.h"

namespace LiveActor {

QString sendStatusName(SendStatus status)
{
    switch (status) {
    case SendStatus::Ok: return QStringLiteral("ok");
    case SendStatus::Full: return QStringLiteral("full");
    case SendStatus::Closed: return QStringLiteral("closed");
    }
    return QStringLiteral("unknown");
}

QUuid ActorRef::id() const
{
    return m_cell ? m_cell->id() : QUuid();
}

quint32 ActorRef::incarnation() const
{
    return m_cell ? m_cell->incarnation() : 0;
}

QString ActorRef::kind() const
{
    return m_cell ? m_cell->kind() : QString();
}

int ActorRef::executorIndex() const
{
    return m_cell ? m_cell->executor()->index() : -1;
}

bool ActorRef::isAlive() const
{
    return m_cell && !m_cell->isDead();
}

bool ActorRef::isStale() const
{
    return m_cell && m_cell->system()->registry().currentIncarnation(m_cell->id()) > m_cell->incarnation();
}

SendStatus ActorRef::tell(Message message) const
{
    if (!m_cell)
        return SendStatus::Closed;
    return m_cell->tell(Envelope{std::move(message)});
}

SendStatus ActorRef::tell(Message message, const ActorRef &sender) const
{
    if (!m_cell)
        return SendStatus::Closed;
    return m_cell->tell(Envelope{std::move(message), sender});
}

SendStatus ActorRef::call(std::move_only_function<void(Actor &)> fn) const
{
    if (!m_cell)
        return SendStatus::Closed;
    return m_cell->call(std::move(fn));
}

void ActorRef::ask(Message request, std::chrono::milliseconds timeout, QObject *context,
                   std::function<void(Result<Message>)> onReply) const
{
    auto deliver = onContext<Result<Message>>(context, std::move(onReply));
    if (!m_cell) {
        deliver(fail(ErrorCode::Closed, QStringLiteral("null actor ref")));
        return;
    }
    auto slot = std::make_shared<ReplySlot>(std::move(deliver));
    slot->armTimeout(m_cell->executor(), timeout, slot);
    const SendStatus status = m_cell->tell(Envelope{std::move(request), {}, slot});
    if (status == SendStatus::Full)
        slot->complete(fail(ErrorCode::Full, QStringLiteral("mailbox full: ") + toString()));
    else if (status == SendStatus::Closed)
        slot->complete(fail(ErrorCode::Closed, QStringLiteral("actor stopped: ") + toString()));
}

QString ActorRef::toString() const
{
    if (!m_cell)
        return QStringLiteral("null");
    return m_cell->kind() + u':' + m_cell->id().toString(QUuid::WithoutBraces) + u'#'
        + QString::number(m_cell->incarnation());
}

size_t qHash(const ActorRef &ref, size_t seed) noexcept
{
    return ::qHash(reinterpret_cast<quintptr>(ref.cell()), seed);
}

} // namespace LiveActor
