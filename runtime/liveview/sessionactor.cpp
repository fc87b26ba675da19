#include "liveview/sessionactor.h"

#include "liveview/flash.h"
#include "liveview/logging.h"
#include "liveview/pageshell.h"
#include "liveview/uploadframe.h"
#include "liveview/websocketconnection_p.h"
#include "liveview/viewactor.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;
using namespace std::chrono;

namespace LiveActor {

SessionActor::SessionActor(std::shared_ptr<ServerState> state, WebSocketConnection *socket, QString peer)
    : m_state(std::move(state)), m_socket(socket), m_peer(std::move(peer)),
      m_viewCrashes(m_state->config.viewCrashIntensity, m_state->config.viewCrashPeriod)
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
    setSupervision(m_viewCrashes, u"session"_s);
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
        if (frame->binary)
            handleChunk(frame->text);
        else
            handleFrame(frame->text);
        return {};
    }
    if (message.is<SessionTick>()) {
        tick();
        return {};
    }
    if (message.is<DrainTimeout>()) {
        if (!m_drained)
            qCWarning(lcLiveView) << "session" << m_peer << "closes before its views' state was saved (timeout)";
        finishShutdown();
        return {};
    }
    if (message.is<SocketGone>()) {
        socketGone();
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
    if (auto *notice = message.as<DevNotice>()) {
        send(ChannelMessage::encodeRaw(std::nullopt, std::nullopt, u"liveactor"_s, notice->event, notice->payload));
        return {};
    }
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
    View *view = currentView(m.topic);
    if (!view) {
        ChannelMessage r = m;
        r.joinRef.reset();
        send(ChannelMessage::replyRaw(r, u"error"_s, R"({"reason":"unmatched topic"})"));
        return;
    }
    switch (Actor::send(view->ref, ClientPush{m})) {
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
    if (m.topic.startsWith(u"lvu:"))
        return joinUpload(m);
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
    if (m_socket) // a client with a page of ours: its partial messages are its own matter now
        m_socket->markJoined();
    if (claims->contains(u"child"_s))
        return joinChild(m, *claims);
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
    // The token is bound to the view its page rendered: a page's join (or rejoin) mounts that
    // view only, so one page's token cannot open another route. A live navigation (redirect) mounts
    // the route it names, as Phoenix allows within one live_session (the whole app is one).
    if (!isRedirect && route->pattern != claims->value(u"view").toString()) {
        qCInfo(lcLiveView).noquote() << "join" << m.topic << "refused: a token of" << claims->value(u"view").toString()
                                     << "for" << route->pattern;
        return error("unauthorized");
    }
    startView(m, std::move(*route), url, claims->value(u"s").toObject(), joinFlash(m, *claims, isRedirect), {});
}

void SessionActor::joinChild(const ChannelMessage &m, const QJsonObject &claims)
{
    auto refuse = [&](const QString &reason) {
        qCInfo(lcLiveView).noquote() << "join" << m.topic << "refused:" << reason;
        send(ChannelMessage::replyRaw(m, u"error"_s,
                                      QJsonDocument(QJsonObject{{u"reason"_s, reason}}).toJson(QJsonDocument::Compact)));
    };
    const QString view = claims.value(u"child"_s).toString();
    // A sticky view has no parent: it outlives the page's live navigation. Any other child lives
    // as long as the view that rendered it (the client joins children after their parent).
    ActorRef parent;
    if (!claims.value(u"sticky"_s).toBool()) {
        const View *p = currentView(u"lv:"_s + claims.value(u"parent"_s).toString());
        if (!p || !p->slot->joined)
            return refuse(u"the parent view of "_s + view + u" is not joined"_s);
        parent = p->ref;
    }
    if (!m_state->childViews)
        return refuse(u"this server has no nested live views ("_s + view + u')');
    auto factory = m_state->childViews(view);
    if (!factory)
        return refuse(factory.error().message);
    startView(m, Router::Match{view, {}, std::move(*factory)}, QUrl(), claims.value(u"s"_s).toObject(), {}, parent);
}

void SessionActor::startView(const ChannelMessage &m, Router::Match route, const QUrl &url, const QJsonObject &session,
                             const QJsonObject &flash, const ActorRef &parent)
{
    // A second join of a live topic replaces it, never silently: the old join is closed first.
    if (View *old = currentView(m.topic))
        closeView(*old);
    if (currentViewCount() >= m_state->config.maxViewsPerSession) {
        send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"too many views"})"));
        return;
    }

    auto slot = std::make_shared<ViewSlot>();
    slot->topic = m.topic;
    slot->joinRef = m.joinRef.value_or(m.ref.value_or(QString()));
    ViewSetup setup{m_state, m_writer, slot, m, std::move(route), url, session, flash};
    SpawnOptions options;
    options.kind = u"view"_s;
    options.name = m.topic;
    options.capacity = m_state->config.viewMailbox;
    options.detail = {{u"topic"_s, m.topic}};
    for (const View &v : m_views)
        if (!parent.isNull() && v.ref == parent)
            options.detail.insert(u"parent"_s, v.slot->topic);
    // The rejoin of a crashed view's topic restarts that actor: same id, next incarnation.
    QUuid id;
    quint32 incarnation = 0;
    if (auto c = std::find_if(m_crashed.begin(), m_crashed.end(), [&](const Crashed &x) { return x.topic == m.topic; });
        c != m_crashed.end()) {
        id = c->id;
        incarnation = c->nextIncarnation;
        m_crashed.erase(c);
    }
    ActorRef view = spawnRestartable<ViewActor>(std::move(options), id, incarnation, std::move(setup));
    if (view.isNull()) {
        send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"stale"})"));
        return;
    }
    m_views.push_back(View{view, slot, true, parent});
}

