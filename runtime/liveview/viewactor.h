#pragma once

#include "core/actor.h"
#include "liveview/serverstate_p.h"
#include "liveview/viewcontext.h"
#include "liveview/viewhandler.h"
#include "template/renderedtree.h"

#include <QHash>
#include <QJsonArray>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <optional>

namespace LiveActor {

/// One joined LiveView (topic `lv:<id>`): owns a ViewHandler, renders and diffs its template and
/// answers the client's pushes. Spawned by its SessionActor (kind "view", mailbox 50, linked
/// child on the session's executor; its actor id is the view's UUID).
///
/// - started(): creates the handler, mount → handleParams → full render; replies to the join with
///   `{"rendered":…,"liveview_version":"1.1.32"}` or an error reply. A failed mount replies
///   `{"reason":"join crashed"}` and exits with that Error.
/// - ClientPush `event`: decodes the value (FormDecoder), handleEvent, replies `{"diff":…}`
///   (with "t"/"e", live_patch / live_redirect / redirect) or `{}`; `live_patch`: handleParams,
///   replies the diff or `{"link_redirect":true}` for another view's URL; anything else: `ok {}`.
/// - ViewInfo (pub/sub, sendAfter): handleInfo, then a `diff` push if anything changed.
/// - A handler Error: the pending event gets `{"status":"error","response":{"reason":"crash"}}`,
///   then the actor exits with that Error; the session turns the exit into `phx_error`.
/// Thread affinity: the executor it runs on (the session's). Writes frames through the session's
/// ChannelWriter directly (same thread), always with its own join_ref.
/// Ask a ViewActor for its current assigns as indented JSON (the monitor's "Fetch assigns"); the
/// reply is a Result<QString>, cut to maxBytes.
struct InspectAssigns
{
    int maxBytes = 64 * 1024;
};

class ViewActor : public Actor, private ViewContext
{
public:
    explicit ViewActor(ViewSetup setup);
    ~ViewActor() override;

protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;
    void stopping(const ExitReason &reason) override;

private:
    // ViewContext
    QString viewId() const override;
    QString topic() const override { return m_setup.slot->topic; }
    QUrl url() const override { return m_url; }
    bool isConnected() const override { return true; }
    void pushEvent(const QString &name, const QJsonValue &payload) override;
    void pushPatch(const QString &to, bool replace) override;
    void pushNavigate(const QString &to, bool replace) override;
    void redirect(const QString &to) override;
    void setTitle(const QString &title) override;
    Result<void> subscribe(const QString &topic) override;
    void unsubscribe(const QString &topic) override;
    int broadcast(const QString &topic, const QVariant &payload) override;
    quint64 sendAfter(std::chrono::milliseconds delay, const ViewInfo &info) override;
    bool cancelTimer(quint64 id) override;

    struct Effects
    {
        std::optional<QString> title;
        QJsonArray events;
        std::optional<std::pair<QString, bool>> patch;     // to, replace
        std::optional<std::pair<QString, bool>> navigate;  // to, replace
        std::optional<QString> redirect;
    };

    Result<void> handleEvent(const ChannelMessage &push);
    Result<QString> inspectAssigns(int maxBytes) const;
    Result<void> handleLivePatch(const ChannelMessage &push);
    Result<void> handleInfo(const ViewInfo &info);
    /// Applies a pending push_patch: handleParams with the new URL (may chain once more).
    Result<void> applyPatch();
    /// Renders; full = the join's complete tree, else the diff against what the client has.
    Result<QByteArray> render(bool full);
    /// The top-level "t"/"e" members collected so far.
    QByteArray extraMembers() const;
    /// The reply/push response members for navigation effects (live_patch, …).
    QJsonObject navigationMembers() const;
    void reply(const ChannelMessage &request, const QString &status, const QByteArray &response);
    void push(const QString &event, const QByteArray &payload);
    QUrl resolve(const QString &to) const;

    ViewSetup m_setup;
    std::unique_ptr<ViewHandler> m_handler;
    Template m_template;
    RenderedTree m_last;
    QUrl m_url;
    Effects m_effects;
    bool m_counted = false;
};

} // namespace LiveActor
