#include "liveview/viewactorbase.h"

#include "liveview/pubsub.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace LiveActor {

QString ViewActorBase::viewId() const
{
    return self().id().toString(QUuid::WithoutBraces);
}

bool ViewActorBase::handleInspect(Message &message)
{
    auto *inspect = message.as<InspectAssigns>();
    if (!inspect)
        return false;
    auto assigns = m_runner ? m_runner->inspectAssigns()
                            : Result<ValueMap>(fail(ErrorCode::Closed, u"the view is not mounted"_s));
    if (!assigns) {
        reply(Message(Result<QString>(fail(assigns.error()))));
        return true;
    }
    QJsonObject object;
    for (qsizetype i = 0; i < assigns->size(); ++i)
        object.insert(assigns->keys().at(i), assigns->values().at(i).toJson());
    QString text = QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
    const int maxBytes = inspect->maxBytes;
    if (maxBytes > 0 && text.size() > maxBytes)
        text = text.left(maxBytes) + u"\n… (cut at %1 characters of %2)"_s.arg(maxBytes).arg(text.size());
    reply(Message(Result<QString>(text)));
    return true;
}

void ViewActorBase::stopping(const ExitReason &reason)
{
    if (m_pubsub)
        m_pubsub->unsubscribeAll(self());
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
