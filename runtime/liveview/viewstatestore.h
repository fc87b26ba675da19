#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace LiveActor {

/// Where the records of views that resume live between instances (ViewHandler::persistedState;
/// `liveactor serve --redis` puts runtime/cluster's PersistStore behind it). A record is named by
/// the join's verified session token and the view's topic: the implementation derives its key
/// from them with server secret material, so a client can neither pick nor forge another
/// session's record.
/// Thread-safe: called from the views' and sessions' executors; callbacks may run on any thread
/// (callers hop back to their actor with ActorRef::call).
class ViewStateStore
{
public:
    virtual ~ViewStateStore() = default;
    /// Keeps record as the latest of (sessionToken, topic); asynchronous, coalesced.
    virtual void save(const QByteArray &sessionToken, const QString &topic, const QByteArray &record) = 0;
    /// done gets the stored record, or nullopt when there is none or the store cannot answer.
    virtual void load(const QByteArray &sessionToken, const QString &topic,
                      std::function<void(std::optional<QByteArray>)> done) = 0;
    /// done once nothing saved so far is waiting to be written (draining: the socket closes
    /// after it). It may never run while the store is unreachable: callers bound the wait.
    virtual void whenSaved(std::function<void()> done) = 0;
};

} // namespace LiveActor
