#include "liveview/viewactor.h"

#include "liveview/flash.h"
#include "liveview/formdecoder.h"
#include "liveview/logging.h"
#include "template/escaping.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

/// The rendered tree or diff with the effects' "t" (title), "e" (events) and "r" (an event's
/// reply to a hook) members spliced in.
QByteArray withExtras(const QByteArray &object, const ViewEffects &effects)
{
    QByteArray members;
    if (effects.title) {
        members += "\"t\":";
        appendJsonString(members, effects.title->toUtf8());
    }
    if (!effects.events.isEmpty()) {
        if (!members.isEmpty())
            members += ',';
        members += "\"e\":" + QJsonDocument(effects.events).toJson(QJsonDocument::Compact);
    }
    if (effects.reply) {
        if (!members.isEmpty())
            members += ',';
        members += "\"r\":" + json(*effects.reply);
    }
    if (members.isEmpty())
        return object;
    if (object.trimmed() == "{}")
        return '{' + members + '}';
    return '{' + members + ',' + object.mid(1);
}

/// navigation with the carried flash as Phoenix sends it: `"flash": <flash token>` when set.
QJsonObject withFlash(QJsonObject navigation, const ViewEffects &effects, const TokenSigner &flashSigner)
{
    if (!effects.flash.isEmpty())
        navigation.insert(u"flash"_s, QString::fromLatin1(Flash::sign(flashSigner, effects.flash)));
    return navigation;
}

/// `{"to":…, "flash":…}` of a redirect; `{"to":…, "kind":…, "flash":…}` of a live_redirect.
QJsonObject redirectJson(const ViewEffects &effects, const TokenSigner &flashSigner)
{
    return withFlash({{u"to"_s, *effects.redirect}}, effects, flashSigner);
}
QJsonObject liveRedirectJson(const ViewEffects &effects, const TokenSigner &flashSigner)
{
    return withFlash(effects.navigate->toJson(), effects, flashSigner);
}

/// `,"live_patch":{…}` / `,"live_redirect":{…}` for a reply's navigation.
QByteArray navigationMembers(const ViewEffects &effects, const TokenSigner &flashSigner)
{
    QByteArray out;
    if (effects.patch)
        out += ",\"live_patch\":" + json(effects.patch->toJson());
    if (effects.navigate)
        out += ",\"live_redirect\":" + json(liveRedirectJson(effects, flashSigner));
    return out;
}

/// The response of an event or live_patch reply: a redirect, or the diff and navigation.
QByteArray replyPayload(const ViewUpdate &update, const TokenSigner &flashSigner)
{
    if (update.effects.redirect)
        return json({{u"redirect"_s, redirectJson(update.effects, flashSigner)}});
    QByteArray body;
    if (update.rendered) {
        const QByteArray diff = withExtras(*update.rendered, update.effects);
        if (diff != "{}")
            body = ",\"diff\":" + diff;
    }
    body += navigationMembers(update.effects, flashSigner);
    return body.isEmpty() ? QByteArray("{}") : '{' + body.mid(1) + '}';
}

} // namespace

ViewActor::ViewActor(ViewSetup setup)
    : ViewActorBase(&setup.state->pubsub, setup.state->config.suspendTimeout), m_setup(std::move(setup))
{
}

ViewActor::~ViewActor() = default;

void ViewActor::reply(const ChannelMessage &request, const QString &status, const QByteArray &response)
{
    m_setup.writer->send(ChannelMessage::replyRaw(request, status, response));
}

void ViewActor::push(const QString &event, const QByteArray &payload)
{
    m_setup.writer->send(ChannelMessage::encodeRaw(m_setup.slot->joinRef, std::nullopt, m_setup.slot->topic,
                                                   event, payload));
}

