#include "liveview/sessionactor.h"

#include "liveview/logging.h"
#include "liveview/websocketconnection_p.h"
#include "liveview/viewactor.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;
using namespace std::chrono;

namespace LiveActor {

SessionActor::SessionActor(std::shared_ptr<ServerState> state, WebSocketConnection *socket, QString peer)
    : m_state(std::move(state)), m_socket(socket), m_peer(std::move(peer))
{
}

SessionActor::~SessionActor()
{
    if (m_socket) { // never started (or stopping() did not run): the socket still needs closing
        m_socket->close(CloseCode::InternalError, u"session did not start"_s);
        m_socket->deleteWhenClosed();
    }
}

Result<void> SessionActor::started()
{
    m_state->counters.activeSessions.fetch_add(1);
    m_counted = true;
    setTrapExit(true);
    if (!m_socket)
        return fail(ErrorCode::Internal, u"session has no socket"_s);
    m_writer = std::make_shared<ChannelWriter>(m_socket);
    m_lastFrame = m_lastActivity = m_lastHealth = executor().now();
    setDetail(u"peer"_s, m_peer);
    m_socket->attach(self());
    scheduleTick();
    return {};
}

void SessionActor::scheduleTick()
{
    const auto &c = m_state->config;
    auto period = std::min({c.idleTimeout, c.sessionTtl, c.healthInterval}) / 3;
    period = std::clamp(period, milliseconds(20), milliseconds(1000));
    sendAfter(period, SessionTick{}); // system lane: never Full, cancelled when the session exits
}

Result<void> SessionActor::handle(Message &message)
{
    if (!message.is<SessionTick>())
        m_lastActivity = executor().now();
    if (auto *frame = message.as<InboundFrame>()) {
        m_lastFrame = executor().now();
        handleFrame(frame->text);
        return {};
    }
    if (message.is<SessionTick>()) {
        tick();
        return {};
    }
    if (message.is<SocketGone>()) {
        m_socketGone = true;
        return {};
    }
    if (auto *exit = message.as<ExitSignal>()) {
        if (exit->from == parent()) {
            stop(ExitReason::shutdown(u"session supervisor exited"_s));
            return {};
        }
        viewExited(exit->from, exit->reason);
        return {};
    }
    if (message.is<Down>())
        return {};
    return fail(ErrorCode::InvalidArgument, u"session: unexpected message "_s + QLatin1StringView(message.typeName()));
}

void SessionActor::handleFrame(const QByteArray &text)
{
    auto parsed = ChannelMessage::parse(text);
    if (!parsed) {
        m_socket->protocolError(CloseCode::ProtocolError, parsed.error().message);
        return;
    }
    const ChannelMessage &m = *parsed;
    if (m.topic == u"phoenix") {
        if (m.event == u"heartbeat")
            send(ChannelMessage::reply(m, u"ok"_s));
        else
            send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"unknown event"})"));
        return;
    }
    if (m.event == u"phx_join") {
        handleJoin(m);
        return;
    }
    if (m.event == u"phx_leave") {
        handleLeave(m);
        return;
    }
    auto it = m_views.find(m.topic);
    if (it == m_views.end()) {
        ChannelMessage r = m;
        r.joinRef.reset();
        send(ChannelMessage::replyRaw(r, u"error"_s, R"({"reason":"unmatched topic"})"));
        return;
    }
    switch (Actor::send(it->ref, ClientPush{m})) {
    case SendStatus::Ok:
        return;
    case SendStatus::Full:
        m_state->counters.overloaded.fetch_add(1);
        send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"overloaded"})"));
        return;
    case SendStatus::Closed:
        send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"unmatched topic"})"));
        return;
    }
}

void SessionActor::handleJoin(const ChannelMessage &m)
{
    auto error = [&](const char *reason) {
        send(ChannelMessage::replyRaw(m, u"error"_s, "{\"reason\":\"" + QByteArray(reason) + "\"}"));
    };
    if (!m.topic.startsWith(u"lv:")) {
        ChannelMessage r = m;
        r.joinRef.reset();
        send(ChannelMessage::replyRaw(r, u"error"_s, R"({"reason":"unmatched topic"})"));
        return;
    }
    if (m_shuttingDown)
        return error("stale");
    auto claims = m_state->signer->verify(m.payload.value(u"session").toString().toUtf8(),
                                          m_state->config.tokenMaxAge);
    if (!claims) {
        qCInfo(lcLiveView) << "join" << m.topic << "refused: session token:" << claims.error().message;
        return error("stale");
    }
    if (u"lv:"_s + claims->value(u"id").toString() != m.topic) {
        qCInfo(lcLiveView) << "join" << m.topic << "refused: token for another container";
        return error("stale");
    }
    const QJsonObject params = m.payload.value(u"params").toObject();
    if (m_state->config.checkCsrf && params.value(u"_csrf_token").toString() != claims->value(u"csrf").toString()) {
        qCInfo(lcLiveView) << "join" << m.topic << "refused: CSRF token mismatch";
        return error("unauthorized");
    }
    const bool isRedirect = m.payload.contains(u"redirect");
    const QUrl url(m.payload.value(isRedirect ? u"redirect" : u"url").toString());
    auto route = url.isValid() ? m_state->router.match(url.path()) : std::nullopt;
    if (!route)
        return error(isRedirect ? "unauthorized" : "stale");

    // A second join of a live topic replaces it, never silently: the old join is closed first.
    if (auto old = m_views.find(m.topic); old != m_views.end()) {
        old->slot->joined = false;
        send(ChannelMessage::encodeRaw(old->slot->joinRef, old->slot->joinRef, m.topic, u"phx_close"_s, "{}"));
        system().shutdownActor(old->ref.id(), milliseconds(2000));
        m_views.erase(old);
    }
    if (m_views.size() >= m_state->config.maxViewsPerSession)
        return error("too many views");

    auto slot = std::make_shared<ViewSlot>();
    slot->topic = m.topic;
    slot->joinRef = m.joinRef.value_or(m.ref.value_or(QString()));
    ViewSetup setup{m_state, m_writer, slot, m, *route, url,
                    mergedParams(url, route->params), claims->value(u"s").toObject()};
    SpawnOptions options;
    options.kind = u"view"_s;
    options.name = m.topic;
    options.capacity = m_state->config.viewMailbox;
    options.detail = {{u"topic"_s, m.topic}};
    ActorRef view = spawn<ViewActor>(std::move(options), std::move(setup));
    if (view.isNull())
        return error("stale");
    m_views.insert(m.topic, Entry{view, slot});
    m_byRef.insert(view, slot);
}

