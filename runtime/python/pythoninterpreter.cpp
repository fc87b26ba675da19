#include "python/pythoninterpreter.h"

#include "liveview/pageshell.h"
#include "liveview/presence.h"
#include "liveview/pubsub.h"
#include "liveview/viewcontext.h"
#include "python/buildtree.h"
#include "python/currentcontext_p.h"
#include "python/gilguard.h"
#include "python/pyconvert.h"
#include "python/pyobjectref.h"
#include "python/pythonerror.h"
#include "python/pytemplatebridge.h"
#include "python/pyuploads.h"
#include "template/templateengine.h"

#include <QLoggingCategory>

#include <pybind11/embed.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPython, "liveactor.python")

namespace LiveActor {

namespace {
std::atomic<PythonInterpreter *> s_instance{nullptr};
std::atomic<bool> s_startedOnce{false};

QStringList packagePath()
{
    const QByteArray env = qgetenv("LIVEACTOR_PYTHONPATH");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env).split(u':', Qt::SkipEmptyParts);
    if (const auto dev = buildTree())
        return {dev->packageDir};
    return {}; // installed: the package is in dist-packages, already on sys.path
}

// liveactor.broadcast(topic, msg) lands here (GIL held).
int hostBroadcast(const std::string &topic, py::object msg)
{
    const QString t = QString::fromStdString(topic);
    const QVariant payload = QVariant::fromValue(PyObjectRef::borrow(msg.ptr()));
    if (ViewContext *ctx = currentViewContext())
        return ctx->broadcast(t, payload);
    if (PythonInterpreter *self = PythonInterpreter::instance()) {
        int n;
        {
            py::gil_scoped_release release; // tell() may take locks that other GIL holders want
            n = self->broadcast(t, payload);
        }
        if (n >= 0)
            return n;
    }
    py::object noRuntime = py::module_::import("liveactor._host").attr("NoRuntime");
    PyErr_SetString(noRuntime.ptr(), "liveactor.broadcast() needs a running server (no pub/sub attached)");
    throw py::error_already_set();
}
Presence &hostPresence()
{
    PythonInterpreter *self = PythonInterpreter::instance();
    if (PubSub *pubsub = self ? self->pubsub() : nullptr)
        return pubsub->presence();
    py::object noRuntime = py::module_::import("liveactor._host").attr("NoRuntime");
    PyErr_SetString(noRuntime.ptr(), "liveactor.presence needs a running server (no pub/sub attached)");
    throw py::error_already_set();
}

// liveactor.presence.track(topic, key, meta) (GIL held). Inside a view the entry is the view's and
// leaves when the view ends; during the dead render (no socket yet) nothing is tracked.
py::object hostPresenceTrack(const std::string &topic, const std::string &key, py::object meta)
{
    ViewContext *ctx = currentViewContext();
    if (ctx && !ctx->isConnected())
        return py::none();
    auto json = meta.is_none() ? Result<QJsonValue>(QJsonObject()) : PyConvert::toJson(meta, u"meta"_s);
    if (!json || !json->isObject()) {
        PyErr_SetString(PyExc_TypeError, json ? "presence meta must be a dict" : json.error().message.toUtf8().constData());
        throw py::error_already_set();
    }
    Presence &presence = hostPresence();
    const QString owner = ctx ? ctx->viewId() : QString();
    QString ref;
    {
        py::gil_scoped_release release; // deliveries take mailbox locks
        ref = presence.track(QString::fromStdString(topic), QString::fromStdString(key), json->toObject(), owner);
    }
    return py::str(ref.toStdString());
}

int hostPresenceUntrack(const std::string &topic, const std::string &key)
{
    ViewContext *ctx = currentViewContext();
    Presence &presence = hostPresence();
    py::gil_scoped_release release;
    return presence.untrack(QString::fromStdString(topic), QString::fromStdString(key), ctx ? ctx->viewId() : QString());
}

py::object hostPresenceList(const std::string &topic)
{
    return PyConvert::fromJson(hostPresence().list(QString::fromStdString(topic)));
}
} // namespace

ViewContext *&currentViewContext()
{
    thread_local ViewContext *context = nullptr;
    return context;
}

PythonInterpreter::PythonInterpreter(const PythonConfig &config) : m_config(config) { }

