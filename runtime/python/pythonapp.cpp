#include "python/pythonapp.h"

#include "python/gilguard.h"
#include "python/pythonerror.h"
#include "python/pythoninterpreter.h"
#include "python/pythonviewhandler.h"

#include <QDirIterator>
#include <QLoggingCategory>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcPython)

namespace LiveActor {

namespace {
QString str(py::handle h)
{
    return QString::fromStdString(py::str(h).cast<std::string>());
}

QStringList strList(py::handle list)
{
    QStringList out;
    for (py::handle item : list)
        out.append(str(item));
    return out;
}
} // namespace

PythonApp::PythonApp(QObject *parent) : QObject(parent)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(200);
    connect(&m_debounce, &QTimer::timeout, this, [this] {
        if (auto r = reload(); !r) {
            qCWarning(lcPython).noquote() << "reload of" << m_spec << "failed:" << r.error().message;
            Q_EMIT reloadFailed(r.error().message);
        } else {
            qCInfo(lcPython).noquote() << "reloaded" << m_spec;
            Q_EMIT reloaded();
        }
        watch(); // editors replace files: re-add what disappeared
    });
}

PythonApp::~PythonApp() = default;

Result<std::unique_ptr<PythonApp>> PythonApp::load(const QString &spec, QObject *parent)
{
    if (!PythonInterpreter::instance())
        return fail(ErrorCode::InvalidArgument, u"PythonApp::load needs a running PythonInterpreter"_s);
    std::unique_ptr<PythonApp> app(new PythonApp(parent));
    app->m_spec = spec;
    if (auto r = app->import(false); !r)
        return fail(r.error());
    return app;
}

Result<void> PythonApp::import(bool reload)
{
    QHash<QString, std::shared_ptr<const PythonViewClass>> classes;
    QStringList patterns;
    QStringList appTemplateDirs;
    {
        GilGuard gil;
        try {
            py::module_ loader = py::module_::import("liveactor._loader");
            py::dict info;
            try {
                info = loader.attr("load")(m_spec.toStdString(), reload);
            } catch (py::error_already_set &e) {
                if (e.matches(loader.attr("AppError")))
                    return fail(ErrorCode::InvalidArgument, QString::fromUtf8(e.what()));
                if (e.matches(PyExc_ModuleNotFoundError))
                    return fail(ErrorCode::NotFound, QString::fromUtf8(e.what()));
                return fail(pythonError(e, u"importing "_s + m_spec + u" raised"_s));
            }
            m_appDir = str(info["app_dir"]);
            if (py::object csp = info["content_security_policy"]; !csp.is_none())
                m_contentSecurityPolicy = str(csp);
            m_watchDirs = strList(info["watch"]);
            py::object appDirs = info["template_dirs"];
            appTemplateDirs = strList(appDirs);
            for (py::handle item : py::list(info["routes"])) {
                py::tuple pair = py::reinterpret_borrow<py::tuple>(item);
                auto cls = std::make_shared<PythonViewClass>();
                cls->cls = PyObjectRef::borrow(pair[1].ptr());
                cls->name = str(pair[1].attr("__module__")) + u'.' + str(pair[1].attr("__qualname__"));
                cls->templateDirs = strList(loader.attr("template_dirs_for")(pair[1], appDirs));
                cls->layout = str(loader.attr("layout_for")(pair[1], info["layout"]));
                const QString pattern = str(pair[0]);
                patterns.append(pattern);
                classes.insert(pattern, std::move(cls));
            }
        } catch (py::error_already_set &e) {
            return fail(pythonError(e, u"loading "_s + m_spec));
        }
    }
    if (reload) {
        for (const QString &p : std::as_const(patterns))
            if (!m_patterns.contains(p))
                qCWarning(lcPython).noquote() << "route" << p << "was added by a reload: restart the server to serve it";
        if (auto *interp = PythonInterpreter::instance())
            interp->clearTemplateCaches();
    } else {
        m_patterns = patterns;
    }
    std::lock_guard lock(m_shared->mutex);
    for (auto it = classes.cbegin(); it != classes.cend(); ++it)
        m_shared->classes.insert(it.key(), it.value());
    m_shared->templateDirs = appTemplateDirs;
    return {};
}

Result<ViewFactory> PythonApp::childView(const QString &name) const
{
    QStringList appDirs;
    {
        std::lock_guard lock(m_shared->mutex);
        appDirs = m_shared->templateDirs;
    }
    auto cls = std::make_shared<PythonViewClass>();
    GilGuard gil;
    try {
        py::module_ loader = py::module_::import("liveactor._loader");
        py::object view;
        try {
            view = loader.attr("resolve_view")(name.toStdString());
        } catch (py::error_already_set &e) {
            if (e.matches(loader.attr("AppError")))
                return fail(ErrorCode::NotFound, QString::fromStdString(py::str(e.value()).cast<std::string>()));
            throw;
        }
        py::list dirs;
        for (const QString &d : std::as_const(appDirs))
            dirs.append(d.toStdString());
        cls->cls = PyObjectRef::borrow(view.ptr());
        cls->name = name;
        cls->templateDirs = strList(loader.attr("template_dirs_for")(view, dirs));
    } catch (py::error_already_set &e) {
        return fail(pythonError(e, u"importing the nested view "_s + name + u" raised"_s));
    }
    return PythonViewHandler::factory(std::move(cls));
}

QList<PythonApp::Route> PythonApp::routes() const
{
    QList<Route> out;
    std::lock_guard lock(m_shared->mutex);
    for (const QString &pattern : m_patterns) {
        const auto cls = m_shared->classes.value(pattern);
        std::weak_ptr<Shared> weak = m_shared;
        out.append(Route{pattern, cls ? cls->name : QString(),
                         [weak, pattern]() -> Result<std::unique_ptr<ViewHandler>> {
                             auto shared = weak.lock();
                             if (!shared)
                                 return fail(ErrorCode::Closed, u"the Python app was unloaded"_s);
                             std::shared_ptr<const PythonViewClass> cls;
                             {
                                 std::lock_guard lock(shared->mutex);
                                 cls = shared->classes.value(pattern);
                             }
                             if (!cls)
                                 return fail(ErrorCode::NotFound, u"no view for "_s + pattern);
                             return PythonViewHandler::factory(cls)();
                         }});
    }
    return out;
}

Result<void> PythonApp::reload()
{
    return import(true);
}

void PythonApp::setReloadEnabled(bool on)
{
    if (!on) {
        delete m_watcher;
        m_watcher = nullptr;
        return;
    }
    if (m_watcher)
        return;
    m_watcher = new QFileSystemWatcher(this);
    auto changed = [this](const QString &path) {
        if (path.contains(u"__pycache__"_s))
            return;
        m_debounce.start();
    };
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, changed);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, changed);
    watch();
}

void PythonApp::watch()
{
    if (!m_watcher)
        return;
    QStringList paths;
    for (const QString &dir : std::as_const(m_watchDirs)) {
        paths.append(dir);
        QDirIterator it(dir, {u"*.py"_s, u"*.html"_s, u"*.txt"_s}, QDir::Files | QDir::AllDirs | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (!path.contains(u"__pycache__"_s))
                paths.append(path);
        }
    }
    const QStringList watched = m_watcher->files() + m_watcher->directories();
    QStringList missing;
    for (const QString &p : std::as_const(paths))
        if (!watched.contains(p))
            missing.append(p);
    if (!missing.isEmpty())
        m_watcher->addPaths(missing);
}

} // namespace LiveActor