void SessionActor::handleLeave(const ChannelMessage &m)
{
    send(ChannelMessage::reply(m, u"ok"_s));
    auto it = m_views.find(m.topic);
    // A leave of an older join (the client re-joined before the leave was answered) must not stop
    // the new view.
    if (it == m_views.end() || (m.joinRef && *m.joinRef != it->slot->joinRef))
        return;
    it->slot->joined = false;
    send(ChannelMessage::encodeRaw(it->slot->joinRef, it->slot->joinRef, m.topic, u"phx_close"_s, "{}"));
    system().shutdownActor(it->ref.id(), milliseconds(2000));
    m_views.erase(it);
}

void SessionActor::viewExited(const ActorRef &ref, const ExitReason &reason)
{
    auto slot = m_byRef.take(ref);
    if (!slot)
        return;
    auto it = m_views.find(slot->topic);
    const bool current = it != m_views.end() && it->ref == ref;
    if (current)
        m_views.erase(it);
    if (current && slot->joined && reason.isAbnormal() && !m_shuttingDown) {
        m_state->counters.viewCrashes.fetch_add(1);
        qCWarning(lcLiveView).noquote() << "view" << slot->topic << ref.id().toString(QUuid::WithoutBraces)
                                        << "crashed:" << reason.toString();
        send(ChannelMessage::encodeRaw(slot->joinRef, slot->joinRef, slot->topic, u"phx_error"_s,
                                       R"({"reason":"channel_crash"})"));
        const auto now = executor().now();
        m_crashes.push_back(now);
        while (!m_crashes.empty() && now - m_crashes.front() >= m_state->config.viewCrashPeriod)
            m_crashes.pop_front();
        if (int(m_crashes.size()) > m_state->config.viewCrashIntensity) {
            qCWarning(lcLiveView) << "session" << m_peer << "ends: more than"
                                  << m_state->config.viewCrashIntensity << "view crashes";
            closeSocket(CloseCode::InternalError, u"too many view crashes"_s);
            stop(ExitReason::shutdown(u"reached_max_view_crashes"_s));
            return;
        }
    }
    if (m_shuttingDown && m_byRef.isEmpty()) {
        closeSocket(CloseCode::GoingAway, u"server shutting down"_s);
        stop(ExitReason::shutdown());
    }
}

void SessionActor::tick()
{
    const auto now = executor().now();
    const auto &c = m_state->config;
    if (m_socket && m_socket->isDisconnected() && !m_socketGone) {
        m_socketGone = true;
        m_lastActivity = now;
    }
    if (m_socketGone) {
        if (now - m_lastActivity >= c.sessionTtl) {
            m_state->counters.sessionsReaped.fetch_add(1);
            qCInfo(lcLiveView) << "session" << m_peer << "reaped" << m_byRef.size() << "views after TTL";
            stop(ExitReason::normal());
            return;
        }
    } else if (now - m_lastFrame >= c.idleTimeout) {
        qCInfo(lcLiveView) << "session" << m_peer << "idle: closing its socket";
        closeSocket(CloseCode::GoingAway, u"idle"_s);
        m_lastFrame = now;
    }
    if (now - m_lastHealth >= c.healthInterval) {
        m_lastHealth = now;
        for (const ActorRef &view : m_byRef.keys()) {
            ActorSystem *sys = &system();
            ServerState *state = m_state.get();
            const QUuid id = view.id();
            sys->ping(id, c.healthTimeout, nullptr, [sys, state, id, keep = m_state](Result<microseconds> r) {
                if (!r && r.error().code == ErrorCode::Timeout) {
                    state->counters.healthKills.fetch_add(1);
                    qCWarning(lcLiveView) << "view" << id << "missed its health ping: killing it";
                    sys->kill(id);
                }
            });
        }
    }
    scheduleTick();
}

void SessionActor::closeSocket(CloseCode code, const QString &reason)
{
    if (m_socket)
        m_socket->close(code, reason);
}

bool SessionActor::shutdownRequested()
{
    m_shuttingDown = true;
    if (m_byRef.isEmpty()) {
        closeSocket(CloseCode::GoingAway, u"server shutting down"_s);
        return true;
    }
    for (const ActorRef &view : m_byRef.keys())
        system().shutdownActor(view.id(), milliseconds(2000));
    return false;
}

void SessionActor::stopping(const ExitReason &reason)
{
    if (m_counted)
        m_state->counters.activeSessions.fetch_sub(1);
    if (!m_socket)
        return;
    m_socket->detach();
    closeSocket(reason.isNormal() ? CloseCode::GoingAway : CloseCode::InternalError,
                reason.isNormal() ? u"session ended"_s : u"session crashed"_s);
    // The socket lives on this executor's thread, which outlives the actor: it finishes the close
    // handshake (or gives up after 2 s) and deletes itself there.
    std::exchange(m_socket, nullptr)->deleteWhenClosed();
}

} // namespace LiveActor