Result<void> ViewActor::started()
{
    m_setup.state->counters.activeViews.fetch_add(1);
    m_counted = true;
    setDetail(u"topic"_s, m_setup.slot->topic);
    setDetail(u"path"_s, m_setup.url.path());
    setDetail(u"route"_s, m_setup.route.pattern);

    m_runner = std::make_unique<ViewRunner>(static_cast<ViewHost &>(*this), m_setup.state->router, m_setup.route,
                                            m_setup.url);
    // Nested views' tokens are signed anew by each render of their parent: none ever re-joins.
    m_persist = m_setup.state->viewStates && !m_setup.url.isEmpty();
    if (m_persist) // read once: saveState() names the record with it after every handled message
        m_sessionToken = m_setup.join.payload.value(u"session").toString().toUtf8();
    if (!m_persist || !looksUpRecord())
        return mountView(std::nullopt);
    // Pushes that arrive meanwhile wait in order; a slow or absent store costs a fresh mount.
    m_lookingUp = true;
    suspendMailbox();
    m_lookupTimer = Actor::sendAfter(m_setup.state->config.resumeLookupTimeout, LookupTimeout{});
    m_setup.state->viewStates->load(sessionToken(), topic(), [ref = self()](std::optional<QByteArray> record) {
        ref.call([record = std::move(record)](Actor &actor) { static_cast<ViewActor &>(actor).recordLookedUp(record); });
    });
    return {};
}

bool ViewActor::looksUpRecord() const
{
    // The client counts its joins of one view: 0 on a page's first (or a live navigation's
    // first), whose token or topic cannot have a record yet.
    const int mounts = m_setup.join.payload.value(u"params").toObject().value(u"_mounts").toInt(-1);
    return mounts != 0 && self().incarnation() == 0;
}

void ViewActor::recordLookedUp(std::optional<QByteArray> record)
{
    if (!m_lookingUp)
        return; // the answer came after the timeout: the view mounted fresh
    m_lookingUp = false;
    if (m_lookupTimer)
        Actor::cancelTimer(std::exchange(m_lookupTimer, 0));
    resumeMailbox();
    if (auto r = mountView(std::move(record)); !r)
        stop(ExitReason::error(r.error().toString()));
}

void ViewActor::saveState()
{
    if (!m_persist)
        return;
    auto record = m_runner->persistedState();
    if (!record) {
        qCWarning(lcLiveView).noquote() << "view" << topic() << "state not persisted:" << record.error().toString();
        return;
    }
    if (!*record || **record == m_savedRecord)
        return;
    m_savedRecord = **record;
    m_setup.state->viewStates->save(sessionToken(), topic(), m_savedRecord);
}

Result<void> ViewActor::mountView(std::optional<QByteArray> record)
{
    const bool hasRecord = record.has_value();
    return step(m_runner->mount(m_setup.session, ViewRunner::Output::Tree, m_setup.flash, std::move(record)),
                [this, hasRecord](Result<ViewUpdate> update) -> Result<void> {
        if (!update) {
            qCWarning(lcLiveView) << "view" << m_setup.slot->topic << "mount failed:" << update.error().toString();
            reply(m_setup.join, u"error"_s, R"({"reason":"join crashed"})");
            return fail(update.error());
        }
        const ViewEffects &effects = update->effects;
        if (!update->rendered) { // navigation during mount: answered on the join, as Phoenix does
            if (effects.redirect)
                reply(m_setup.join, u"error"_s, json({{u"redirect"_s, redirectJson(effects, flashSigner())}}));
            else
                reply(m_setup.join, u"error"_s, json({{u"live_redirect"_s, liveRedirectJson(effects, flashSigner())}}));
            stop();
            return {};
        }
        reply(m_setup.join, u"ok"_s,
              "{\"rendered\":" + withExtras(*update->rendered, effects) + ",\"liveview_version\":\""
                  + kLiveViewVersion + '"' + navigationMembers(effects, flashSigner()) + '}');
        m_setup.slot->joined = true;
        m_setup.state->counters.joins.fetch_add(1);
        if (m_persist) {
            // A live navigation shares its token and topic with the view it replaced: that one's
            // record must go. Otherwise what is stored already (resumed) or what any fresh
            // mount gives is not worth a write.
            if (m_setup.join.payload.contains(u"redirect") && !m_runner->resumed())
                saveState();
            else if (auto kept = m_runner->persistedState(); kept && *kept)
                m_savedRecord = **kept;
            if (hasRecord)
                qCInfo(lcLiveView).noquote() << "view" << topic() << (m_runner->resumed() ? "resumed" : "ignored")
                                             << "its persisted state";
        }
        qCDebug(lcLiveView) << "joined" << m_setup.slot->topic << "as view" << viewId();
        return {};
    });
}

