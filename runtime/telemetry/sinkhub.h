#pragma once

#include "core/actorsystem.h"
#include "core/result.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace liveactor::monitor::v1 {
class ServerMessage;
} // namespace liveactor::monitor::v1

namespace LiveActor {

/// What the control plane's observers (TraceHub: message traces, HistoryHub: assigns histories)
/// share: sessions of one connection on one actor, each with a sink the actor records into, sent
/// to that connection in batches every batchMs while any session runs (the timer stops when none
/// does, so an idle control plane pays nothing for it). A session ends on stop(), when its actor
/// exits, when its connection goes (clientGone()) or when endedBySink() says so; each end sends
/// a last batch with stopped = true (except to a connection that is gone) and closes the sink.
///
/// Sink: has close() or close(QString reason), and isClosed().
/// Thread affinity: the ControlServer's thread. The ActorSystem must outlive it.
template<typename Sink>
class SinkHub : public QObject
{
public:
    /// Sends a message to the connection with this serial (if it is still there).
    using Send = std::function<void(quint64 client, const ::liveactor::monitor::v1::ServerMessage &message)>;

    ~SinkHub() override
    {
        for (Session &session : m_sessions)
            closeSink(session, {});
    }

    /// NotFound if client has no session on actor.
    Result<void> stop(quint64 client, const QUuid &actor)
    {
        auto it = find(client, actor);
        if (it == m_sessions.end())
            return fail(ErrorCode::NotFound, QStringLiteral("no %1 on %2 from this connection")
                                                 .arg(m_noun, actor.toString(QUuid::WithoutBraces)));
        end(*it, QStringLiteral("stopped"), true);
        m_sessions.erase(it);
        return {};
    }
    /// The connection closed: its sessions end (nothing more is sent to it).
    void clientGone(quint64 client)
    {
        std::erase_if(m_sessions, [&](Session &s) {
            if (s.client != client)
                return false;
            end(s, QStringLiteral("connection closed"), false);
            return true;
        });
    }
    /// Ends every session (server stopping).
    void stopAll()
    {
        for (Session &session : m_sessions)
            end(session, QStringLiteral("server stopping"), true);
        m_sessions.clear();
        m_timer.stop();
    }
    int sessionCount() const { return int(m_sessions.size()); }

protected:
    struct Session
    {
        quint64 client = 0;
        QUuid actor;
        std::shared_ptr<Sink> sink;
        quint64 sent = 0;   ///< the subclass's counter of what it already reported (drops, losses)
        quint64 serial = 0; ///< tells a replaced session's exit watch from the current one's
    };

    /// noun, nouns: what a session is, for messages ("trace", "traces").
    SinkHub(ActorSystem &system, int batchMs, Send send, QString noun, QString nouns, QObject *parent)
        : QObject(parent)
        , m_system(system)
        , m_send(std::move(send))
        , m_noun(std::move(noun))
        , m_nouns(std::move(nouns))
    {
        m_timer.setInterval(std::max(10, batchMs));
        connect(&m_timer, &QTimer::timeout, this, &SinkHub::flush);
    }

    /// Full when client runs maxPerClient sessions already (replacing one of its own is fine).
    Result<void> checkRoom(quint64 client, const QUuid &actor, int maxPerClient) const
    {
        if (std::ranges::any_of(m_sessions, [&](const Session &s) { return s.client == client && s.actor == actor; })
            || std::ranges::count(m_sessions, client, &Session::client) < maxPerClient)
            return {};
        return fail(ErrorCode::Full, QStringLiteral("this connection already runs %1 %2").arg(maxPerClient).arg(m_nouns));
    }
    /// Starts client's session on ref with sink (replacing its earlier one on the same actor).
    void add(quint64 client, const ActorRef &ref, std::shared_ptr<Sink> sink)
    {
        const quint64 serial = m_nextSerial++;
        Session session{client, ref.id(), std::move(sink), 0, serial};
        if (auto existing = find(client, ref.id()); existing != m_sessions.end()) {
            closeSink(*existing, QStringLiteral("replaced"));
            *existing = std::move(session);
        } else {
            m_sessions.push_back(std::move(session));
        }
        m_system.watch(ref, this, [this, serial](ExitReason) {
            auto it = std::ranges::find(m_sessions, serial, &Session::serial);
            if (it == m_sessions.end())
                return; // stopped or replaced meanwhile
            end(*it, QStringLiteral("actor exited"), true);
            m_sessions.erase(it);
        });
        if (!m_timer.isActive())
            m_timer.start();
    }
    /// Sends what the session's sink holds (only when something changed, unless stopped).
    virtual void sendBatch(Session &session, bool stopped, const QString &reason) = 0;
    /// Checked at each tick: a reason when the session ended on its own (its sink says why).
    virtual std::optional<QString> endedBySink(const Session &session) const
    {
        Q_UNUSED(session);
        return std::nullopt;
    }
    void deliver(const Session &session, const ::liveactor::monitor::v1::ServerMessage &message)
    {
        m_send(session.client, message);
    }

    ActorSystem &m_system;

private:
    auto find(quint64 client, const QUuid &actor)
    {
        return std::ranges::find_if(m_sessions, [&](const Session &s) { return s.client == client && s.actor == actor; });
    }
    static void closeSink(Session &session, const QString &reason)
    {
        if constexpr (requires { session.sink->close(reason); })
            session.sink->close(reason);
        else
            session.sink->close();
    }
    void end(Session &session, const QString &reason, bool notify)
    {
        closeSink(session, reason);
        if (notify)
            sendBatch(session, true, reason);
        // The timer stops at its next tick when no session is left.
    }
    void flush()
    {
        std::erase_if(m_sessions, [&](Session &s) {
            const std::optional<QString> why = endedBySink(s);
            if (why)
                sendBatch(s, true, *why);
            return why.has_value();
        });
        for (Session &session : m_sessions)
            sendBatch(session, false, {});
        if (m_sessions.empty())
            m_timer.stop();
    }

    Send m_send;
    QString m_noun;
    QString m_nouns;
    std::vector<Session> m_sessions;
    QTimer m_timer;
    quint64 m_nextSerial = 1;
};

} // namespace LiveActor
