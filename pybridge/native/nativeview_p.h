#pragma once

// Internal to liveactor._native: the state a view handle shares with its actor incarnations,
// and the messages between Python and the actors.

#include "core/actorref.h"
#include "liveview/pubsub.h"
#include "liveview/router.h"
#include "python/pyobjectref.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <mutex>

namespace LiveActor {

/// One mounted view as Python sees it: survives restarts (each incarnation is the same actor id
/// with the next incarnation number, as under the server).
struct NativeViewShared
{
    std::mutex mutex;
    ActorRef ref;            ///< current incarnation
    QString key;             ///< "v1", "v2", … (per runtime)
    QString lastCrash;       ///< the last abnormal exit's message (with the Python traceback)
    QJsonObject mountEffects; ///< what the last mount asked for (redirect, title, events)
    int restarts = 0;
    bool gaveUp = false;     ///< restart limit reached: the view stays down
    int restartLimit = 5;
    std::chrono::milliseconds suspendTimeout{12000}; ///< see ServerConfig::suspendTimeout
    const Router *router = nullptr;
    Router::Match route;
    QUrl url;
    QJsonObject session;
    QJsonObject flash;       ///< the flash the first mount arrives with (a restart gets none)
    PubSub *pubsub = nullptr;
    PyObjectRef onPush;      ///< Python callable(key, dict) for server pushes (GIL taken to call)

    ActorRef current()
    {
        std::lock_guard lock(mutex);
        return ref;
    }
};

/// Ask a InProcessSessionActor to spawn (and from then on restart) a view; replies the ActorRef.
struct NativeMount { std::shared_ptr<NativeViewShared> view; };
/// cid: the live component the event targets (0: the view).
struct NativeEvent { QString event; QJsonObject value; int cid = 0; };
/// cids_will_destroy (destroy false) / cids_destroyed (true); the reply's diff is {"cids": freed}.
struct NativeComponents { bool destroy = false; QJsonObject payload; };
/// The client's live_patch (a link with data-phx-link="patch"): path with its query.
struct NativeLivePatch { QString path; };
struct NativeRender { };
/// The answer to NativeEvent / NativeRender: the diff (or full rendered JSON), HTML and effects.
struct NativeReply
{
    QByteArray diff;
    QByteArray html;
    QJsonObject effects;
};

} // namespace LiveActor
