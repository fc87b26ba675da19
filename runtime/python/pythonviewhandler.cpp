#include "python/pythonviewhandler.h"

#include "liveview/pageshell.h"
#include "liveview/viewcontext.h"
#include "python/currentcontext_p.h"
#include "python/gilguard.h"
#include "python/handlerbudget.h"
#include "python/pyconvert.h"
#include "python/pythoncomponenthandler.h"
#include "python/pythonerror.h"
#include "python/pythoninterpreter.h"
#include "python/pythonstats.h"
#include "python/pyuploads.h"
#include "template/errorreport.h"
#include "template/templateengine.h"

#include <QLoggingCategory>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcPython)

namespace LiveActor {

namespace {
const QString kTimerPrefix = u"send_after:"_s;

QString str(py::handle h)
{
    return QString::fromStdString(py::str(h).cast<std::string>());
}

/// A Python exception as the Error of a callback: UnknownEvent from an event (no handler for it)
/// is NotFound with the exception's text, so the event is refused and the view goes on; anything
/// else is Crashed with the traceback.
Error callbackError(py::error_already_set &e, const QString &where, bool event)
{
    static PyObject *unknownEvent =
        py::object(py::module_::import("liveactor.view").attr("UnknownEvent")).release().ptr();
    if (event && e.matches(unknownEvent)) {
        const QString text = str(e.value());
        PyErr_Clear();
        return Error{ErrorCode::NotFound, text};
    }
    return pythonError(e, where);
}

struct ContextScope
{
    explicit ContextScope(ViewContext *ctx) : m_prev(currentViewContext()) { currentViewContext() = ctx; }
    ~ContextScope() { currentViewContext() = m_prev; }
    ViewContext *m_prev;
};
} // namespace

PythonViewHandler::PythonViewHandler(std::shared_ptr<const PythonViewClass> viewClass)
    : m_class(std::move(viewClass))
{
}

PythonViewHandler::~PythonViewHandler()
{
    // Tasks and a callback still running elsewhere end with the view. (PyObjectRef then drops
    // the instance under the GIL.)
    if (!m_view.get() || !Py_IsInitialized())
        return;
    GilGuard gil;
    try {
        py::handle(m_view.get()).attr("_la_close")();
    } catch (py::error_already_set &e) {
        e.discard_as_unraisable("liveactor view close");
    }
}

std::function<Result<std::unique_ptr<ViewHandler>>()>
PythonViewHandler::factory(std::shared_ptr<const PythonViewClass> viewClass)
{
    return [viewClass]() -> Result<std::unique_ptr<ViewHandler>> {
        if (!PythonInterpreter::instance())
            return fail(ErrorCode::Closed, u"the Python interpreter is not running"_s);
        return std::unique_ptr<ViewHandler>(new PythonViewHandler(viewClass));
    };
}

template<typename Fn>
Result<void> PythonViewHandler::call(Call kind, const QString &label, ViewContext &context, Fn &&fn)
{
    Result<void> result;
    bool started = false;
    {
        GilGuard gil;
        ContextScope scope(&context);
        PythonCounters::global().calls.fetch_add(1, std::memory_order_relaxed);
        const QString where = m_class->name + u'.' + label;
        try {
            HandlerBudget::Scope budget(PythonInterpreter::instance() ? PythonInterpreter::instance()->budget() : nullptr,
                                        where);
            // The dead render cannot wait (no view actor yet): callbacks run to the end there.
            py::object job = fn(context.canSuspend());
            if (kind == Call::Mount) // the view's uploads from any thread its handlers run on (pyuploads.h)
                py::handle(m_view.get()).attr("__dict__")["_la_ctx"] = PyUploads::handleFor(context);
            if (!job.is_none()) {
                m_pending = kind;
                result = startJob(job, context);
                started = bool(result);
            } else {
                result = collect(kind == Call::Mount, context);
            }
        } catch (py::error_already_set &e) {
            result = fail(callbackError(e, where + u" raised"_s, kind == Call::Event));
        }
        if (!result && result.error().code != ErrorCode::NotFound) { // a refused event is no crash
            PythonCounters::global().crashes.fetch_add(1, std::memory_order_relaxed);
            qCWarning(lcPython).noquote() << "view" << context.viewId() << result.error().message;
        }
    }
    if (result && kind == Call::Mount && !started)
        result = loadTemplate();
    return result;
}

Result<void> PythonViewHandler::startJob(py::handle job, ViewContext &context)
{
    ViewResume resume = context.suspend(str(job.attr("label")));
    if (!resume)
        return fail(ErrorCode::Internal, m_class->name + u": a callback that waits needs a view that can wait"_s);
    job.attr("start")(py::cpp_function([resume = std::move(resume)] {
        py::gil_scoped_release release; // the actor's queue takes locks others may hold with the GIL
        resume();
    }));
    return {};
}

Result<void> PythonViewHandler::resume(ViewContext &context)
{
    const Call kind = m_pending;
    Result<void> result;
    {
        GilGuard gil;
        ContextScope scope(&context);
        try {
            py::handle(m_view.get()).attr("_la_finish")();
            result = collect(kind == Call::Mount, context);
        } catch (py::error_already_set &e) {
            result = fail(callbackError(e, m_class->name + u" raised"_s, kind == Call::Event));
        }
        if (!result && result.error().code != ErrorCode::NotFound) {
            PythonCounters::global().crashes.fetch_add(1, std::memory_order_relaxed);
            qCWarning(lcPython).noquote() << "view" << context.viewId() << result.error().message;
        }
    }
    if (result && kind == Call::Mount)
        result = loadTemplate();
    return result;
}

Result<void> PythonViewHandler::mount(const QJsonObject &params, const QJsonObject &session, ViewContext &context)
{
    return call(Call::Mount, u"mount"_s, context, [&](bool canWait) {
        py::object cls = py::reinterpret_borrow<py::object>(m_class->cls.get());
        py::object view = cls();
        m_view = PyObjectRef::borrow(view.ptr());
        py::object job = view.attr("_la_mount")(PyConvert::fromJson(params), PyConvert::fromJson(session),
                                                context.isConnected(), canWait, PyConvert::fromJson(context.flash()));
        py::object ta = view.attr("temporary_assigns");
        m_hasTemporaries = PyObject_IsTrue(ta.ptr()) == 1;
        m_persists = PyObject_IsTrue(view.attr("persist").ptr()) == 1;
        return job;
    });
}

Result<void> PythonViewHandler::handleParams(const QJsonObject &params, const QUrl &url, ViewContext &context)
{
    return call(Call::Params, u"handle_params"_s, context, [&](bool canWait) {
        return py::handle(m_view.get()).attr("_la_params")(PyConvert::fromJson(params),
                                                           url.toString().toStdString(), canWait);
    });
}

Result<void> PythonViewHandler::handleEvent(const QString &event, const QJsonObject &value, ViewContext &context)
{
    return call(Call::Event, u"event "_s + event, context, [&](bool canWait) {
        return py::handle(m_view.get()).attr("_la_event")(event.toStdString(), PyConvert::fromJson(value), canWait);
    });
}

Result<void> PythonViewHandler::handleInfo(const ViewInfo &info, ViewContext &context)
{
    if (info.name.startsWith(kTimerPrefix))
        m_timers.remove(info.name.sliced(kTimerPrefix.size()).toLongLong());
    return call(Call::Info, u"handle_info"_s, context, [&](bool canWait) {
        return py::handle(m_view.get()).attr("_la_info")(PyConvert::fromVariant(info.payload), canWait);
    });
}

Result<std::optional<QByteArray>> PythonViewHandler::persistedState()
{
    if (!m_persists)
        return std::optional<QByteArray>(); // most views keep nothing
    if (m_recordError)
        return fail(*std::exchange(m_recordError, std::nullopt));
    return m_record;
}

Result<bool> PythonViewHandler::restoreState(const QByteArray &record, ViewContext &context)
{
    if (!m_persists)
        return false;
    bool applied = false;
    auto done = call(Call::Params, u"resume"_s, context, [&](bool) {
        applied = py::handle(m_view.get()).attr("_la_resume")(py::bytes(record.constData(), record.size())).cast<bool>();
        return py::object(py::none());
    });
    if (!done)
        return fail(done.error());
    return applied;
}

Result<void> PythonViewHandler::collect(bool full, ViewContext &context)
{
    if (full) { // after mount: the template may come from the instance
        py::tuple tmpl = py::reinterpret_borrow<py::object>(m_class->cls.get()).attr("_la_template")(py::handle(m_view.get()));
        m_templateKind = str(tmpl[0]);
        m_templateText = str(tmpl[1]);
    }
    auto commands = PythonAssigns::take(py::handle(m_view.get()), full, m_assigns, m_changed, m_class->name);
    if (!commands)
        return fail(commands.error());
    if (full)
        m_allChanged = true;
    if (m_persists && context.isConnected())
        takeRecord();
    for (py::handle command : *commands)
        if (auto r = applyCommand(command, context); !r)
            return r;
    return {};
}

void PythonViewHandler::takeRecord()
{
    // Under the GIL the handler already holds, and only when a kept assign changed (_la_take saw
    // it): persistedState() then answers without a second GIL round trip per message.
    try {
        py::object record = py::handle(m_view.get()).attr("_la_persisted_changed")();
        if (!record.is_none())
            m_record = QByteArray::fromStdString(record.cast<std::string>());
    } catch (py::error_already_set &e) { // not JSON-able: the view goes on, persistedState() reports it
        m_recordError = pythonError(e, m_class->name + u": persist"_s);
    }
}

Result<void> PythonViewHandler::applyCommand(py::handle command, ViewContext &context)
{
    py::tuple c = py::reinterpret_borrow<py::tuple>(command);
    const std::string kind = py::str(c[0]);
    if (kind == "title") {
        context.setTitle(str(c[1]));
    } else if (kind == "push_event") {
        auto payload = PyConvert::toJson(c[2], u"push_event payload"_s);
        if (!payload)
            return fail(ErrorCode::Crashed, m_class->name + u": "_s + payload.error().message);
        context.pushEvent(str(c[1]), *payload);
    } else if (kind == "reply") {
        replyEvent(c, context);
    } else if (kind == "flash") {
        // The flash to carry if this step leaves the page: it must survive a token, so JSON.
        auto flash = PyConvert::toJson(c[1], u"flash"_s);
        if (!flash)
            return fail(ErrorCode::Crashed, m_class->name + u": put_flash: "_s + flash.error().message);
        context.carryFlash(flash->toObject());
    } else if (kind == "push_patch") {
        context.pushPatch(str(c[1]), c[2].cast<bool>());
    } else if (kind == "push_redirect") {
        context.pushNavigate(str(c[1]), c[2].cast<bool>());
    } else if (kind == "redirect") {
        context.redirect(str(c[1]));
    } else if (kind == "send_after") {
        const qint64 token = c[1].cast<qint64>();
        const auto delay = std::chrono::milliseconds(c[2].cast<qint64>());
        const ViewInfo info{kTimerPrefix + QString::number(token),
                            QVariant::fromValue(PyObjectRef::borrow(c[3].ptr()))};
        if (const quint64 id = context.sendAfter(delay, info))
            m_timers.insert(token, id);
    } else if (kind == "cancel_timer") {
        const qint64 token = c[1].cast<qint64>();
        if (auto it = m_timers.find(token); it != m_timers.end()) {
            context.cancelTimer(*it);
            m_timers.erase(it);
        }
    } else if (kind == "subscribe") {
        if (!context.isConnected())
            return {}; // dead render: no socket to deliver to (Phoenix: connected?/1)
        if (auto r = context.subscribe(str(c[1])); !r)
            return fail(ErrorCode::Crashed, m_class->name + u": subscribe: "_s + r.error().message);
    } else if (kind == "send_update") {
        return PythonAssigns::sendUpdate(command, context, m_class->name);
    } else if (kind == "status") {
        context.setStatus(str(c[1]), str(c[2]));
    } else if (kind == "unsubscribe") {
        context.unsubscribe(str(c[1]));
    } else if (kind == "temporaries") {
        m_hasTemporaries = true; // the view started a stream: reset its batches after renders
    } else {
        return fail(ErrorCode::Internal, u"unknown view command "_s + QString::fromStdString(kind));
    }
    return {};
}

Result<std::unique_ptr<ComponentHandler>> PythonViewHandler::createComponent(const QString &name)
{
    GilGuard gil;
    try {
        py::tuple found = py::module_::import("liveactor.component").attr("_la_resolve")(py::handle(m_view.get()),
                                                                                         name.toStdString());
        return std::unique_ptr<ComponentHandler>(new PythonComponentHandler(PyObjectRef::borrow(found[0].ptr()),
                                                                            str(found[1]), m_class->templateDirs));
    } catch (py::error_already_set &e) {
        return fail(pythonError(e, m_class->name + u": live_component "_s + name));
    }
}

void PythonViewHandler::replyEvent(py::handle command, ViewContext &context)
{
    // ("reply", event, value): an event handler's return value. Anything but a JSON-able dict is
    // the handler's mistake: logged, no reply, the view goes on.
    py::tuple c = py::reinterpret_borrow<py::tuple>(command);
    const QString where = m_class->name + u": the handler of event '"_s + str(c[1]) + u"' returned "_s;
    if (!py::isinstance<py::dict>(c[2])) {
        qCWarning(lcPython).noquote() << where + u"a "_s + str(py::type::of(c[2]).attr("__name__"))
                                             + u", not a dict: no reply sent (return a dict for a hook's "
                                               "pushEvent, or nothing)"_s;
        return;
    }
    auto reply = PyConvert::toJson(c[2], u"reply"_s);
    if (!reply || !reply->isObject()) {
        qCWarning(lcPython).noquote() << where + u"a dict that is not JSON: no reply sent ("_s
                                             + (reply ? u"not an object"_s : reply.error().message) + u')';
        return;
    }
    context.replyEvent(reply->toObject());
}

Result<void> PythonViewHandler::loadTemplate()
{
    // GIL released: compiling and reading files is native work.
    PythonInterpreter *interp = PythonInterpreter::instance();
    if (!interp)
        return fail(ErrorCode::Closed, u"the Python interpreter is not running"_s);
    TemplateResult<Template> compiled;
    if (m_templateKind == u"inline"_s) {
        compiled = interp->engine(m_class->templateDirs)->fromString(m_templateText, m_class->name);
    } else {
        compiled = interp->engine(m_class->templateDirs)->load(m_templateText);
    }
    if (!compiled)
        return fail(ErrorCode::Crashed, m_class->name + u": template "_s
                                            + describeTemplateError(compiled.error(), m_class->templateDirs,
                                                                    m_templateKind == u"inline"_s ? m_templateText : QString()));
    m_template = *compiled;
    return {};
}

Result<Template> PythonViewHandler::pageLayout() const
{
    if (m_class->layout.isEmpty())
        return Template();
    PythonInterpreter *interp = PythonInterpreter::instance();
    if (!interp)
        return fail(ErrorCode::Closed, u"the Python interpreter is not running"_s);
    auto compiled = interp->engine(m_class->templateDirs)
                        ->fromString(layoutChildSource(m_class->layout), layoutChildName(m_class->layout));
    if (compiled)
        return *compiled;
    if (compiled.error().kind == TemplateError::Kind::NotFound
        && compiled.error().templateName == layoutChildName(m_class->layout))
        return fail(ErrorCode::NotFound, u"%1: layout \"%2\" not found in %3"_s
                                             .arg(m_class->name, m_class->layout, m_class->templateDirs.join(u", "_s)));
    return fail(ErrorCode::Crashed, m_class->name + u": layout "_s
                                        + describeTemplateError(compiled.error(), m_class->templateDirs));
}

Result<ValueMap> PythonViewHandler::assigns()
{
    ValueMap out = m_assigns;
    if (m_hasTemporaries) {
        // The render gets the full values; afterwards both sides keep only the defaults (not
        // marked changed, so the rendered rows stay in the tree without being re-sent).
        GilGuard gil;
        try {
            py::list reset = py::handle(m_view.get()).attr("_la_rendered")();
            for (py::handle item : reset) {
                py::tuple pair = py::reinterpret_borrow<py::tuple>(item);
                const QString name = str(pair[0]);
                auto value = PyConvert::toValue(pair[1], name);
                if (!value)
                    return fail(ErrorCode::Crashed, m_class->name + u": temporary_assigns: "_s + value.error().message);
                m_assigns.insert(name, *value);
            }
        } catch (py::error_already_set &e) {
            return fail(pythonError(e, m_class->name + u" temporary_assigns"_s));
        }
    }
    return out;
}

std::optional<QSet<QString>> PythonViewHandler::changedAssigns()
{
    return PythonAssigns::takeChanged(m_changed, m_allChanged);
}

} // namespace LiveActor
