// liveactor._native: drive the actor runtime from Python, in-process.
//
// Callback style on purpose: every asynchronous call takes done(ok: bool, value) and returns at
// once; done runs later on an executor thread with the GIL taken. liveactor.runtime wraps these in
// asyncio futures (loop.call_soon_threadsafe). Blocking calls release the GIL.

#include "nativeruntime.h"
#include "inprocessviewactor.h"
#include "liveview/formdecoder.h"
#include "liveview/viewinfo.h"
#include "python/gilguard.h"
#include "python/pyconvert.h"
#include "python/pythonviewclass.h"
#include "python/pythonviewhandler.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrl>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QJsonObject jsonObject(py::handle o, const char *what)
{
    if (o.is_none())
        return {};
    auto j = PyConvert::toJson(o, QString::fromLatin1(what));
    if (!j)
        throw py::value_error(j.error().message.toStdString());
    if (!j->isObject())
        throw py::type_error(std::string(what) + " must be a dict");
    return j->toObject();
}

/// Calls done(ok, value) with the GIL; a callback that raises is reported, never propagated.
void settle(const PyObjectRef &done, bool ok, const std::function<py::object()> &value)
{
    GilGuard gil;
    try {
        py::handle(done.get())(ok, value());
    } catch (py::error_already_set &e) {
        e.discard_as_unraisable("liveactor._native callback");
    }
}

struct PySession
{
    std::shared_ptr<NativeRuntime> runtime;
    ActorRef ref;
};

struct PyView
{
    std::shared_ptr<NativeRuntime> runtime;
    std::shared_ptr<NativeViewShared> shared;
};

/// use() of a runtime that must be running: a Python RuntimeError once it has shut down.
std::shared_lock<std::shared_mutex> running(NativeRuntime &rt)
{
    auto use = rt.use();
    if (!use.owns_lock())
        throw std::runtime_error("the runtime has shut down");
    return use;
}

void askView(const PyView &view, Message message, int timeoutMs, py::object done)
{
    PyObjectRef cb = PyObjectRef::borrow(done.ptr());
    auto shared = view.shared;
    ActorRef ref = shared->current();
    auto use = view.runtime->use();
    if (!use.owns_lock()) {
        settle(cb, false, [] { return py::make_tuple("closed", "the runtime has shut down"); });
        return;
    }
    py::gil_scoped_release release;
    ref.ask(std::move(message), std::chrono::milliseconds(timeoutMs), nullptr,
            [cb, shared](Result<Message> r) {
                if (r) {
                    if (auto *reply = r->as<NativeReply>()) {
                        NativeReply copy = *reply;
                        settle(cb, true, [copy] { return toPython(copy); });
                        return;
                    }
                }
                QString why = r ? u"unexpected reply"_s : r.error().toString();
                QString code = r ? u"internal"_s : errorCodeName(r.error().code);
                {
                    // The view died while answering (an ask answered later, from a resumed step,
                    // is dropped unanswered: NoReply): report its crash.
                    std::lock_guard lock(shared->mutex);
                    if (!shared->lastCrash.isEmpty() && (!r && (r.error().code == ErrorCode::Crashed
                                                               || r.error().code == ErrorCode::NoReply
                                                               || r.error().code == ErrorCode::Closed))) {
                        why = shared->lastCrash;
                        code = errorCodeName(ErrorCode::Crashed);
                    }
                }
                settle(cb, false, [why, code] { return py::make_tuple(code.toStdString(), why.toStdString()); });
            });
}

} // namespace

