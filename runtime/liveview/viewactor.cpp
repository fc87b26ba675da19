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
    return step(m_runner->mount(m_setup.session, ViewRunner::Output::Tree, m_setup.flash),
                [this](Result<ViewUpdate> update) -> Result<void> {
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
    if (const QJsonValue uploads = m.payload.value(u"uploads"); uploads.isObject()) // a form with file inputs
        m_runner->putUploadEntries(uploads.toObject());
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
