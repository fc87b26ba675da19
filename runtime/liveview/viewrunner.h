#pragma once

#include "core/result.h"
#include "liveview/router.h"
#include "liveview/viewcontext.h"
#include "liveview/viewhandler.h"
#include "template/renderedtree.h"
#include "template/templatecontext.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>

#include <memory>
#include <optional>

namespace LiveActor {

class ComponentTable;
class HistorySink;
class ViewHistory;

/// A navigation a handler asked for: push_patch / push_navigate target.
struct Navigation
{
    QString to;
    bool replace = false;
    /// {"to": …, "kind": "push" | "replace"}, as the client's live_patch / live_redirect carry it.
    QJsonObject toJson() const;
};

/// What the handler calls of one step asked the page to do besides re-rendering.
struct ViewEffects
{
    std::optional<QString> title;
    QJsonArray events;                  ///< [[name, payload], …] for push_event
    std::optional<Navigation> patch;    ///< the last push_patch followed (same view, new URL)
    std::optional<Navigation> navigate; ///< live navigation to another view
    std::optional<QString> redirect;    ///< full page navigation
    std::optional<QJsonObject> reply;   ///< the event's reply to a hook's pushEvent ("r")
    QJsonObject flash;                  ///< carried to the next view when the step leaves
    /// True when the page leaves this view (redirect or live navigation): nothing is rendered.
    bool leaves() const { return redirect || navigate; }
    /// {"title", "events", "patch", "navigate", "redirect", "reply", "flash"}: only the members that
    /// are set.
    QJsonObject toJson() const;
};

/// The outcome of one step of a view: its effects and what was rendered (none when the page
/// leaves the view): the full rendered tree as JSON (mount), its HTML (the dead render's mount),
/// or the diff against the previous render (every other step; "{}" when nothing changed).
/// Pending: a callback suspended the view (ViewContext::suspend()); the step finishes with
/// ViewRunner::resume(). OtherView: a client live_patch to a URL another route serves.
/// Refused: the view has no handler for the event (ViewHandler::handleEvent returned NotFound):
/// answer the push with an error carrying reason; the view goes on.
struct ViewUpdate
{
    enum class Status { Done, Pending, OtherView, Refused };
    Status status = Status::Done;
    std::optional<QByteArray> rendered;
    ViewEffects effects;
    QString reason; ///< Refused: why
    bool isPending() const { return status == Status::Pending; }
};

/// What a ViewRunner needs from whoever runs it: identity and the services that outlive a handler
/// call (pub/sub, timers). A view actor implements it; the dead render uses no-ops.
class ViewHost
{
public:
    virtual ~ViewHost() = default;
    virtual QString viewId() const = 0;
    virtual QString topic() const = 0;
    virtual bool isConnected() const = 0;
    virtual Result<void> subscribe(const QString &topic) = 0;
    virtual void unsubscribe(const QString &topic) = 0;
    virtual int broadcast(const QString &topic, const QVariant &payload) = 0;
    virtual quint64 sendAfter(std::chrono::milliseconds delay, const ViewInfo &info) = 0;
    virtual bool cancelTimer(quint64 id) = 0;
    /// See ViewContext::suspend(). Default: cannot wait.
    virtual ViewResume suspend(const QString &what) { Q_UNUSED(what); return {}; }
    virtual bool canSuspend() const { return false; }
    virtual void setStatus(const QString &key, const QString &value) { Q_UNUSED(key); Q_UNUSED(value); }
    /// The page URL changed (a patch); e.g. to show it in the registry.
    virtual void urlChanged(const QUrl &url) { Q_UNUSED(url); }
    /// The view's upload files, shared with its session (null: no transport, nothing uploads).
    virtual UploadFiles *uploadFiles() { return nullptr; }
    /// Signs the session token of a nested view's container (`{% live_render %}`, see
    /// childContainer()). Default: NotSupported (no server to join the child).
    virtual Result<QByteArray> signChildToken(const QJsonObject &claims)
    {
        Q_UNUSED(claims);
        return fail(ErrorCode::NotSupported, QStringLiteral("nested live views need the server"));
    }
};

/// The container `{% live_render view id=… session=… sticky=… %}` renders: Phoenix's nested view
/// markup, `<div id="<id>" data-phx-session="<token>" data-phx-static="" data-phx-parent-id="<parent's
/// id>"></div>` (a sticky one carries data-phx-sticky instead of the parent id: the client joins it
/// as a root view that outlives live navigation). The client joins the child on `lv:<id>` with the
/// token; its content is never part of the parent's render. The token's claims: "id", "child" (the
/// view's class), "s" (its session), "parent" (the parent's container id; not for sticky ones) and
/// "sticky". parentTopic is the parent's "lv:<id>". Errors (TemplateError, Render): an id that is
/// not 1–64 of [A-Za-z0-9_-], a session that is not a map, a host that cannot sign.
TemplateResult<QByteArray> childContainer(ViewHost &host, const QString &parentTopic, const QString &view,
                                          const ValueMap &options);

/// One mounted live view, independent of sockets and actors: owns the ViewHandler, the template,
/// the last rendered tree and the URL; runs the handler's callbacks in LiveView's order and
/// renders after each. Every place that runs a view goes through it: the server's ViewActor, the
/// in-process runtime behind liveactor._native and the dead render of an HTTP GET — so they share
/// one parameter precedence (route parameters over the query), one patch chain and one render.
///
/// - mount(): factory → mount(params, session) → handleParams(params, url) → patches → full
///   render. A redirect or live navigation during mount stops before handleParams (nothing is
///   rendered), as Phoenix answers such a join. During the dead render (host not connected) a
///   push_patch stops it too: the page is answered with a redirect to the patched URL.
/// - event(), info(): the handler, then patches, then the diff. An event the view has no handler
///   for (NotFound from handleEvent, also after a resume) is Refused, not an Error. A redirect or live navigation
///   (also one a patch turns into, when another view serves the URL) skips the render.
/// - patch(): the client's live_patch: handleParams for the URL if this view's route serves it;
///   nullopt when another route does (the client then navigates).
/// - Patches: each push_patch runs handleParams for the resolved URL before the render; one that
///   patches again is followed, at most 8 hops; the last patch is reported in the effects.
/// - Suspension: a callback that calls ViewContext::suspend() (its work goes on on another
///   thread) makes the step return Pending; when the host's resume function runs, the caller
///   calls resume() on the view's thread, which finishes the callback (ViewHandler::resume())
///   and carries on with the step where it stopped — as often as callbacks suspend. The caller
///   must not start another step meanwhile.
/// Errors: any handler or render Error is returned; the caller crashes the view with it (the
/// runner's state is then undefined: a new runner mounts afresh).
/// Thread affinity: one thread (the handler's); not copyable.
class ViewRunner final : private ViewContext
{
public:
    enum class Output { Tree, Html };

