#pragma once

#include "liveview/serverstate_p.h"
#include "liveview/viewactorbase.h"

namespace LiveActor {

/// One joined LiveView (topic `lv:<id>`): the Phoenix channel side of a ViewRunner. Spawned by
/// its SessionActor (kind "view", mailbox 50, linked child on the session's executor; its actor
/// id is the view's UUID).
///
/// - started(): ViewRunner::mount (views that resume: a page's re-join first looks up its record
///   in the server's ViewStateStore, its mailbox suspended until the answer or
///   resumeLookupTimeout, and mounts resuming from it); replies to the join with
///   `{"rendered":…,"liveview_version":"1.1.32"}` (title/events as "t"/"e" in the rendered, a
///   patch as live_patch), a redirect or live_redirect error reply when mount navigates away,
///   or `{"reason":"join crashed"}` and exits with the Error.
/// - ClientPush `event`: decodes the value (FormDecoder), ViewRunner::event, replies
///   `{"diff":…}` (with "t"/"e", and "r" for the handler's reply to a hook's pushEvent),
///   live_patch / live_redirect / redirect, or `{}`; an event without a handler (Refused) gets
///   `{"status":"error","response":{"reason":"<why>"}}` and the view goes on; `live_patch`:
///   ViewRunner::patch, replies the diff or `{"link_redirect":true}` for another view's URL;
///   anything else: `ok {}`.
/// - Navigation away (redirect, live_redirect) carries the view's flash as a flash token in the
///   payload's "flash" (flash.h), on replies, join errors and pushes alike.
/// - ViewInfo (pub/sub, sendAfter): ViewRunner::info, then a `diff` push if anything changed and
///   `live_patch` / `live_redirect` / `redirect` pushes for navigation.
/// - Views that resume: after each handled message (event, live_patch, info) the view's record,
///   when it changed, is saved to the ViewStateStore under the join's session token and topic.
/// - A handler Error: the pending event gets `{"status":"error","response":{"reason":"crash"}}`,
///   then the actor exits with that Error; the session turns the exit into `phx_error`.
/// Thread affinity: the executor it runs on (the session's). Writes frames through the session's
/// ChannelWriter directly (same thread), always with its own join_ref.
class ViewActor final : public ViewActorBase
{
public:
    explicit ViewActor(ViewSetup setup);
    ~ViewActor() override;

protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;
    void stopping(const ExitReason &reason) override;

private:
    QString topic() const override { return m_setup.slot->topic; }
    Result<QByteArray> signChildToken(const QJsonObject &claims) override { return m_setup.state->signer->sign(claims); }
    const TokenSigner &flashSigner() const { return *m_setup.state->flashSigner; }

    /// The join's mount, resuming from record when there is one; answers the join.
    Result<void> mountView(std::optional<QByteArray> record);
    /// A re-join of a view (`_mounts` > 0, also of one reached by live navigation): a first
    /// mount and a restart after a crash (whose record may be what crashed it) mount fresh
    /// without asking.
    bool looksUpRecord() const;
    /// The lookup's answer (nullopt: none, or the store's timeout): mounts.
    void recordLookedUp(std::optional<QByteArray> record);
    /// Saves the view's record when it changed since the last one saved or resumed.
    void saveState();
    const QByteArray &sessionToken() const { return m_sessionToken; }
    Result<void> handleEvent(const ChannelMessage &push);
    Result<void> handleLivePatch(const ChannelMessage &push);
    /// allow_upload (preflight: reply with tokens or errors, plus the diff) and progress.
    Result<void> handleUpload(const ChannelMessage &push);
    /// Counts the refused entries of a preflight answer (ServerCounters::uploadErrors).
    void countPreflightErrors(const QJsonObject &answer);
    UploadFiles *uploadFiles() override { return &m_setup.slot->uploads; }
    /// cids_will_destroy / cids_destroyed.
    void handleComponentRemoval(const ChannelMessage &push);
    Result<void> handleInfo(const ViewInfo &info);
    Result<void> replyWith(const ChannelMessage &request, Result<ViewUpdate> update);
    void reply(const ChannelMessage &request, const QString &status, const QByteArray &response);
    void push(const QString &event, const QByteArray &payload);

    struct LookupTimeout { };

    ViewSetup m_setup;
    bool m_counted = false;
    bool m_persist = false;   ///< a store is set and this is a page's view (nested ones never resume)
    bool m_lookingUp = false; ///< the mount waits for its record
    Executor::TimerId m_lookupTimer = 0;
    QByteArray m_savedRecord; ///< the record last saved (or resumed from): unchanged ones are not saved
    QByteArray m_sessionToken; ///< the join's verified session token (m_persist only)
};

} // namespace LiveActor
