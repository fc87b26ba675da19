#pragma once

#include "core/result.h"
#include "liveview/httprequest.h"
#include "liveview/httpresponse.h"
#include "python/handlerbudget.h"
#include "python/pythonstats.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

namespace LiveActor {

class PubSub;
class TemplateEngine;

/// How the embedded interpreter is set up.
struct PythonConfig
{
    /// Prepended to sys.path. The directory holding the `liveactor` package is added after
    /// these: $LIVEACTOR_PYTHONPATH if set, else the source tree's pybridge/ for an executable
    /// in the build tree (python/buildtree.h), else nothing (dist-packages has it).
    QStringList pythonPath;
    /// A handler running longer than this is logged and counted (0 = off).
    std::chrono::milliseconds handlerBudget{1000};
    /// A handler running longer than this gets liveactor.HandlerTimeout raised in it (0 = never).
    std::chrono::milliseconds handlerTimeout{10000};
    /// Dev mode (`--reload`): template files are re-read when they change.
    bool devMode = false;
    /// Worker threads for callbacks that block (liveactor/_work.py); 0: its default (16).
    int workers = 0;
    /// Where plain sync callbacks run: "pool" (the worker pool, safe for blocking I/O) or
    /// "inline" (the executor, unless declared blocking); empty: liveactor's default.
    QString syncHandlers;
};

/// The one embedded CPython (Debian's 3.11) of the process, and the Python layer's shared state.
///
/// Create it on the main thread, before the actor system starts and after QCoreApplication; keep
/// it alive until the actor system has shut down (executor threads hold Python thread states).
/// start() initializes the interpreter (without Python's signal handlers, so SIGINT/SIGTERM stay
/// with the app), imports `liveactor`, and then releases the GIL: from then on every thread,
/// including the main one, takes it with GilGuard around Python calls only. If an interpreter is
/// already running (the `liveactor._native` extension inside python3), start() attaches to it and
/// the destructor leaves it running. Destroying it finalizes the interpreter it created; a second
/// start() in the same process is refused (pybind11: extension modules may not survive a restart).
///
/// Errors: start() returns Internal with the Python traceback if `liveactor` cannot be imported.
/// Thread-safe after start(): instance(), engine(), broadcast(), stats().
class PythonInterpreter
{
public:
    static Result<std::unique_ptr<PythonInterpreter>> start(const PythonConfig &config = {});
    ~PythonInterpreter();
    PythonInterpreter(const PythonInterpreter &) = delete;
    PythonInterpreter &operator=(const PythonInterpreter &) = delete;

    /// The running instance, or nullptr.
    static PythonInterpreter *instance();

    const PythonConfig &config() const { return m_config; }
    HandlerBudget *budget() const { return m_budget.get(); }
    /// true if start() created the interpreter (embedded app), false if it attached to python3.
    bool ownsInterpreter() const { return m_owns; }

    /// The PubSub that liveactor.broadcast() uses outside view handlers (inside a handler it goes
    /// through the view's ViewContext). The server owns it; it must outlive this object or be
    /// reset to nullptr first.
    void setPubSub(PubSub *pubsub);
    /// liveactor.broadcast() outside a handler: -1 when no PubSub is set.
    int broadcast(const QString &topic, const QVariant &payload);
    PubSub *pubsub() const;
    /// A broadcast's message as JSON, for other instances (runtime/cluster): a Python object
    /// through PyConvert::toJson (takes the GIL; tuples become lists), a QJsonValue as is.
    /// Errors: InvalidArgument naming what is not JSON-able.
    static Result<QJsonValue> messageToJson(const QVariant &payload);

    /// A shared TemplateEngine searching dirs (one per distinct list; dev mode per config).
    std::shared_ptr<TemplateEngine> engine(const QStringList &dirs);
    /// Drops every compiled template (after a reload).
    void clearTemplateCaches();

    PythonStats stats() const;

    /// Django projects (`liveactor serve --django SETTINGS`): liveactor._django.setup(settings)
    /// — django.setup() once, before the app is imported, and the per-thread database
    /// connection handling around callbacks. Errors: the Python exception with its traceback.
    Result<void> setupDjango(const QString &settings);
    /// The session map for a page request's Cookie header through Django's session engine and
    /// django.contrib.auth (liveactor._django.session_for_cookie): {} without a Django session.
    /// Takes the GIL; a failure is logged and gives {}.
    QJsonObject djangoSession(const QByteArray &cookieHeader) const;

    /// The session in a request's signed liveactor.http cookie ({} without one, or when it does
    /// not verify with secret). Takes the GIL; a failure is logged and gives {}.
    QJsonObject cookieSession(const QByteArray &cookieHeader, const QByteArray &secret) const;

    /// Runs the app's liveactor.http handler for a request: nullopt when no handler has its
    /// path. A handler that raises gives 500 (the traceback in the page only with debug). Takes
    /// the GIL.
    std::optional<HttpResponse> httpDispatch(const HttpRequest &request, const QByteArray &secret, bool debug) const;

private:
    explicit PythonInterpreter(const PythonConfig &config);

    PythonConfig m_config;
    bool m_owns = false;
    void *m_mainThreadState = nullptr; // PyThreadState saved after start() (owned interpreter)
    std::unique_ptr<HandlerBudget> m_budget;
    mutable std::mutex m_mutex;
    PubSub *m_pubsub = nullptr;
    QHash<QString, std::shared_ptr<TemplateEngine>> m_engines;
};

} // namespace LiveActor