Result<void> ViewActor::handle(Message &message)
{
    if (auto *push = message.as<ClientPush>()) {
        const ChannelMessage &m = push->message;
        if (m.event == u"event")
            return handleEvent(m);
        if (m.event == u"live_patch")
            return handleLivePatch(m);
        if (m.event == u"allow_upload" || m.event == u"progress")
            return handleUpload(m);
        if (m.event == u"cids_will_destroy" || m.event == u"cids_destroyed") {
            handleComponentRemoval(m);
            return {};
        }
        // Anything else: acknowledge, since the client reloads the page after 30 s without a
        // reply.
        reply(m, u"ok"_s, "{}");
        return {};
    }
    if (message.is<LookupTimeout>()) {
        m_lookupTimer = 0;
        if (m_lookingUp)
            qCWarning(lcLiveView).noquote() << "view" << topic() << "persisted state lookup timed out: fresh mount";
        recordLookedUp(std::nullopt);
        return {};
    }
    if (auto *info = message.as<ViewInfo>()) {
        if (isBusy()) { // a timer while a callback runs elsewhere: after it
            deferInfo(*info);
            return {};
        }
        return handleInfo(*info);
    }
    if (handleBase(message))
        return {};
    return fail(ErrorCode::InvalidArgument, u"view: unexpected message "_s + QLatin1StringView(message.typeName()));
}

/// Replies to request with the update, or `{"reason":"crash"}` and the Error.
Result<void> ViewActor::replyWith(const ChannelMessage &request, Result<ViewUpdate> update)
{
    if (!update) {
        reply(request, u"error"_s, R"({"reason":"crash"})");
        return fail(update.error());
    }
    saveState();
    if (update->status == ViewUpdate::Status::OtherView) {
        reply(request, u"ok"_s, R"({"link_redirect":true})");
    } else if (update->status == ViewUpdate::Status::Refused) {
        // An event the view has no handler for: the client's mistake, not the view's.
        qCWarning(lcLiveView).noquote() << "view" << m_setup.slot->topic << "refused an event:" << update->reason;
        reply(request, u"error"_s, json({{u"reason"_s, update->reason}}));
    } else {
        reply(request, u"ok"_s, replyPayload(*update, flashSigner()));
    }
    return {};
}

void ViewActor::countPreflightErrors(const QJsonObject &answer)
{
    // `error` is [[ref, reason], …]: one count per refused entry (or per config, too_many_files)
    for (const QJsonValue &error : answer.value(u"error"_s).toArray())
        if (UploadError e = uploadErrorFromReason(error.toArray().at(1).toString()); e != UploadError::Count)
            m_setup.state->counters.countUploadError(e);
}

Result<void> ViewActor::handleUpload(const ChannelMessage &m)
{
    QJsonObject answer;
    if (m.event == u"allow_upload") {
        auto preflight = m_runner->uploadPreflight(m.payload, *m_setup.state->uploadSigner);
        if (!preflight) {
            reply(m, u"error"_s, json({{u"reason"_s, preflight.error().message}}));
            return {};
        }
        answer = *preflight;
        countPreflightErrors(answer);
    } else if (auto progress = m_runner->uploadProgress(m.payload); !progress) {
        reply(m, u"error"_s, json({{u"reason"_s, progress.error().message}}));
        return {};
    }
    return step(m_runner->rerender(), [this, m, answer](Result<ViewUpdate> update) -> Result<void> {
        if (!update) {
            reply(m, u"error"_s, R"({"reason":"crash"})");
            return fail(update.error());
        }
        // The preflight's answer and the diff in one reply: the client applies "diff" of any reply.
        QByteArray body = json(answer);
        if (update->rendered && *update->rendered != "{}")
            body = (body == "{}" ? QByteArray("{") : body.chopped(1) + ',') + "\"diff\":" + *update->rendered + '}';
        reply(m, u"ok"_s, body);
        return {};
    });
}

