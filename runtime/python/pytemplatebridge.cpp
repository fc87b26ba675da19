#include "python/pytemplatebridge.h"

#include "python/gilguard.h"
#include "python/pyconvert.h"
#include "python/pyobjectref.h"
#include "python/pythonerror.h"
#include "python/pythoninterpreter.h"
#include "template/templateengine.h"
#include "template/templatelibrary.h"

#include <QLoggingCategory>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcPython)

namespace LiveActor::PyTemplateBridge {

namespace {

QString qs(py::handle h)
{
    return QString::fromStdString(py::str(h).cast<std::string>());
}

TemplateError renderError(const QString &message)
{
    return TemplateError{TemplateError::Kind::Render, {}, 0, 0, message};
}

/// The traceback of the pending Python exception, as the crash message shows it.
TemplateError pythonRenderError(py::error_already_set &e)
{
    return renderError(pythonError(e, QString()).message.trimmed());
}

TemplateResult<Value> toTemplateValue(py::handle result, const QString &what)
{
    auto v = PyConvert::toValue(result, what);
    if (!v)
        return std::unexpected(renderError(v.error().message));
    return *v;
}

std::shared_ptr<const TemplateFilter> makeFilter(const QString &name, py::handle spec)
{
    // spec: (function, args 0/1/2, is_safe, needs_autoescape) — see Library._add_filter
    auto f = std::make_shared<TemplateFilter>();
    f->name = name;
    f->args = TemplateFilter::Args(spec[py::int_(1)].cast<int>());
    f->isSafe = spec[py::int_(2)].cast<bool>();
    const bool needsAutoescape = spec[py::int_(3)].cast<bool>();
    const PyObjectRef function = PyObjectRef::borrow(spec[py::int_(0)].ptr());
    const QString what = u"the result of filter '"_s + name + u'\'';
    f->call = [function, needsAutoescape, what](const Value &in, const Value *arg, bool autoescape) -> TemplateResult<Value> {
        GilGuard gil;
        try {
            py::handle fn(function.get());
            py::object value = PyConvert::fromValue(in);
            py::object result;
            if (needsAutoescape)
                result = arg ? fn(value, PyConvert::fromValue(*arg), py::arg("autoescape") = autoescape)
                             : fn(value, py::arg("autoescape") = autoescape);
            else
                result = arg ? fn(value, PyConvert::fromValue(*arg)) : fn(value);
            return toTemplateValue(result, what);
        } catch (py::error_already_set &e) {
            return std::unexpected(pythonRenderError(e));
        }
    };
    return f;
}

std::shared_ptr<const TemplateTag> makeTag(const QString &name, py::handle spec)
{
    // spec: (kind "simple"/"inclusion", function, takes_context, template name)
    auto t = std::make_shared<TemplateTag>();
    t->name = name;
    t->kind = qs(spec[py::int_(0)]) == u"inclusion"_s ? TemplateTag::Kind::Inclusion : TemplateTag::Kind::Simple;
    t->takesContext = spec[py::int_(2)].cast<bool>();
    if (!spec[py::int_(3)].is_none())
        t->templateName = qs(spec[py::int_(3)]);
    const PyObjectRef function = PyObjectRef::borrow(spec[py::int_(1)].ptr());
    const QString what = u"the result of tag '"_s + name + u'\'';
    t->call = [function, what](const TemplateTagCall &c) -> TemplateResult<Value> {
        GilGuard gil;
        try {
            py::list args;
            if (c.context)
                args.append(PyConvert::fromValue(Value(*c.context)));
            for (const Value &v : c.args)
                args.append(PyConvert::fromValue(v));
            py::dict kwargs;
            for (const auto &[k, v] : c.kwargs)
                kwargs[py::str(k.toStdString())] = PyConvert::fromValue(v);
            py::object result = py::handle(function.get())(*py::tuple(args), **kwargs);
            return toTemplateValue(result, what);
        } catch (py::error_already_set &e) {
            return std::unexpected(pythonRenderError(e));
        }
    };
    return t;
}

std::shared_ptr<const TemplateLibrary> resolve(const QString &name)
{
    if (!PythonInterpreter::instance())
        return nullptr;
    GilGuard gil;
    auto lib = std::make_shared<TemplateLibrary>();
    lib->name = name;
    try {
        py::object found = py::module_::import("liveactor.template").attr("_resolve")(name.toStdString());
        if (found.is_none())
            return nullptr;
        for (auto [k, spec] : py::dict(found.attr("filters")))
            lib->filters.insert(qs(k), makeFilter(qs(k), spec));
        for (auto [k, spec] : py::dict(found.attr("tags")))
            lib->tags.insert(qs(k), makeTag(qs(k), spec));
    } catch (py::error_already_set &e) {
        lib->loadError = pythonError(e, QString()).message.trimmed();
    }
    return lib;
}

std::optional<QString> translate(const TranslationRequest &r)
{
    if (!PythonInterpreter::instance())
        return std::nullopt;
    GilGuard gil;
    try {
        py::object plural = r.hasPlural ? py::object(py::str(r.plural.toStdString())) : py::object(py::none());
        py::object out = py::module_::import("liveactor.template").attr("_translate")(
            r.language.toStdString(), r.context.toStdString(), r.singular.toStdString(), plural, r.count);
        return qs(out);
    } catch (py::error_already_set &e) {
        qCWarning(lcPython).noquote() << "translation failed; the text passes through:"
                                      << pythonError(e, QString()).message;
        return std::nullopt;
    }
}

std::string renderTemplate(const std::string &source, py::dict context, const std::vector<std::string> &dirs)
{
    PythonInterpreter *interp = PythonInterpreter::instance();
    if (!interp)
        throw py::value_error("no liveactor runtime");
    auto assigns = PyConvert::toValue(context, u"context"_s);
    if (!assigns)
        throw py::value_error(assigns.error().message.toStdString());
    TemplateResult<QByteArray> html;
    {
        py::gil_scoped_release release; // native work; Python filters take the GIL themselves
        QStringList templateDirs;
        for (const std::string &d : dirs)
            templateDirs.append(QString::fromStdString(d));
        auto t = interp->engine(templateDirs)->fromString(QString::fromStdString(source));
        html = t ? t->renderHtml(TemplateContext(*assigns->map())) : std::unexpected(t.error());
    }
    if (!html)
        throw py::value_error(html.error().toString().toStdString());
    return html->toStdString();
}

} // namespace

void install(py::object &host)
{
    TemplateLibraries::setResolver(&resolve);
    TemplateLibraries::setTranslator(&translate);
    host.attr("clear_translations") = py::cpp_function([] { TemplateLibraries::clearTranslationCache(); });
    host.attr("render_template") = py::cpp_function(&renderTemplate, py::arg("source"), py::arg("context"),
                                                        py::arg("dirs"));
}

void uninstall()
{
    TemplateLibraries::setResolver({});
    TemplateLibraries::setTranslator({});
}

} // namespace LiveActor::PyTemplateBridge