void SessionActor::closeView(View &view)
{
    view.slot->joined = false;
    view.current = false;
    send(ChannelMessage::encodeRaw(view.slot->joinRef, view.slot->joinRef, view.slot->topic, u"phx_close"_s, "{}"));
    system().shutdownActor(view.ref.id(), milliseconds(2000));
}

QJsonObject SessionActor::joinFlash(const ChannelMessage &join, const QJsonObject &claims, bool isRedirect) const
{
    // A live navigation's flash token wins; else the flash the dead render showed, for the page's
    // first mount only (not a rejoin after a crash or reconnect, not a live navigation).
    const QString token = join.payload.value(u"flash").toString();
    if (!token.isEmpty())
        return Flash::verify(*m_state->flashSigner, token.toUtf8());
    if (isRedirect || join.payload.value(u"params").toObject().value(u"_mounts").toInt(-1) != 0)
        return {};
    return claims.value(u"f").toObject();
}

void SessionActor::handleLeave(const ChannelMessage &m)
{
    send(ChannelMessage::reply(m, u"ok"_s));
    if (m_uploads.erase(m.topic)) // the client leaves an entry's channel when done or cancelled
        return;
    View *view = currentView(m.topic);
    // A leave of an older join (the client re-joined before the leave was answered) must not stop
    // the new view.
    if (!view || (m.joinRef && *m.joinRef != view->slot->joinRef))
        return;
    closeView(*view);
}

Result<ExitPlan> SessionActor::planChildExit(const QUuid &child, ChildExit cause) const
{
    auto it = std::find_if(m_views.begin(), m_views.end(), [&](const View &v) { return v.ref.id() == child; });
    if (it == m_views.end())
        return fail(ErrorCode::NotFound, u"no view with id "_s + child.toString(QUuid::WithoutBraces));
    ExitPlan plan;
    plan.stops.append(child);
    if (cause != ChildExit::Crash || !it->current || !it->slot->joined || m_shuttingDown) {
        plan.note = u"the view stops and is not restarted: its page keeps what it shows, without a server, "
                    "until it is reloaded"_s;
        return plan;
    }
    if (m_viewCrashes.wouldExceed(executor().now())) {
        plan.escalates = true;
        for (const View &v : m_views)
            if (v.ref.id() != child)
                plan.stops.append(v.ref.id());
        plan.note = u"one more view crash exceeds the session's budget (%1 in %2 ms): the session closes the socket "
                    "and exits; the browser reconnects and mounts every view afresh"_s
                        .arg(m_state->config.viewCrashIntensity)
                        .arg(qlonglong(m_state->config.viewCrashPeriod.count()));
        return plan;
    }
    plan.restarts.append(child);
    plan.note = u"the browser gets phx_error and rejoins: a new incarnation runs mount() again, so its assigns "
                "are rebuilt from the session and URL (view crash %1 of %2 in this burst)"_s
                    .arg(m_viewCrashes.used(executor().now()) + 1)
                    .arg(m_state->config.viewCrashIntensity);
    return plan;
}

