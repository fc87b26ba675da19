#include "nativeruntime.h"

#include "inprocesssessionactor.h"
#include "python/pythonviewhandler.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

namespace LiveActor {

NativeRuntime::NativeRuntime(const Options &options) : m_options(options)
{
    if (PythonInterpreter::instance())
        throw std::runtime_error("another liveactor Runtime is running in this process: close it first "
                                 "(one runs at a time)");
    PythonConfig config;
    config.handlerBudget = std::chrono::milliseconds(options.handlerBudgetMs);
    config.handlerTimeout = std::chrono::milliseconds(options.handlerTimeoutMs);
    auto python = PythonInterpreter::start(config);
    if (!python)
        throw std::runtime_error(python.error().toString().toStdString());
    m_python = std::move(*python);
    m_python->setPubSub(&m_pubsub);

    py::gil_scoped_release release; // the Qt thread may need the GIL while we wait
    m_qtThread = std::thread([this] {
        static int argc = 1;
        static char name[] = "liveactor";
        static char *argv[] = {name, nullptr};
        std::unique_ptr<QCoreApplication> app;
        if (!QCoreApplication::instance()) {
            app = std::make_unique<QCoreApplication>(argc, argv);
            m_ownsApp = true;
        }
        SystemConfig sc;
        sc.executors = m_options.executors;
        auto system = std::make_unique<ActorSystem>(sc);
        {
            std::lock_guard lock(m_mutex);
            m_app = app.get();
            m_system = system.get();
            m_ready = true;
        }
        m_cv.notify_all();
        QEventLoop loop; // quit by shutdown()
        {
            std::lock_guard lock(m_mutex);
            m_loop = &loop;
        }
        m_cv.notify_all();
        loop.exec();
        system.reset(); // shutdown() already stopped the actors
        app.reset();
    });
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_ready && m_loop; });
}

NativeRuntime::~NativeRuntime()
{
    shutdown(std::chrono::milliseconds(2000));
}

void NativeRuntime::addRoute(const QString &pattern, ViewFactory factory)
{
    if (auto r = m_router.addRoute(pattern, std::move(factory)); !r)
        throw std::invalid_argument(r.error().message.toStdString());
}

Result<QStringList> NativeRuntime::loadApp(const QString &spec)
{
    auto app = PythonApp::load(spec);
    if (!app)
        return fail(app.error());
    QStringList patterns;
    for (const auto &route : (*app)->routes()) {
        if (auto r = m_router.addRoute(route.pattern, route.factory); !r)
            return fail(r.error());
        patterns << route.pattern;
    }
    m_apps.push_back(std::move(*app));
    return patterns;
}

std::optional<Router::Match> NativeRuntime::match(const QString &path) const
{
    return m_router.match(path);
}

ActorRef NativeRuntime::createSession()
{
    if (m_shutDown)
        return {};
    return m_system->spawn<InProcessSessionActor>(SpawnOptions{.kind = u"session"_s, .name = {}, .capacity = 100});
}

Result<std::shared_ptr<NativeViewShared>> NativeRuntime::mount(const ActorRef &session, const QString &path,
                                                               const QJsonObject &params, const QJsonObject &sessionData,
                                                               PyObjectRef onPush, std::function<void(Result<void>)> done,
                                                               const QJsonObject &flash)
{
    QUrl url(u"http://localhost"_s + path);
    if (!params.isEmpty()) { // extra query parameters: the route's own still win, as on a page
        QUrlQuery query(url);
        for (auto it = params.begin(); it != params.end(); ++it)
            query.addQueryItem(it.key(), it.value().isString() ? it.value().toString()
                                                               : QString::fromUtf8(QJsonDocument(QJsonArray{it.value()}).toJson(QJsonDocument::Compact).sliced(1).chopped(1)));
        url.setQuery(query);
    }
    if (m_shutDown)
        return fail(ErrorCode::Closed, u"the runtime has shut down"_s);
    auto match = m_router.match(url.path());
    if (!match)
        return fail(ErrorCode::NotFound, u"no route for "_s + path);
    if (!session.isAlive())
        return fail(ErrorCode::Closed, u"the session has stopped"_s);
    auto shared = std::make_shared<NativeViewShared>();
    shared->key = u"v"_s + QString::number(m_nextView++);
    shared->router = &m_router;
    shared->route = std::move(*match);
    shared->session = sessionData;
    shared->flash = flash;
    shared->url = url;
    shared->pubsub = &m_pubsub;
    shared->onPush = std::move(onPush);
    shared->restartLimit = m_options.restartLimit;
    shared->suspendTimeout = std::chrono::milliseconds(m_options.handlerTimeoutMs + 2000);
    session.ask(NativeMount{shared}, std::chrono::milliseconds(5000), nullptr,
                [done = std::move(done)](Result<Message> r) {
                    done(r ? Result<void>() : Result<void>(fail(r.error())));
                });
    return shared;
}

std::shared_lock<std::shared_mutex> NativeRuntime::use()
{
    std::shared_lock lock(m_lifetime);
    if (m_shutDown)
        lock.unlock();
    return lock;
}

bool NativeRuntime::shutdown(std::chrono::milliseconds timeout)
{
    if (m_shutDown)
        return true;
    bool ok;
    {
        std::optional<py::gil_scoped_release> release;
        if (PyGILState_Check())
            release.emplace();
        {
            std::unique_lock lock(m_lifetime); // waits for calls in progress (see use())
            m_shutDown = true;
        }
        ok = m_system->shutdown(timeout);
        QMetaObject::invokeMethod(m_loop, "quit", Qt::QueuedConnection);
        m_qtThread.join();
    }
    m_system = nullptr; // destroyed on the Qt thread
    // Let go of the interpreter now, not when Python collects the last handle: a Session or View
    // kept by a test's traceback would otherwise keep the next Runtime from starting.
    m_python->setPubSub(nullptr);
    m_apps.clear();
    m_python.reset();
    return ok;
}

} // namespace LiveActor
