#include "liveview/viewactorbase.h"

#include "liveview/presence.h"
#include "liveview/pubsub.h"

#include <QDateTime>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace LiveActor {

QString ViewActorBase::viewId() const
{
    return self().id().toString(QUuid::WithoutBraces);
}

Result<QString> ViewActorBase::inspectAssigns(int maxBytes) const
{
    if (!m_runner)
        return fail(ErrorCode::Closed, u"the view is not mounted"_s);
    auto assigns = m_runner->inspectAssigns();
    if (!assigns)
        return fail(assigns.error());
    QJsonObject object;
    for (qsizetype i = 0; i < assigns->size(); ++i)
        object.insert(assigns->keys().at(i), assigns->values().at(i).toJson());
    QString text = QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
    if (maxBytes > 0 && text.size() > maxBytes)
        text = text.left(maxBytes) + u"\n… (cut at %1 characters of %2)"_s.arg(maxBytes).arg(text.size());
    return text;
}

void ViewActorBase::attachHistory(std::shared_ptr<HistorySink> sink)
{
    if (!m_runner)
        return sink->close(u"the view is not mounted"_s);
    m_runner->setHistory(std::move(sink));
}

bool ViewActorBase::handleBase(Message &message)
{
    if (auto *inspect = message.as<InspectAssigns>()) {
        reply(Message(inspectAssigns(inspect->maxBytes)));
        return true;
    }
    if (auto *timeout = message.as<SuspendTimeout>()) {
        if (timeout->token == m_suspension && m_pending) {
            m_timeoutTimer = 0;
            const QString why = u"handler timeout: still running after %1 ms"_s.arg(m_suspendTimeout.count());
            if (auto r = finishStep(fail(ErrorCode::Timeout, why)); !r)
                stop(ExitReason::error(r.error().toString()));
        }
        return true;
    }
    return false;
}

Result<void> ViewActorBase::step(Result<ViewUpdate> update, StepDone done)
{
    if (update && update->isPending()) {
        m_pending = std::move(done);
        return {};
    }
    if (auto r = done(std::move(update)); !r)
        return r;
    return replayDeferred();
}

ViewResume ViewActorBase::suspend(const QString &what)
{
    suspendMailbox();
    setDetail(u"waiting"_s, QString((what.isEmpty() ? u"a callback"_s : what) + u" since "_s
                                        + QDateTime::currentDateTime().toString(u"HH:mm:ss.zzz"_s)));
    const quint64 token = ++m_suspension;
    if (m_suspendTimeout.count() > 0)
        m_timeoutTimer = Actor::sendAfter(m_suspendTimeout, SuspendTimeout{token});
    return [ref = self(), token] {
        ref.call([token](Actor &actor) { static_cast<ViewActorBase &>(actor).resumed(token); });
    };
}

void ViewActorBase::resumed(quint64 token)
{
    if (token != m_suspension || !m_pending)
        return; // a step that timed out: its work came back too late
    if (m_timeoutTimer)
        Actor::cancelTimer(std::exchange(m_timeoutTimer, 0));
    auto update = m_runner->resume();
    if (update && update->isPending())
        return; // suspended again (a further callback of the same step): the mailbox stays so
    if (auto r = finishStep(std::move(update)); !r)
        stop(ExitReason::error(r.error().toString()));
}

Result<void> ViewActorBase::finishStep(Result<ViewUpdate> update)
{
    resumeMailbox();
    setDetail(u"waiting"_s, QVariant());
    StepDone done = std::exchange(m_pending, nullptr);
    if (auto r = done(std::move(update)); !r)
        return r;
    return replayDeferred();
}

Result<void> ViewActorBase::replayDeferred()
{
    while (!m_deferred.empty() && !m_pending) {
        Message info(ViewInfo(std::move(m_deferred.front())));
        m_deferred.pop_front();
        if (auto r = handle(info); !r)
            return r;
    }
    return {};
}

void ViewActorBase::stopping(const ExitReason &reason)
{
    if (m_pubsub) {
        m_pubsub->unsubscribeAll(self());
        m_pubsub->presence().untrackOwner(viewId()); // what it tracked leaves with it
    }
    if (reason.isAbnormal()) {
        setDetail(u"lastError"_s, reason.toString());
        // A Python handler's error ends with its formatted traceback (pythonError()); the monitor
        // shows it with the restart. A crash without one clears an older crash's.
        const qsizetype tb = reason.message.indexOf(u"Traceback (most recent call last):");
        setDetail(u"traceback"_s, tb < 0 ? QVariant() : QVariant(reason.message.mid(tb)));
    }
}

Result<void> ViewActorBase::subscribe(const QString &topic)
{
    if (topic.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"empty pub/sub topic"_s);
    if (m_pubsub)
        m_pubsub->subscribe(topic, self());
    return {};
}

void ViewActorBase::unsubscribe(const QString &topic)
{
    if (m_pubsub)
        m_pubsub->unsubscribe(topic, self());
}

int ViewActorBase::broadcast(const QString &topic, const QVariant &payload)
{
    return m_pubsub ? m_pubsub->broadcast(topic, payload) : 0;
}

quint64 ViewActorBase::sendAfter(std::chrono::milliseconds delay, const ViewInfo &info)
{
    // Through the system lane: a timer message is never Full, and dies with the view.
    return Actor::sendAfter(delay, ViewInfo(info));
}

bool ViewActorBase::cancelTimer(quint64 id)
{
    return Actor::cancelTimer(id);
}

void ViewActorBase::urlChanged(const QUrl &url)
{
    setDetail(u"path"_s, url.path());
}

} // namespace LiveActor
