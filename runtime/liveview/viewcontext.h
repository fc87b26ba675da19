#pragma once

#include "core/result.h"
#include "liveview/uploadstate.h"
#include "liveview/viewinfo.h"
#include "template/value.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>

namespace LiveActor {

/// Resumes a suspended view (ViewContext::suspend()). Call it once, from any thread.
using ViewResume = std::function<void()>;

/// What a view may ask of the server while one of its ViewHandler callbacks runs.
///
/// The server passes one to every ViewHandler call; it is valid only during that call and on that
/// thread (the view actor's executor). Effects are collected and sent after the call returns,
/// together with the render diff: during an event they go into the event's reply, otherwise
/// (handleInfo, timers, pub/sub) into a `diff` / `live_patch` / `redirect` push.
///
/// During the dead render (HTTP GET, isConnected() false) pushEvent, subscribe and sendAfter do
/// nothing (there is no socket yet; Phoenix views check connected?() for the same reason);
/// setTitle sets the page's <title>, redirect answers the GET with a 302.
class ViewContext
{
public:
    virtual ~ViewContext() = default;

    /// The view actor's UUID (stable for this mount), or "" during the dead render.
    virtual QString viewId() const = 0;
    /// The LiveView topic "lv:phx-…".
    virtual QString topic() const = 0;
    /// The page URL (updated by live patches).
    virtual QUrl url() const = 0;
    /// false during the dead render, true once the WebSocket joined.
    virtual bool isConnected() const = 0;

    /// Dispatches `phx:<name>` on the client window (and to hooks' handleEvent).
    virtual void pushEvent(const QString &name, const QJsonValue &payload) = 0;
    /// Changes the URL without a reload; the view's handleParams runs with the new URL.
    virtual void pushPatch(const QString &to, bool replace = false) = 0;
    /// Live navigation to another view of this app (`live_redirect`).
    virtual void pushNavigate(const QString &to, bool replace = false) = 0;
    /// Full page navigation (`redirect`).
    virtual void redirect(const QString &to) = 0;
    /// Sets the page title (sent as "t").
    virtual void setTitle(const QString &title) = 0;
    /// The flash the page arrived with (Phoenix's @flash): what the previous view put before it
    /// redirected or navigated here. Empty otherwise. Meant for mount.
    virtual QJsonObject flash() const { return {}; }
    /// The view's flash as it is now, carried to the next view if this step leaves the page (a
    /// redirect or live navigation), in a signed flash token; ignored if the step stays. Default:
    /// ignored.
    virtual void carryFlash(const QJsonObject &flash) { Q_UNUSED(flash); }
    /// The answer to the client event being handled: a hook's `pushEvent(name, payload, reply =>
    /// …)` receives it ("r" in the event's reply diff). Only handleEvent (and the resume of one that
    /// suspended) can reply; elsewhere it is logged and dropped. Default: ignored.
    virtual void replyEvent(const QJsonObject &reply) { Q_UNUSED(reply); }

    /// In-process pub/sub: receive every broadcast on topic in handleInfo (name = topic).
    /// Errors: InvalidArgument for an empty topic.
    virtual Result<void> subscribe(const QString &topic) = 0;
    virtual void unsubscribe(const QString &topic) = 0;
    /// Sends info to every subscriber of topic (this view too, if subscribed). Returns how many
    /// accepted it; a subscriber whose mailbox is full misses it and the server counts a drop.
    virtual int broadcast(const QString &topic, const QVariant &payload) = 0;

    /// Delivers info to this view's handleInfo after delay (Phoenix's Process.send_after). The
    /// timer dies with the view. Returns an id for cancelTimer (0 during the dead render).
    virtual quint64 sendAfter(std::chrono::milliseconds delay, const ViewInfo &info) = 0;
    virtual bool cancelTimer(quint64 id) = 0;

    /// For a callback whose work finishes elsewhere (a blocking call on a worker thread, a
    /// coroutine on an event loop): the view takes no other message — they wait in its mailbox,
    /// in order — until the returned function is called (once, from any thread); then
    /// ViewHandler::resume() runs on the view's thread and the view goes on (patches, render,
    /// reply). The view crashes with "handler timeout" if that does not happen within the
    /// server's handler timeout. An empty function: this context cannot wait (the dead render);
    /// do the work in place.
    /// what names the work for the monitor ("Notes.export"): the view's registry detail
    /// "waiting" reads "<what> since <time>" until it resumes.
    virtual ViewResume suspend(const QString &what = {}) { Q_UNUSED(what); return {}; }
    /// Phoenix's send_update: the view's live component (class name, id) gets update(assigns)
    /// and is re-rendered once the current callback is done. false when the view has no such
    /// component (nothing happens; Phoenix logs it too).
    virtual bool sendUpdate(const QString &component, const Value &id, const ValueMap &assigns)
    {
        Q_UNUSED(component); Q_UNUSED(id); Q_UNUSED(assigns);
        return false;
    }
    /// Whether suspend() can succeed here (false: run callbacks to the end in place).
    virtual bool canSuspend() const { return false; }
    /// A free-form status line shown with the view in the monitor (registry detail key); an
    /// empty value removes it. E.g. "async" = the background tasks running.
    virtual void setStatus(const QString &key, const QString &value) { Q_UNUSED(key); Q_UNUSED(value); }

    /// Uploads (Phoenix's allow_upload & co., see UploadState): templates read them as `uploads`.
    /// allowUpload returns the upload's ref; the others fail with NotFound for an unknown name or
    /// entry. consumeUploadedEntries hands over every done entry with its file, which is removed
    /// from disk when the CompletedUpload dies unless the consumer moved it away. Default (a
    /// context without uploads): NotSupported.
    virtual Result<QString> allowUpload(const UploadConfig &config)
    {
        Q_UNUSED(config);
        return fail(ErrorCode::NotSupported, QStringLiteral("uploads are not supported here"));
    }
    virtual Result<void> disallowUpload(const QString &name)
    {
        Q_UNUSED(name);
        return fail(ErrorCode::NotSupported, QStringLiteral("uploads are not supported here"));
    }
    virtual Result<void> cancelUpload(const QString &name, const QString &entryRef)
    {
        Q_UNUSED(name); Q_UNUSED(entryRef);
        return fail(ErrorCode::NotSupported, QStringLiteral("uploads are not supported here"));
    }
    virtual Result<std::vector<CompletedUpload>> consumeUploadedEntries(const QString &name)
    {
        Q_UNUSED(name);
        return fail(ErrorCode::NotSupported, QStringLiteral("uploads are not supported here"));
    }
    /// The `uploads` map as templates see it.
    virtual Value uploads() const { return ValueMap(); }
};

} // namespace LiveActor