PYBIND11_MODULE(_native, m)
{
    m.doc() = "The liveactor actor runtime, in-process (used by liveactor.runtime and the tests).";

    py::class_<NativeRuntime, std::shared_ptr<NativeRuntime>>(m, "Runtime")
        .def(py::init([](int executors, int budget, int timeout, int restarts) {
                 NativeRuntime::Options o;
                 o.executors = executors;
                 o.handlerBudgetMs = budget;
                 o.handlerTimeoutMs = timeout;
                 o.restartLimit = restarts;
                 return std::make_shared<NativeRuntime>(o);
             }),
             py::arg("executors") = 2, py::arg("handler_budget_ms") = 1000, py::arg("handler_timeout_ms") = 10000,
             py::arg("restart_limit") = 5)
        .def("route", [](NativeRuntime &rt, const std::string &pattern, py::object cls, py::object appDirs) {
                 py::object liveView = py::module_::import("liveactor").attr("LiveView");
                 if (!PyType_Check(cls.ptr()) || !PyObject_IsSubclass(cls.ptr(), liveView.ptr()))
                     throw py::type_error("route(): expected a LiveView subclass");
                 auto vc = std::make_shared<PythonViewClass>();
                 vc->cls = PyObjectRef::borrow(cls.ptr());
                 vc->name = qs(py::str(cls.attr("__module__"))) + u'.' + qs(py::str(cls.attr("__qualname__")));
                 for (py::handle d : py::module_::import("liveactor._loader").attr("template_dirs_for")(cls, appDirs))
                     vc->templateDirs << qs(py::str(d));
                 rt.addRoute(qs(pattern), PythonViewHandler::factory(vc));
             }, py::arg("pattern"), py::arg("cls"), py::arg("app_template_dirs") = py::tuple(),
             "Serves cls (a LiveView subclass) at pattern; its templates are also looked up in "
             "app_template_dirs (an app's template_dirs, see liveactor._loader).")
        .def("load_app", [](NativeRuntime &rt, const std::string &spec) {
                 auto r = rt.loadApp(qs(spec));
                 if (!r)
                     throw py::value_error(r.error().toString().toStdString());
                 std::vector<std::string> out;
                 for (const auto &p : *r)
                     out.push_back(p.toStdString());
                 return out;
             }, "Imports an app spec (path.py[:attr] or module[:attr]) and adds its routes.")
        .def("create_session", [](std::shared_ptr<NativeRuntime> rt) {
                 auto use = rt->use();
                 ActorRef ref = use.owns_lock() ? rt->createSession() : ActorRef();
                 if (ref.isNull())
                     throw std::runtime_error("the runtime is shutting down");
                 return PySession{rt, ref};
             })
        .def("broadcast", [](NativeRuntime &rt, const std::string &topic, py::object msg) {
                 const QVariant payload = QVariant::fromValue(PyObjectRef::borrow(msg.ptr()));
                 auto use = rt.use();
                 if (!use.owns_lock())
                     return 0;
                 py::gil_scoped_release release;
                 return rt.pubsub().broadcast(qs(topic), payload);
             })
        .def("subscribers", [](NativeRuntime &rt, const std::string &topic) {
                 return rt.pubsub().subscriberCount(qs(topic));
             })
        .def("stats", [](NativeRuntime &) {
                 const PythonStats s = PythonInterpreter::instance() ? PythonInterpreter::instance()->stats() : PythonStats{};
                 py::dict d;
                 d["calls"] = s.calls;
                 d["crashes"] = s.crashes;
                 d["over_budget"] = s.overBudget;
                 d["interrupted"] = s.interrupted;
                 d["gil_wait_ns"] = s.gilWaitNs;
                 d["gil_held_ns"] = s.gilHeldNs;
                 d["workers"] = s.workers;
                 d["workers_busy"] = s.workersBusy;
                 d["workers_queued"] = s.workersQueued;
                 d["workers_leaked"] = s.workersLeaked;
                 d["handler_timeouts"] = s.handlerTimeouts;
                 d["async_tasks"] = s.asyncTasks;
                 return d;
             })
        .def("shutdown", [](NativeRuntime &rt, int timeoutMs) { return rt.shutdown(std::chrono::milliseconds(timeoutMs)); },
             py::arg("timeout_ms") = 5000, "Stops every actor and the executor threads (blocks, GIL released).")
        .def_property_readonly("is_shut_down", &NativeRuntime::isShutDown);

    py::class_<PySession>(m, "Session")
        .def_property_readonly("id", [](const PySession &s) { return s.ref.id().toString(QUuid::WithoutBraces).toStdString(); })
        .def_property_readonly("alive", [](const PySession &s) { return s.ref.isAlive(); })
        .def("mount", [](PySession &s, const std::string &path, py::object params, py::object session, py::object onPush,
                         py::object done, py::object flash) {
                 PyObjectRef cb = PyObjectRef::borrow(done.ptr());
                 auto use = running(*s.runtime);
                 auto r = s.runtime->mount(s.ref, qs(path), jsonObject(params, "params"), jsonObject(session, "session"),
                                           PyObjectRef::borrow(onPush.ptr()), [cb](Result<void> spawned) {
                                               if (spawned)
                                                   settle(cb, true, [] { return py::none(); });
                                               else
                                                   settle(cb, false, [e = spawned.error()] {
                                                       return py::make_tuple(errorCodeName(e.code).toStdString(),
                                                                             e.message.toStdString());
                                                   });
                                           },
                                           jsonObject(flash, "flash"));
                 if (!r) {
                     if (r.error().code == ErrorCode::NotFound)
                         throw py::key_error(r.error().message.toStdString());
                     throw std::runtime_error(r.error().toString().toStdString());
                 }
                 return PyView{s.runtime, *r};
             }, py::arg("path"), py::arg("params"), py::arg("session"), py::arg("on_push"), py::arg("done"),
             py::arg("flash") = py::none(),
             "Spawns the view routed at path in this session; done(ok, value) once it is spawned.")
        .def("ping", [](PySession &s, int timeoutMs, py::object done) {
                 PyObjectRef cb = PyObjectRef::borrow(done.ptr());
                 const QUuid id = s.ref.id();
                 auto rt = s.runtime;
                 auto use = running(*rt);
                 ActorSystem &system = rt->system();
                 py::gil_scoped_release release;
                 system.ping(id, std::chrono::milliseconds(timeoutMs), nullptr,
                             [cb](Result<std::chrono::microseconds> r) {
                                 if (r)
                                     settle(cb, true, [us = r->count()] { return py::int_(us); });
                                 else
                                     settle(cb, false, [e = r.error().toString()] {
                                         return py::make_tuple("ping", e.toStdString());
                                     });
                             });
             })
        .def("shutdown", [](PySession &s, int timeoutMs, py::object done) {
                 PyObjectRef cb = PyObjectRef::borrow(done.ptr());
                 const QUuid id = s.ref.id();
                 auto rt = s.runtime;
                 auto use = running(*rt);
                 ActorSystem &system = rt->system();
                 py::gil_scoped_release release;
                 system.shutdownActor(id, std::chrono::milliseconds(timeoutMs), nullptr,
                                      [cb](Result<void> r) {
                                          settle(cb, bool(r), [r] {
                                              return r ? py::object(py::none())
                                                       : py::object(py::make_tuple("shutdown", r.error().toString().toStdString()));
                                          });
                                      });
             });

    py::class_<PyView>(m, "View")
        .def_property_readonly("key", [](const PyView &v) { return v.shared->key.toStdString(); })
        .def_property_readonly("id", [](const PyView &v) { return v.shared->current().id().toString(QUuid::WithoutBraces).toStdString(); })
        .def_property_readonly("incarnation", [](const PyView &v) { return v.shared->current().incarnation(); })
        .def_property_readonly("restarts", [](const PyView &v) {
            std::lock_guard lock(v.shared->mutex);
            return v.shared->restarts;
        })
        .def_property_readonly("last_crash", [](const PyView &v) {
            std::lock_guard lock(v.shared->mutex);
            return v.shared->lastCrash.toStdString();
        })
        .def_property_readonly("alive", [](const PyView &v) { return v.shared->current().isAlive(); })
        .def_property_readonly("gave_up", [](const PyView &v) {
            std::lock_guard lock(v.shared->mutex);
            return v.shared->gaveUp;
        })
        .def("event", [](PyView &v, const std::string &name, py::object value, int timeoutMs, py::object done, int cid) {
                 askView(v, NativeEvent{qs(name), jsonObject(value, "value"), cid}, timeoutMs, std::move(done));
             }, py::arg("name"), py::arg("value"), py::arg("timeout_ms"), py::arg("done"), py::arg("cid") = 0)
        .def("components", [](PyView &v, bool destroy, py::object payload, int timeoutMs, py::object done) {
                 askView(v, NativeComponents{destroy, jsonObject(payload, "payload")}, timeoutMs, std::move(done));
             }, "cids_will_destroy (destroy=False) or cids_destroyed (True) with {'cids': [...]}")
        .def("client_event", [](PyView &v, py::object payload, int timeoutMs, py::object done) {
                 // A Phoenix `event` payload ({"type": "form", "event", "value": "a=1&b=2", "meta"}),
                 // decoded as the server decodes the browser's.
                 const QJsonObject p = jsonObject(payload, "payload");
                 const QString name = p.value(u"event").toString();
                 if (name.isEmpty())
                     throw py::value_error("client_event: the payload has no event name");
                 auto value = FormDecoder::decodeFormEvent(p);
                 if (!value)
                     throw py::value_error(value.error().message.toStdString());
                 const QJsonValue cid = p.value(u"cid"); // phx-target="{{ myself }}": a live component
                 askView(v, NativeEvent{name, *value, cid.isDouble() ? cid.toInt() : 0}, timeoutMs, std::move(done));
             }, "Sends an event payload as the browser sends it (form values URL-encoded; \"cid\" for a component).")
        .def("live_patch", [](PyView &v, const std::string &path, int timeoutMs, py::object done) {
                 if (!QUrl(u"http://localhost"_s + qs(path)).isValid() || !path.starts_with('/'))
                     throw py::value_error("live_patch: expected a path like /items?page=2, got " + path);
                 askView(v, NativeLivePatch{qs(path)}, timeoutMs, std::move(done));
             }, "The client's live_patch to path (handle_params, or a navigate effect for another view's URL).")
        .def("send_info", [](PyView &v, py::object msg) {
                 // handle_info(msg), as from another process; a push follows if it changed anything.
                 const QVariant payload = QVariant::fromValue(PyObjectRef::borrow(msg.ptr()));
                 ActorRef ref = v.shared->current();
                 auto use = v.runtime->use();
                 if (!use.owns_lock())
                     return sendStatusName(SendStatus::Closed).toStdString();
                 py::gil_scoped_release release;
                 return sendStatusName(ref.tell(ViewInfo{u"send_info"_s, payload})).toStdString();
             }, "Delivers msg to the view's handle_info; returns \"ok\" or why not (\"full\", \"closed\").")
        .def_property_readonly("mount_effects", [](const PyView &v) {
            QJsonObject effects;
            {
                std::lock_guard lock(v.shared->mutex);
                effects = v.shared->mountEffects;
            }
            return PyConvert::fromJson(effects);
        })
        .def("render", [](PyView &v, int timeoutMs, py::object done) { askView(v, NativeRender{}, timeoutMs, std::move(done)); })
        .def("kill", [](PyView &v) {
                 const QUuid id = v.shared->current().id();
                 auto use = running(*v.runtime);
                 ActorSystem &system = v.runtime->system();
                 py::gil_scoped_release release;
                 system.kill(id);
             }, "Kills the view actor (as the monitor's Kill does); it restarts and mounts afresh.");
}