    ViewRunner(ViewHost &host, const Router &router, Router::Match route, QUrl url);
    ~ViewRunner() override;
    ViewRunner(const ViewRunner &) = delete;
    ViewRunner &operator=(const ViewRunner &) = delete;

    /// flash: what the page arrived with (ViewContext::flash()). record: a persisted state to
    /// resume from (ViewHandler::restoreState() after mount, before handleParams).
    Result<ViewUpdate> mount(const QJsonObject &session, Output output = Output::Tree, QJsonObject flash = {},
                             std::optional<QByteArray> record = std::nullopt);
    /// Whether mount() resumed from its record (the view applied it).
    bool resumed() const { return m_resumed; }
    /// The view's record to keep now (ViewHandler::persistedState()); nullopt before mount.
    Result<std::optional<QByteArray>> persistedState();
    Result<ViewUpdate> event(const QString &name, const QJsonObject &value);
    Result<ViewUpdate> info(const ViewInfo &info);
    /// A client event whose target is a live component (the event's "cid"): its handler, then
    /// patches, then the diff, in which the component's changes travel in "c". Check
    /// hasComponent() first: an unknown cid is an Error (which crashes the view).
    Result<ViewUpdate> componentEvent(int cid, const QString &name, const QJsonObject &value);
    Result<ViewUpdate> patch(const QUrl &url);
    /// The upload pushes of the view channel (UploadState): `allow_upload` (returns the reply),
    /// `progress`, and a form event's `uploads` (before its handler runs). A payload's "cid" (the
    /// form is inside a live component) routes it to that component's uploads, which re-renders;
    /// without one they are the view's. InvalidArgument: a client error (a bad or unknown cid, an
    /// unknown ref: answer it, the view goes on). Follow the first two with rerender().
    Result<QJsonObject> uploadPreflight(const QJsonObject &payload, const UploadTokenSigner &signer);
    Result<void> uploadProgress(const QJsonObject &payload);
    /// cid: the event's target (componentTarget(); 0 for the view).
    void putUploadEntries(int cid, const QJsonObject &uploads);
    /// A step that runs no handler: renders what changed (e.g. upload progress).
    Result<ViewUpdate> rerender();
    /// Continues the Pending step.
    Result<ViewUpdate> resume();
    bool isPending() const { return m_phase != Phase::Idle; }