Result<std::unique_ptr<PythonInterpreter>> PythonInterpreter::start(const PythonConfig &config)
{
    if (s_instance.load())
        return fail(ErrorCode::InvalidArgument, u"a PythonInterpreter is already running"_s);
    std::unique_ptr<PythonInterpreter> self(new PythonInterpreter(config));
    registerPageTags(); // {% load static live %} in any template, in the server and in-process alike
    const bool running = Py_IsInitialized();
    if (!running && s_startedOnce.exchange(true))
        return fail(ErrorCode::NotSupported, u"the embedded interpreter cannot be started twice in one process"_s);
    self->m_owns = !running;
    if (self->m_owns)
        py::initialize_interpreter(/*init_signal_handlers=*/false);

    Result<void> setup = [&]() -> Result<void> {
        GilGuard gil;
        try {
            py::list sysPath = py::module_::import("sys").attr("path");
            QStringList dirs = config.pythonPath + packagePath();
            for (auto it = dirs.crbegin(); it != dirs.crend(); ++it) {
                py::str dir(it->toStdString());
                if (!sysPath.contains(dir))
                    sysPath.insert(0, dir);
            }
            py::module_::import("liveactor");
            if (auto r = PyConvert::initialize(); !r)
                return r;
            py::object ns = py::module_::import("types").attr("SimpleNamespace")();
            ns.attr("broadcast") = py::cpp_function(&hostBroadcast, py::arg("topic"), py::arg("msg"));
            ns.attr("presence_track") = py::cpp_function(&hostPresenceTrack, py::arg("topic"), py::arg("key"), py::arg("meta"));
            ns.attr("presence_untrack") = py::cpp_function(&hostPresenceUntrack, py::arg("topic"), py::arg("key"));
            ns.attr("presence_list") = py::cpp_function(&hostPresenceList, py::arg("topic"));
            PyTemplateBridge::install(ns);
            PyUploads::install(ns);
            py::module_::import("liveactor._host").attr("install")(ns);
            py::module_::import("liveactor._work").attr("configure")(
                config.workers, double(config.handlerTimeout.count()) / 1000.0,
                config.syncHandlers.isEmpty() ? py::object(py::none()) : py::object(py::str(config.syncHandlers.toStdString())));
        } catch (py::error_already_set &e) {
            return fail(pythonError(e, u"cannot import the liveactor package"_s));
        }
        return {};
    }();

    if (self->m_owns && !setup) {
        // Nothing else has used it: finalize now so the process stays clean.
        py::finalize_interpreter();
        return fail(setup.error());
    }
    if (!setup)
        return fail(setup.error());
    if (self->m_owns)
        self->m_mainThreadState = PyEval_SaveThread(); // from now on: GilGuard around Python calls
    self->m_budget = std::make_unique<HandlerBudget>(config.handlerBudget, config.handlerTimeout);
    s_instance.store(self.get());
    return self;
}

PythonInterpreter::~PythonInterpreter()
{
    if (s_instance.load() != this)
        return; // start() failed and has already finalized the interpreter: no GIL to take
    m_budget.reset();
    s_instance.store(nullptr);
    {
        GilGuard gil;
        PyTemplateBridge::uninstall();
        try {
            py::module_::import("liveactor._host").attr("install")(py::none());
        } catch (py::error_already_set &) {
            PyErr_Clear();
        }
    }
    {
        std::lock_guard lock(m_mutex);
        m_engines.clear(); // templates may hold lazy Python objects
    }
    if (m_owns) {
        PyEval_RestoreThread(static_cast<PyThreadState *>(m_mainThreadState));
        py::finalize_interpreter();
    }
}

PythonInterpreter *PythonInterpreter::instance()
{
    return s_instance.load();
}

void PythonInterpreter::setPubSub(PubSub *pubsub)
{
    std::lock_guard lock(m_mutex);
    m_pubsub = pubsub;
}

PubSub *PythonInterpreter::pubsub() const
{
    std::lock_guard lock(m_mutex);
    return m_pubsub;
}

Result<QJsonValue> PythonInterpreter::messageToJson(const QVariant &payload)
{
    if (payload.canConvert<PyObjectRef>()) {
        GilGuard gil;
        return PyConvert::toJson(py::handle(payload.value<PyObjectRef>().get()), u"message"_s);
    }
    if (payload.canConvert<QJsonValue>())
        return payload.value<QJsonValue>();
    const QJsonValue json = QJsonValue::fromVariant(payload);
    if (json.isNull() && !payload.isNull())
        return fail(ErrorCode::InvalidArgument, u"a %1 is not JSON-able"_s.arg(QString::fromLatin1(payload.typeName())));
    return json;
}

int PythonInterpreter::broadcast(const QString &topic, const QVariant &payload)
{
    PubSub *pubsub;
    {
        std::lock_guard lock(m_mutex);
        pubsub = m_pubsub;
    }
    return pubsub ? pubsub->broadcast(topic, payload) : -1;
}

