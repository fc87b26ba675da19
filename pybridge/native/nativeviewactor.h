#pragma once

#include "core/actor.h"
#include "liveview/viewcontext.h"
#include "liveview/viewhandler.h"
#include "nativeview_p.h"
#include "template/renderedtree.h"

#include <QHash>

#include <memory>

namespace LiveActor {

/// A live view run without a socket, for liveactor._native (the Python test driver and the
/// in-process benchmark): mount → handle_params → render in started(); NativeEvent/NativeRender
/// asks are answered with a NativeReply (diff against the previous render, full HTML, effects);
/// ViewInfo (pub/sub, timers) runs handle_info and pushes the diff to NativeViewShared::onPush.
///
/// It renders and diffs exactly like liveview's ViewActor (Template::render with the changed
/// assigns, RenderedTree::diff). A handler Error exits the actor with that Error; stopping()
/// then records the traceback in the shared state and spawns the next incarnation under the same
/// parent (up to restartLimit), which mounts afresh — the browser's phx_error/rejoin, in-process.
/// Thread affinity: its executor. Not linked to its session (a crash must not take it down).
class NativeViewActor final : public Actor, private ViewContext
{
public:
    explicit NativeViewActor(std::shared_ptr<NativeViewShared> shared);

protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;
    void stopping(const ExitReason &reason) override;

private:
    QString viewId() const override { return m_shared->key; }
    QString topic() const override { return QStringLiteral("lv:") + m_shared->key; }
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

    Result<NativeReply> render(bool full);
    Result<void> crashed(const Error &error);
    Result<void> applyPatch();

    std::shared_ptr<NativeViewShared> m_shared;
    std::unique_ptr<ViewHandler> m_handler;
    Template m_template;
    RenderedTree m_last;
    QUrl m_url;
    QJsonObject m_effects;
    bool m_patchPending = false;
};

} // namespace LiveActor
