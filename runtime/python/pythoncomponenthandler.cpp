#include "python/pythoncomponenthandler.h"

#include "liveview/viewcontext.h"
#include "python/currentcontext_p.h"
#include "python/gilguard.h"
#include "python/handlerbudget.h"
#include "python/pyconvert.h"
#include "python/pythonerror.h"
#include "python/pythoninterpreter.h"
#include "python/pythonstats.h"
#include "template/templateengine.h"

#include <QLoggingCategory>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcPython)

namespace LiveActor {

namespace {
QString str(py::handle h) { return QString::fromStdString(py::str(h).cast<std::string>()); }
} // namespace

namespace PythonAssigns {

Result<py::list> take(py::handle instance, bool full, ValueMap &assigns, QSet<QString> &changed, const QString &who)
{
    py::tuple taken = instance.attr("_la_take")(full);
    py::list names = taken[0];
    static PyObject *deleted = py::object(py::module_::import("liveactor.view").attr("_DELETED")).release().ptr();
    bool removed = false;
    for (py::handle item : names) {
        py::tuple pair = py::reinterpret_borrow<py::tuple>(item);
        const QString name = str(pair[0]);
        changed.insert(name);
        if (pair[1].ptr() == deleted) {
            removed = true;
            continue;
        }
        auto value = PyConvert::toValue(pair[1], name);
        if (!value)
            return fail(ErrorCode::Crashed, who + u": "_s + value.error().message);
        assigns.insert(name, *value);
    }
    if (removed) { // ValueMap has no remove: rebuild without the deleted names
        py::dict current = instance.attr("assigns");
        ValueMap kept;
        for (qsizetype i = 0; i < assigns.size(); ++i)
            if (current.contains(py::str(assigns.keys().at(i).toStdString())))
                kept.insert(assigns.keys().at(i), assigns.values().at(i));
        assigns = kept;
    }
    return py::list(taken[1]);
}

std::optional<QSet<QString>> takeChanged(QSet<QString> &changed, bool &allChanged)
{
    if (std::exchange(allChanged, false)) {
        changed.clear();
        return std::nullopt;
    }
    QSet<QString> out;
    out.swap(changed);
    return out;
}

Result<void> sendUpdate(py::handle command, ViewContext &context, const QString &who)
{
    py::tuple c = py::reinterpret_borrow<py::tuple>(command);
    const QString component = str(c[1]);
    auto id = PyConvert::toValue(c[2], u"send_update id"_s);
    if (!id)
        return fail(ErrorCode::Crashed, who + u": "_s + id.error().message);
    ValueMap assigns;
    for (auto [key, value] : py::reinterpret_borrow<py::dict>(c[3])) {
        const QString name = str(key);
        auto v = PyConvert::toValue(value, name);
        if (!v)
            return fail(ErrorCode::Crashed, who + u": send_update: "_s + v.error().message);
        assigns.insert(name, *v);
    }
    if (!context.sendUpdate(component, *id, assigns))
        qCWarning(lcPython).noquote() << who << "send_update: the view has no component" << component << "with id"
                                      << QString::fromUtf8(id->toJsonText());
    return {};
}

} // namespace PythonAssigns

PythonComponentHandler::PythonComponentHandler(PyObjectRef cls, QString name, QStringList templateDirs)
    : m_cls(std::move(cls)), m_name(std::move(name)), m_templateDirs(std::move(templateDirs))
{
}

PythonComponentHandler::~PythonComponentHandler() = default;

template<typename Fn>
Result<void> PythonComponentHandler::call(const QString &label, bool full, ViewContext &context, Fn &&fn)
{
    GilGuard gil;
    ViewContext *const saved = std::exchange(currentViewContext(), &context);
    PythonCounters::global().calls.fetch_add(1, std::memory_order_relaxed);
    const QString where = m_name + u'.' + label;
    Result<void> result;
    try {
        HandlerBudget::Scope budget(PythonInterpreter::instance() ? PythonInterpreter::instance()->budget() : nullptr, where);
        fn();
        auto commands = PythonAssigns::take(py::handle(m_instance.get()), full, m_assigns, m_changed, m_name);
        if (!commands) {
            result = fail(commands.error());
        } else {
            for (py::handle command : *commands) {
                py::tuple c = py::reinterpret_borrow<py::tuple>(command);
                const std::string kind = py::str(c[0]);
                if (kind == "send_update")
                    result = PythonAssigns::sendUpdate(command, context, m_name);
                else if (kind == "push_event") {
                    auto payload = PyConvert::toJson(c[2], u"push_event payload"_s);
                    if (!payload)
                        result = fail(ErrorCode::Crashed, m_name + u": "_s + payload.error().message);
                    else
                        context.pushEvent(str(c[1]), *payload);
                } else if (kind == "push_patch")
                    context.pushPatch(str(c[1]), c[2].cast<bool>());
                else if (kind == "push_redirect")
                    context.pushNavigate(str(c[1]), c[2].cast<bool>());
                else if (kind == "redirect")
                    context.redirect(str(c[1]));
                if (!result)
                    break;
            }
        }
    } catch (py::error_already_set &e) {
        result = fail(pythonError(e, where + u" raised"_s));
    }
    currentViewContext() = saved;
    if (!result) {
        PythonCounters::global().crashes.fetch_add(1, std::memory_order_relaxed);
        qCWarning(lcPython).noquote() << "view" << context.viewId() << result.error().message;
    }
    return result;
}

Result<void> PythonComponentHandler::mount(ViewContext &context)
{
    QString kind, text;
    auto r = call(u"mount"_s, true, context, [&] {
        py::object instance = py::handle(m_cls.get())();
        m_instance = PyObjectRef::borrow(instance.ptr());
        instance.attr("_la_mount")();
        py::tuple tmpl = py::handle(m_cls.get()).attr("_la_template")(instance);
        kind = str(tmpl[0]);
        text = str(tmpl[1]);
    });
    if (!r)
        return r;
    m_allChanged = true;
    // GIL released: compiling is native work (the engine caches compiled strings and files)
    PythonInterpreter *interp = PythonInterpreter::instance();
    if (!interp)
        return fail(ErrorCode::Closed, u"the Python interpreter is not running"_s);
    auto compiled = kind == u"inline"_s ? interp->engine(m_templateDirs)->fromString(text, m_name)
                                        : interp->engine(m_templateDirs)->load(text);
    if (!compiled)
        return fail(ErrorCode::Crashed, m_name + u": template "_s + compiled.error().toString());
    m_template = *compiled;
    return {};
}

Result<void> PythonComponentHandler::update(const ValueMap &assigns, ViewContext &context)
{
    return call(u"update"_s, false, context, [&] {
        py::dict d;
        for (qsizetype i = 0; i < assigns.size(); ++i)
            d[py::str(assigns.keys().at(i).toStdString())] = PyConvert::fromValue(assigns.values().at(i));
        py::handle(m_instance.get()).attr("_la_update")(d);
    });
}

Result<void> PythonComponentHandler::handleEvent(const QString &event, const QJsonObject &value, ViewContext &context)
{
    return call(u"event "_s + event, false, context, [&] {
        py::handle(m_instance.get()).attr("_la_event")(event.toStdString(), PyConvert::fromJson(value));
    });
}

std::optional<QSet<QString>> PythonComponentHandler::changedAssigns()
{
    return PythonAssigns::takeChanged(m_changed, m_allChanged);
}

} // namespace LiveActor