void SessionActor::viewExited(const ActorRef &ref, const ExitReason &reason)
{
    auto it = std::find_if(m_views.begin(), m_views.end(), [&](const View &v) { return v.ref == ref; });
    if (it == m_views.end())
        return;
    const std::shared_ptr<ViewSlot> slot = it->slot;
    const bool current = it->current;
    m_views.erase(it);
    dropUploads(slot->topic); // its entries can never be consumed now
    if (!m_shuttingDown) // a crash while joined, or a join whose mount failed
        showDevError(reason);
    if (current && slot->joined && reason.isAbnormal() && !m_shuttingDown) {
        // The client rejoins after phx_error; that join restarts this actor (handleJoin).
        std::erase_if(m_crashed, [&](const Crashed &c) { return c.topic == slot->topic; });
        m_crashed.push_back(Crashed{slot->topic, ref.id(), ref.incarnation() + 1, executor().now()});
        m_state->counters.viewCrashes.fetch_add(1);
        qCWarning(lcLiveView).noquote() << "view" << slot->topic << ref.id().toString(QUuid::WithoutBraces)
                                        << "crashed:" << reason.toString();
        send(ChannelMessage::encodeRaw(slot->joinRef, slot->joinRef, slot->topic, u"phx_error"_s,
                                       R"({"reason":"channel_crash"})"));
        const bool within = m_viewCrashes.record(executor().now());
        setSupervision(m_viewCrashes, u"session"_s);
        if (!within) {
            qCWarning(lcLiveView) << "session" << m_peer << "ends: more than"
                                  << m_state->config.viewCrashIntensity << "view crashes";
            closeSocket(CloseCode::InternalError, u"too many view crashes"_s);
            stop(ExitReason::shutdown(u"reached_max_view_crashes"_s));
            return;
        }
    } else {
        forgetChild(ref.id()); // left, replaced or shut down: not coming back under this id
    }
    // Its nested views go with it, after its own phx_error as Phoenix orders them (live_render
    // children; sticky views have no parent).
    for (View &child : m_views)
        if (child.parent == ref && child.current)
            closeView(child);
    if (m_shuttingDown && m_views.empty())
        finishShutdown();
}

void SessionActor::finishShutdown()
{
    if (m_state->viewStates && !m_draining) {
        m_draining = true;
        m_state->viewStates->whenSaved([ref = self()] {
            ref.call([](Actor &actor) { static_cast<SessionActor &>(actor).finishShutdown(); });
        });
        sendAfter(m_state->config.persistDrainTimeout, DrainTimeout{});
        return;
    }
    if (std::exchange(m_drained, true))
        return; // the store answered after the timeout (or the other way round)
    closeSocket(CloseCode::GoingAway, u"server shutting down"_s);
    stop(ExitReason::shutdown());
}

void SessionActor::showDevError(const ExitReason &reason)
{
    // Kills (the monitor, a reload re-mounting views) are not the page's code failing.
    const bool failed = reason.kind == ExitReason::Kind::Error || reason.kind == ExitReason::Kind::Exception;
    if (!m_state->config.debugErrors || !failed)
        return;
    send(ChannelMessage::encodeRaw(std::nullopt, std::nullopt, u"liveactor"_s, u"liveactor:error"_s,
                                   devErrorPayload(u"The live view crashed"_s, reason.message)));
}

