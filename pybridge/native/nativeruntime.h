#pragma once

#include "core/actorref.h"
#include "core/actorsystem.h"
#include "liveview/pubsub.h"
#include "liveview/router.h"
#include "nativeview_p.h"
#include "python/pythonapp.h"
#include "python/pythoninterpreter.h"

#include <QHash>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>

QT_BEGIN_NAMESPACE
class QCoreApplication;
class QEventLoop;
QT_END_NAMESPACE

namespace LiveActor {

/// The actor runtime started inside a python3 process by liveactor._native.Runtime.
///
/// Owns a Qt thread (QCoreApplication, unless one exists, and the ActorSystem with its executor
/// threads), a PubSub, the PythonInterpreter attached to the running interpreter, and the routes
/// (pattern → ViewFactory). Python stays on its own thread (asyncio); the views' handlers run on
/// the executors, taking the GIL for each call. Construct and call with the GIL held; blocking
/// calls (shutdown) release it. shutdown() must run before the interpreter exits (the Python
/// wrapper registers it with atexit): executor threads hold Python thread states.
class NativeRuntime
{
public:
    struct Options
    {
        int executors = 2;
        int handlerBudgetMs = 1000;
        int handlerTimeoutMs = 10000;
        int restartLimit = 5;
    };
    explicit NativeRuntime(const Options &options);
    ~NativeRuntime();

    void addRoute(const QString &pattern, ViewFactory factory);
    /// Imports an app spec (see PythonApp) and adds its routes; returns the patterns.
    Result<QStringList> loadApp(const QString &spec);
    std::optional<Router::Match> match(const QString &path) const;

    /// A null ref once shut down.
    ActorRef createSession();
    /// Asks session to spawn a view for path (query allowed; params are extra query parameters,
    /// the route's own parameters win) and calls done once it is spawned (it mounts on its
    /// executor before it answers anything). NotFound for a path no route serves. flash: what
    /// the view arrives with, as if the previous view had carried it here.
    Result<std::shared_ptr<NativeViewShared>> mount(const ActorRef &session, const QString &path,
                                                    const QJsonObject &params, const QJsonObject &sessionData,
                                                    PyObjectRef onPush, std::function<void(Result<void>)> done,
                                                    const QJsonObject &flash = {});
    /// Holds shutdown() off while a call from Python uses the actor system (refs of a shut-down
    /// system must not be used: their executors are gone). Does not own the lock once shut down.
    std::shared_lock<std::shared_mutex> use();
    /// Only under use(): the system is gone after shutdown().
    ActorSystem &system() { return *m_system; }
    PubSub &pubsub() { return m_pubsub; }
    /// Stops the actors and the Qt thread and releases the interpreter (another NativeRuntime may
    /// start after it, in the same process). Idempotent.
    bool shutdown(std::chrono::milliseconds timeout);
    bool isShutDown() const { return m_shutDown.load(); }

private:
    Options m_options;
    std::unique_ptr<PythonInterpreter> m_python;
    PubSub m_pubsub;
    Router m_router;
    std::vector<std::unique_ptr<PythonApp>> m_apps;
    std::thread m_qtThread;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    QCoreApplication *m_app = nullptr;
    bool m_ownsApp = false;
    ActorSystem *m_system = nullptr;
    QEventLoop *m_loop = nullptr;
    bool m_ready = false;
    std::shared_mutex m_lifetime; ///< see use()
    std::atomic<bool> m_shutDown{false};
    std::atomic<int> m_nextView{1};
};

} // namespace LiveActor