std::shared_ptr<TemplateEngine> PythonInterpreter::engine(const QStringList &dirs)
{
    const QString key = dirs.join(QChar(0));
    std::lock_guard lock(m_mutex);
    auto &slot = m_engines[key];
    if (!slot) {
        slot = std::make_shared<TemplateEngine>(dirs);
        slot->setDevMode(m_config.devMode);
    }
    return slot;
}

void PythonInterpreter::clearTemplateCaches()
{
    std::lock_guard lock(m_mutex);
    for (auto &engine : std::as_const(m_engines))
        engine->clearCache();
}

Result<void> PythonInterpreter::setupDjango(const QString &settings)
{
    GilGuard gil;
    try {
        py::module_::import("liveactor._django").attr("setup")(settings.toStdString());
    } catch (py::error_already_set &e) {
        return fail(pythonError(e, u"Django setup ("_s + settings + u") failed"_s));
    }
    return {};
}

QJsonObject PythonInterpreter::djangoSession(const QByteArray &cookieHeader) const
{
    GilGuard gil;
    try {
        py::object session = py::module_::import("liveactor._django").attr("session_for_cookie")(
            py::str(cookieHeader.toStdString()));
        auto json = PyConvert::toJson(session, u"Django session"_s);
        if (json && json->isObject())
            return json->toObject();
        qCWarning(lcPython).noquote() << "Django session: not a dict of JSON values";
    } catch (py::error_already_set &e) {
        qCWarning(lcPython).noquote() << pythonError(e, u"Django session lookup failed"_s).message;
    }
    return {};
}

QJsonObject PythonInterpreter::cookieSession(const QByteArray &cookieHeader, const QByteArray &secret) const
{
    GilGuard gil;
    try {
        py::dict headers;
        headers["cookie"] = py::str(cookieHeader.toStdString());
        py::object session = py::module_::import("liveactor.http").attr("session_from_headers")(headers, py::bytes(secret.toStdString()));
        auto json = PyConvert::toJson(session, u"session cookie"_s);
        if (json && json->isObject())
            return json->toObject();
    } catch (py::error_already_set &e) {
        qCWarning(lcPython).noquote() << pythonError(e, u"session cookie lookup failed"_s).message;
    }
    return {};
}

std::optional<HttpResponse> PythonInterpreter::httpDispatch(const HttpRequest &request, const QByteArray &secret,
                                                            bool debug) const
{
    GilGuard gil;
    try {
        py::dict headers;
        for (const auto &[name, value] : request.headers) {
            const py::str key(name.toStdString());
            if (!headers.contains(key)) // the first of a repeated header, as HttpRequest::header()
                headers[key] = py::str(QString::fromUtf8(value).toStdString());
        }
        py::object result = py::module_::import("liveactor.http").attr("dispatch")(
            py::str(request.method.toStdString()), py::str(request.target.toStdString()), headers,
            py::bytes(request.body.toStdString()), py::bytes(secret.toStdString()), debug);
        if (result.is_none())
            return std::nullopt;
        auto triple = result.cast<py::tuple>();
        HttpResponse response{triple[0].cast<int>(), {}, QByteArray::fromStdString(triple[2].cast<std::string>()), {}};
        for (py::handle pair : triple[1]) {
            auto nameValue = pair.cast<py::tuple>();
            const QByteArray name = QByteArray::fromStdString(nameValue[0].cast<std::string>());
            const QByteArray value = QByteArray::fromStdString(nameValue[1].cast<std::string>());
            if (name == "content-type")
                response.contentType = value;
            else
                response.headers.append({name, value});
        }
        return response;
    } catch (py::error_already_set &e) {
        qCWarning(lcPython).noquote() << pythonError(e, u"HTTP handler dispatch failed"_s).message;
    } catch (const py::cast_error &e) {
        qCWarning(lcPython).noquote() << "HTTP handler dispatch returned a bad value:" << e.what();
    }
    return HttpResponse::errorPage(500, u"the server could not answer this request"_s);
}

PythonStats PythonInterpreter::stats() const
{
    PythonStats s = PythonCounters::global().snapshot();
    GilGuard gil;
    try {
        py::dict w = py::module_::import("liveactor._work").attr("stats")();
        s.workers = w["size"].cast<int>();
        s.workersBusy = w["busy"].cast<int>();
        s.workersQueued = w["queued"].cast<int>();
        s.workersLeaked = w["leaked"].cast<int>();
        s.handlerTimeouts = w["timeouts"].cast<quint64>();
        s.asyncTasks = w["async_tasks"].cast<int>();
    } catch (py::error_already_set &e) {
        e.discard_as_unraisable("liveactor worker stats");
    }
    return s;
}

} // namespace LiveActor