Result<void> ViewActor::handleEvent(const ChannelMessage &m)
{
    m_setup.state->counters.events.fetch_add(1);
    const QString name = m.payload.value(u"event").toString();
    if (name.isEmpty()) {
        reply(m, u"error"_s, R"({"reason":"event without a name"})");
        return {};
    }
    auto value = FormDecoder::decodeFormEvent(m.payload);
    if (!value) {
        // Bad input from the client is not a crash of the view.
        reply(m, u"error"_s, json({{u"reason"_s, value.error().message}}));
        return {};
    }
    const auto arrived = std::chrono::steady_clock::now();
    auto done = [this, m, arrived](Result<ViewUpdate> update) {
        m_setup.state->counters.eventDurations.observe(std::chrono::steady_clock::now() - arrived);
        return replyWith(m, std::move(update));
    };
    const auto target = componentTarget(m.payload, *m_runner);
    if (!target) {
        reply(m, u"error"_s, json({{u"reason"_s, target.error().message}}));
        return {};
    }
    if (const QJsonValue uploads = m.payload.value(u"uploads"); uploads.isObject()) // a form with file inputs
        m_runner->putUploadEntries(*target, uploads.toObject());
    if (*target)
        return step(m_runner->componentEvent(*target, name, *value), std::move(done));
    return step(m_runner->event(name, *value), std::move(done));
}

void ViewActor::handleComponentRemoval(const ChannelMessage &m)
{
    auto cids = componentIds(m.payload);
    if (!cids) {
        reply(m, u"error"_s, json({{u"reason"_s, cids.error().message}}));
        return;
    }
    if (m.event == u"cids_will_destroy") {
        m_runner->markComponentsForDeletion(*cids);
        reply(m, u"ok"_s, "{}");
        return;
    }
    QJsonArray freed;
    for (int cid : m_runner->destroyComponents(*cids))
        freed.append(cid);
    reply(m, u"ok"_s, json({{u"cids"_s, freed}}));
}

Result<void> ViewActor::handleLivePatch(const ChannelMessage &m)
{
    const QUrl url(m.payload.value(u"url").toString());
    if (!url.isValid() || url.path().isEmpty()) {
        reply(m, u"error"_s, R"({"reason":"live_patch without a valid url"})");
        return {};
    }
    return step(m_runner->patch(url), [this, m](Result<ViewUpdate> update) { return replyWith(m, std::move(update)); });
}

Result<void> ViewActor::handleInfo(const ViewInfo &info)
{
    return step(m_runner->info(info), [this](Result<ViewUpdate> update) -> Result<void> {
        if (!update)
            return fail(update.error());
        saveState();
        const ViewEffects &effects = update->effects;
        if (effects.redirect) {
            push(u"redirect"_s, json(redirectJson(effects, flashSigner())));
            return {};
        }
        if (effects.navigate) {
            push(u"live_redirect"_s, json(liveRedirectJson(effects, flashSigner())));
            return {};
        }
        const QByteArray diff = withExtras(*update->rendered, effects);
        if (diff != "{}")
            push(u"diff"_s, diff);
        if (effects.patch)
            push(u"live_patch"_s, json(effects.patch->toJson()));
        return {};
    });
}

void ViewActor::stopping(const ExitReason &reason)
{
    ViewActorBase::stopping(reason);
    if (m_counted)
        m_setup.state->counters.activeViews.fetch_sub(1);
}

} // namespace LiveActor
