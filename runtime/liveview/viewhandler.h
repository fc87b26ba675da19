#pragma once

#include "core/result.h"
#include "liveview/componenthandler.h"
#include "liveview/viewcontext.h"
#include "liveview/viewinfo.h"
#include "template/template.h"
#include "template/value.h"

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace LiveActor {

/// A live view's logic: the only way the server calls into user code (C++ test views now, Python
/// views through runtime/python). No Qt GUI, no pybind11 here.
///
/// Lifecycle, per mount (the dead render of a GET and every WebSocket join create a fresh
/// instance through the route's ViewFactory):
///   mount(params, session) → handleParams(params, url) → render
///   then any number of handleEvent / handleInfo / handleParams, each followed by a render.
/// Rendering: the server renders viewTemplate() with assigns() and diffs against what the client
/// has. viewTemplate() must be non-null after mount (a view without a template fails its mount).
/// changedAssigns() lets a handler say which assigns changed since the last render (nullopt:
/// unknown, re-render everything) so unchanged dynamics are skipped.
///
/// Arguments: params are the route's path parameters merged over the URL's query parameters;
/// session is the signed session map of the page (what the app's session provider put there);
/// event values are the decoded `value` of the client event (forms: the nested map from the
/// URL-encoded form, plus meta, with `_target` as a key-path array — see FormDecoder).
///
/// Threading and ownership: the server owns the instance; all calls happen on one thread (the view
/// actor's executor; the dead render's instance on the HTTP thread), one at a time.
/// Errors: returning an Error (or throwing — but don't) crashes the view actor: the client gets
/// `phx_error` and rejoins with a fresh mount; during the dead render it gives a 500 page.
class ViewHandler
{
public:
    virtual ~ViewHandler() = default;

    virtual Result<void> mount(const QJsonObject &params, const QJsonObject &session, ViewContext &context) = 0;
    virtual Result<void> handleParams(const QJsonObject &params, const QUrl &url, ViewContext &context)
    {
        Q_UNUSED(params); Q_UNUSED(url); Q_UNUSED(context);
        return {};
    }
    /// An Error with ErrorCode::NotFound means "this view has no handler for event": the client's
    /// push is answered with an error carrying the message and the view goes on (no crash). Any
    /// other Error crashes the view.
    virtual Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &context) = 0;
    /// Pub/sub broadcasts and sendAfter timers. Default: ignored.
    virtual Result<void> handleInfo(const ViewInfo &info, ViewContext &context)
    {
        Q_UNUSED(info); Q_UNUSED(context);
        return {};
    }

    virtual Template viewTemplate() const = 0;
    /// The page's layout: the outer HTML the dead render puts the live container into (see
    /// deadrender.h for what its context holds). Default: none (a null Template), the server's
    /// own page. An Error (a missing or broken layout file) fails the dead render.
    virtual Result<Template> pageLayout() const { return Template(); }
    virtual Result<ValueMap> assigns() = 0;
    /// The current assigns for inspection (the monitor's detail pane), without the side effects
    /// assigns() may have (Python views reset temporary assigns after a render). Default:
    /// NotSupported.
    virtual Result<ValueMap> inspectAssigns() const
    {
        return fail(ErrorCode::NotSupported, QStringLiteral("this view does not expose its assigns"));
    }
    /// Finishes a callback that suspended its view (ViewContext::suspend()), on the view's thread
    /// once the work is done; its Error crashes the view as the callback's own would. Default:
    /// nothing to finish.
    virtual Result<void> resume(ViewContext &context)
    {
        Q_UNUSED(context);
        return {};
    }
    /// Views that resume (runtime/cluster/README.md): the view's state as a record (JSON text) to
    /// keep after a handled message, so that the same page re-joining on another instance resumes
    /// from it; nullopt: nothing to keep (the default). An Error is logged; the view goes on.
    virtual Result<std::optional<QByteArray>> persistedState() { return std::nullopt; }
    /// Restores a record persistedState() made, after mount and before handleParams and the
    /// first render: true when applied, false when ignored (another app version's or a damaged
    /// record, or a view that keeps nothing: the default). An Error crashes the view as mount's.
    virtual Result<bool> restoreState(const QByteArray &record, ViewContext &context)
    {
        Q_UNUSED(record); Q_UNUSED(context);
        return false;
    }
    /// Names of assigns changed since the last call (and resets that record); nullopt = unknown.
    virtual std::optional<QSet<QString>> changedAssigns() { return std::nullopt; }

    /// A new live component for `{% live_component name … %}` in this view's templates (name as
    /// written in the tag). Default: NotFound (the view has no components).
    virtual Result<std::unique_ptr<ComponentHandler>> createComponent(const QString &name)
    {
        return fail(ErrorCode::NotFound, QStringLiteral("no live component called ") + name);
    }
};

} // namespace LiveActor