    /// Live components (see ComponentTable): whether cid exists; cids_will_destroy; cids_destroyed
    /// (returns the cids freed).
    bool hasComponent(int cid) const;
    void markComponentsForDeletion(const QList<int> &cids);
    QList<int> destroyComponents(const QList<int> &cids);
    int componentCount() const;

    /// The current assigns, for inspection (the monitor), without a render's side effects.
    Result<ValueMap> inspectAssigns() const;
    /// Records every later step (event, component event, info, patch) into sink until it is
    /// closed (see ViewHistory); replaces an earlier sink. Closes it when the view cannot: not
    /// mounted, or its handler does not expose its assigns.
    void setHistory(std::shared_ptr<HistorySink> sink);
    /// The last rendered tree (null before the first render).
    const RenderedTree &rendered() const { return m_last; }
    /// The whole rendered object as a join would carry it now, live components included.
    QByteArray fullJson() const;
    /// The page's HTML as it is now, live components included.
    QByteArray html() const;
    QUrl currentUrl() const { return m_url; }
    /// The mounted view's page layout (ViewHandler::pageLayout(); null: none). After mount().
    Result<Template> pageLayout() const;
    const Router::Match &route() const { return m_route; }

private:
    // ViewContext: effects are collected for the step's ViewUpdate.
    QString viewId() const override { return m_host.viewId(); }
    QString topic() const override { return m_host.topic(); }
    QUrl url() const override { return m_url; }
    bool isConnected() const override { return m_host.isConnected(); }
    void pushEvent(const QString &name, const QJsonValue &payload) override;
    void pushPatch(const QString &to, bool replace) override;
    void pushNavigate(const QString &to, bool replace) override;
    void redirect(const QString &to) override;
    void setTitle(const QString &title) override;
    void replyEvent(const QJsonObject &reply) override;
    QJsonObject flash() const override { return m_flash; }
    void carryFlash(const QJsonObject &flash) override { m_effects.flash = flash; }
    Result<void> subscribe(const QString &topic) override { return m_host.subscribe(topic); }
    void unsubscribe(const QString &topic) override { m_host.unsubscribe(topic); }
    int broadcast(const QString &topic, const QVariant &payload) override { return m_host.broadcast(topic, payload); }
    quint64 sendAfter(std::chrono::milliseconds delay, const ViewInfo &info) override
    {
        return m_host.sendAfter(delay, info);
    }
    bool cancelTimer(quint64 id) override { return m_host.cancelTimer(id); }
    ViewResume suspend(const QString &what) override;
    bool canSuspend() const override { return m_host.canSuspend(); }
    void setStatus(const QString &key, const QString &value) override { m_host.setStatus(key, value); }
    bool sendUpdate(const QString &component, const Value &id, const ValueMap &assigns) override;
    Result<QString> allowUpload(const UploadConfig &config) override { return m_uploads.allow(config); }
    Result<void> disallowUpload(const QString &name) override { return m_uploads.disallow(name, m_host.uploadFiles()); }
    Result<void> cancelUpload(const QString &name, const QString &entryRef) override
    {
        return m_uploads.cancel(name, entryRef, m_host.uploadFiles());
    }
    Result<std::vector<CompletedUpload>> consumeUploadedEntries(const QString &name) override
    {
        return m_uploads.consume(name, m_host.uploadFiles());
    }
    Value uploads() const override { return m_uploads.toValue(); }

