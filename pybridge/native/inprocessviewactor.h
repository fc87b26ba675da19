#pragma once

#include "liveview/viewactorbase.h"
#include "nativeview_p.h"

#include <QJsonDocument>
#include <pybind11/pytypes.h>

#include <memory>

namespace LiveActor {

/// A live view run without a socket, for liveactor._native (the Python test driver and the
/// in-process benchmark): the same ViewRunner as the server's ViewActor, answering asks instead
/// of channel pushes. started() mounts; NativeEvent / NativeLivePatch / NativeRender asks get a
/// NativeReply (the diff against the previous render or the full tree, the HTML, the effects; a
/// live patch to a URL another view serves answers with a "navigate" effect); a ViewInfo (pub/sub,
/// timers) runs handle_info and hands the diff to NativeViewShared::onPush.
/// A handler Error exits the actor with it and records it (with the traceback) as lastCrash; its
/// InProcessSessionActor restarts it as the same actor with the next incarnation.
/// Thread affinity: its executor.
class InProcessViewActor final : public ViewActorBase
{
public:
    explicit InProcessViewActor(std::shared_ptr<NativeViewShared> shared);

protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;

private:
    QString topic() const override { return QStringLiteral("lv:") + m_shared->key; }
    /// Nested views' containers render, but nothing joins them here (no server, no socket): the
    /// token is the claims, unsigned. Test a child view by mounting its class on its own.
    Result<QByteArray> signChildToken(const QJsonObject &claims) override
    {
        return QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding
                                                                             | QByteArray::OmitTrailingEquals);
    }
    Result<void> crashed(const Error &error);
    /// Runs one runner step for the ask being handled and answers it once the step is done.
    Result<void> answer(const std::function<Result<ViewUpdate>()> &runStep, const QString &livePatch = {});
    NativeReply toReply(const ViewUpdate &update) const;
    void deliverPush(const NativeReply &reply);

    std::shared_ptr<NativeViewShared> m_shared;
};

/// {"diff": dict, "html": str, "effects": dict}: what liveactor.runtime.Reply wraps. GIL held.
pybind11::object toPython(const NativeReply &reply);

} // namespace LiveActor