void SessionActor::tick()
{
    const auto now = executor().now();
    const auto &c = m_state->config;
    std::erase_if(m_crashed, [&](const Crashed &crashed) {
        if (now - crashed.at < c.sessionTtl)
            return false;
        forgetChild(crashed.id); // its registry entry stops saying "restarting"
        return true;
    });
    if (m_socket && m_socket->isDisconnected() && !m_socketGone) {
        socketGone();
        m_lastActivity = now;
    }
    if (m_socketGone) {
        if (now - m_lastActivity >= c.sessionTtl) {
            m_state->counters.sessionsReaped.fetch_add(1);
            qCInfo(lcLiveView) << "session" << m_peer << "reaped" << m_views.size() << "views after TTL";
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
        for (const View &view : m_views) {
            ActorSystem *sys = &system();
            ServerState *state = m_state.get();
            const QUuid id = view.ref.id();
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
    if (m_views.empty() && !m_state->viewStates) {
        closeSocket(CloseCode::GoingAway, u"server shutting down"_s);
        return true;
    }
    if (m_views.empty()) {
        finishShutdown();
        return false;
    }
    for (const View &view : m_views)
        system().shutdownActor(view.ref.id(), milliseconds(2000));
    return false;
}

void SessionActor::joinUpload(const ChannelMessage &m)
{
    const UploadEntryChannel::Setup setup{m_state->uploadSigner.get(),
                                          [this](const QString &viewId) { return currentView(u"lv:"_s + viewId); },
                                          m_state->uploadDir, m_state->uploadBudget.get()};
    auto channel = UploadEntryChannel::join(m.topic, m.payload, setup);
    if (!channel) {
        qCInfo(lcLiveView) << "upload join" << m.topic << "refused:" << channel.error().toString();
        const UploadError error = channel.error().code == ErrorCode::Full ? UploadError::TooManyBytesInFlight
                                                                          : UploadError::InvalidToken;
        m_state->counters.countUploadError(error);
        const QByteArray reason = uploadErrorName(error);
        send(ChannelMessage::replyRaw(m, u"error"_s, "{\"reason\":\"" + reason + "\"}"));
        return;
    }
    if (!uploadSlot((*channel)->claims())) { // cancelled, consumed, or never preflighted by its view
        m_state->counters.countUploadError(UploadError::NotAllowed);
        send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"not_allowed"})"));
        return;
    }
    m_uploads[m.topic] = std::move(*channel); // a second join of the topic replaces the first
    send(ChannelMessage::reply(m, u"ok"_s));
}

void SessionActor::handleChunk(const QByteArray &frame)
{
    auto push = parseBinaryPush(frame);
    if (!push) {
        m_state->counters.countUploadError(UploadError::Protocol);
        m_socket->protocolError(CloseCode::ProtocolError, u"binary frame: "_s + push.error().message);
        return;
    }
    const ChannelMessage m = push->header();
    const auto it = m_uploads.find(m.topic);
    if (it == m_uploads.end()) { // never joined, refused, left, or its view went away
        m_state->counters.countUploadError(UploadError::Protocol);
        ChannelMessage r = m;
        r.joinRef.reset(); // as for a text push to an unmatched topic
        send(ChannelMessage::replyRaw(r, u"error"_s, R"({"reason":"unmatched topic"})"));
        return;
    }
    if (m.event != u"chunk") {
        m_state->counters.countUploadError(UploadError::Protocol);
        send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"unknown event"})"));
        return;
    }
    UploadEntryChannel &channel = *it->second;
    ViewSlot *slot = uploadSlot(channel.claims());
    if (!slot) { // the view cancelled the entry (or consumed it): the client's uploader stops
        send(ChannelMessage::replyRaw(m, u"error"_s, R"({"reason":"cancelled"})"));
        send(ChannelMessage::encodeRaw(m.joinRef, m.joinRef, m.topic, u"phx_close"_s, "{}"));
        m_uploads.erase(it);
        return;
    }
    if (auto received = channel.chunk(push->payload); !received) {
        qCInfo(lcLiveView) << "upload" << m.topic << "stopped:" << received.error().toString();
        const bool tooLarge = received.error().code == ErrorCode::InvalidArgument;
        m_state->counters.countUploadError(tooLarge ? UploadError::FileSizeLimitExceeded : UploadError::WriteFailed);
        const QJsonObject reason = tooLarge ? channel.sizeLimitReply() : QJsonObject{{u"reason"_s, u"write_failed"_s}};
        send(ChannelMessage::replyRaw(m, u"error"_s, QJsonDocument(reason).toJson(QJsonDocument::Compact)));
        send(ChannelMessage::encodeRaw(m.joinRef, m.joinRef, m.topic, u"phx_close"_s, "{}"));
        m_uploads.erase(it);
        return;
    }
    m_state->counters.uploadBytesReceived.fetch_add(quint64(push->payload.size()), std::memory_order_relaxed);
    if (channel.complete()) { // every declared byte is on disk: the view owns the file from now on
        const UploadTokenClaims &c = channel.claims();
        if (auto file = channel.takeFile(); file && file->finish()) {
            slot->uploads.putComplete(UploadFiles::key(c.configRef, c.entryRef), std::move(file));
            m_state->counters.uploadsCompleted.fetch_add(1, std::memory_order_relaxed);
        }
    }
    send(ChannelMessage::reply(m, u"ok"_s));
}

ViewSlot *SessionActor::uploadSlot(const UploadTokenClaims &claims)
{
    View *view = currentView(u"lv:"_s + claims.viewId);
    if (!view || !view->slot->uploads.isOpen(UploadFiles::key(claims.configRef, claims.entryRef)))
        return nullptr;
    return view->slot.get();
}

void SessionActor::socketGone()
{
    m_socketGone = true;
    // The session outlives its socket for sessionTtl (its views may be resumed), but an upload
    // channel is bound to the socket: no chunk can arrive any more, so the files go now.
    m_uploads.clear();
}

void SessionActor::dropUploads(const QString &viewTopic)
{
    std::erase_if(m_uploads, [&](const auto &entry) { return u"lv:"_s + entry.second->claims().viewId == viewTopic; });
}

SessionActor::View *SessionActor::currentView(const QString &topic)
{
    for (View &v : m_views)
        if (v.current && v.slot->topic == topic)
            return &v;
    return nullptr;
}

int SessionActor::currentViewCount() const
{
    return int(std::count_if(m_views.begin(), m_views.end(), [](const View &v) { return v.current; }));
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
