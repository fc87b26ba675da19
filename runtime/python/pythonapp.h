#pragma once

#include "core/result.h"
#include "liveview/router.h"
#include "python/pythonviewclass.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <mutex>
#include <optional>

namespace LiveActor {

/// A user's Python app for `liveactor serve`: its routes as view factories, and `--reload`.
///
///     auto python = PythonInterpreter::start({.devMode = reload});       // main thread
///     auto app = PythonApp::load(u"examples/app.py"_s);                   // or "pkg.mod:routes"
///     for (const auto &route : (*app)->routes())
///         router.addRoute(route.pattern, route.factory);
///     if (reload) { (*app)->setReloadEnabled(true);
///                   QObject::connect(app->get(), &PythonApp::reloaded, …remount all views…); }
///
/// The spec is `path/to/app.py[:attr]` or `package.module[:attr]`; attr (default `routes`) is a
/// dict {"/pattern": LiveViewSubclass}. Loading is done by liveactor._loader (see its docstring
/// for the template search path). The factories stay valid across reloads: each one looks up the
/// current class of its pattern when called, so views mounted after a reload run the new code.
/// A reload that fails (syntax error, exception at import) keeps the old classes and emits
/// reloadFailed with the traceback. Patterns added by a reload need a restart (the router is
/// built once); they are logged.
///
/// Threading: create and use on the main thread (QObject, file watcher); routes() and the
/// factories may be called from any thread. Needs a running PythonInterpreter.
class PythonApp : public QObject
{
    Q_OBJECT
public:
    struct Route
    {
        QString pattern;
        QString viewName;  ///< "module.Class", for logs and the monitor
        ViewFactory factory;
    };

    /// Imports the app. Errors: NotFound (no such file/module), InvalidArgument (no or bad
    /// routes, with the reason), Crashed (an exception while importing, with the traceback).
    static Result<std::unique_ptr<PythonApp>> load(const QString &spec, QObject *parent = nullptr);
    ~PythonApp() override;

    QString spec() const { return m_spec; }
    QString appDir() const { return m_appDir; }
    /// The app module's `content_security_policy` (its pages' CSP unless --csp says otherwise);
    /// nullopt when it sets none.
    std::optional<QString> contentSecurityPolicy() const { return m_contentSecurityPolicy; }
    QList<Route> routes() const;
    /// The factory of a nested view (`{% live_render "module.Class" id=… %}`): the LiveView
    /// subclass `module.Class` names (its `__module__` and `__qualname__`; the module is imported
    /// if it is not yet), its templates looked up as for a route's view. Errors: NotFound (no such
    /// module or class, or not a LiveView subclass), Crashed (the import raised). Any thread
    /// (takes the GIL); resolved at every join, so a reload's classes serve the next join.
    Result<ViewFactory> childView(const QString &name) const;
    /// The directories watched when reload is enabled.
    QStringList watchedDirectories() const { return m_watchDirs; }

    /// Re-imports the app now (what a file change does when reload is enabled).
    Result<void> reload();
    /// Watch the app's directories (*.py and template files); a change re-imports after 200 ms.
    void setReloadEnabled(bool on);

Q_SIGNALS:
    /// After a successful reload: the app should re-mount the live views (new mounts already
    /// get the new classes).
    void reloaded();
    void reloadFailed(const QString &error);

private:
    explicit PythonApp(QObject *parent);
    Result<void> import(bool reload);
    void watch();

    struct Shared
    {
        std::mutex mutex;
        QHash<QString, std::shared_ptr<const PythonViewClass>> classes; // pattern → class
        QStringList templateDirs; // the app's, after the view's own (see liveactor._loader)
    };
    QString m_spec;
    QString m_appDir;
    std::optional<QString> m_contentSecurityPolicy;
    QStringList m_patterns;
    QStringList m_watchDirs;
    std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer m_debounce;
};

} // namespace LiveActor