    /// Where a step goes on: after the mount callback (Template), after mount's handle_params
    /// (Params), following patches (Patches: after an event, info or handle_params), Render.
    enum class Phase { Idle, Template, Params, Patches, Render };
    /// Runs one callback: true when it suspended the view.
    template<typename Fn>
    Result<bool> invoke(Fn &&callback);
    /// Starts a step whose first callback is fn, continuing at phase.
    template<typename Fn>
    Result<ViewUpdate> begin(Phase then, Output output, bool full, Fn &&callback);
    /// After a callback: the error, Pending, or on with the step.
    Result<ViewUpdate> after(Result<bool> suspended);
    /// Runs the step from m_phase until it is done or a callback suspends.
    Result<ViewUpdate> proceed();
    Result<QByteArray> render(Output output, bool full);
    /// The assigns history while one is recorded (null otherwise: one pointer test per step).
    ViewHistory *history();
    /// Finishes the history entry of a step that is done (passes update through).
    Result<ViewUpdate> recorded(Result<ViewUpdate> update);
    /// Components marked dirty (events, send_update) and the "c" map spliced into out.
    Result<void> renderComponents(QByteArray &out);
    /// The components in the host's status ("components" detail), when they changed.
    void describeComponents();
    void setUrl(const QUrl &url);
    /// The uploads a payload's "cid" names (the view's without one) and the cid (-1: the view).
    Result<std::pair<UploadState *, int>> uploadTarget(const QJsonObject &payload);

    ViewHost &m_host;
    const Router &m_router;
    Router::Match m_route;
    QUrl m_url;
    std::unique_ptr<ViewHandler> m_handler;
    std::unique_ptr<ComponentTable> m_components;
    quint64 m_componentsDescribed = 0;
    Template m_template;
    RenderedTree m_last;
    ViewEffects m_effects;
    // the step in progress
    Phase m_phase = Phase::Idle;
    Output m_output = Output::Tree;
    bool m_full = false;
    bool m_suspended = false;
    bool m_event = false; ///< the step is a client event (it may reply; NotFound refuses it)
    int m_hops = 0;
    std::optional<Navigation> m_lastPatch;
    /// Nested views' containers by id, with what they were made of: a re-render with the same
    /// arguments reuses the HTML (a fresh token would change the string and cost a diff).
    QHash<QString, std::pair<QByteArray, QByteArray>> m_childContainers;
    QJsonObject m_mountParams;
    QJsonObject m_flash;
    std::unique_ptr<ViewHistory> m_history;
    std::optional<QByteArray> m_record; ///< mount's record to resume from, until applied
    bool m_resumed = false;
    UploadState m_uploads;
};

/// The live component an event payload targets: 0 for the view itself (no "cid"), the cid, or
/// InvalidArgument with a reason for the client when "cid" is malformed or names no component
/// of the view (unknown, or already destroyed).
Result<int> componentTarget(const QJsonObject &payload, const ViewRunner &runner);
/// The "cids" of a cids_will_destroy / cids_destroyed payload; InvalidArgument when malformed.
Result<QList<int>> componentIds(const QJsonObject &payload);

/// Route parameters merged over the URL's query parameters (the route wins).
QJsonObject mergedParams(const QUrl &url, const QJsonObject &pathParams);

} // namespace LiveActor
