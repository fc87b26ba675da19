#pragma once

#include "core/result.h"
#include "liveview/serverconfig.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace LiveActor {

/// Everything `liveactor serve` is configured with: the LiveView server's config plus the app's
/// own settings. A plain value type.
struct ServeOptions
{
    /// The Python app: a file ("examples/app.py") or "module:attr".
    QString app;
    ServerConfig server;
    /// Control plane (liveactor-monitor, liveactor ctl). Port 0 disables it.
    quint16 controlPort = 4001;
    /// Control-plane token; empty = generate one at start (written 0600 to the state dir).
    QString controlToken;
    int executors = 0;            ///< 0 = one per core
    bool reload = false;          ///< re-import the app and re-mount views when its files change
    bool debug = false;           ///< show errors in the browser (implied by reload)
    /// A Python handler running longer than this is logged and counted (0 = off).
    std::chrono::milliseconds handlerBudget{1000};
    /// A Python handler running longer than this gets liveactor.HandlerTimeout raised (0 = never).
    std::chrono::milliseconds handlerTimeout{10000};
    /// SIGTERM: sessions get half of this to close with 1001 (then stuck ones are closed with
    /// 1001 all the same), actors the rest; past it (and a second), the process exits anyway.
    std::chrono::milliseconds shutdownTimeout{10000};
    QString django;           ///< Django settings module (--django / DJANGO_SETTINGS_MODULE)
    QString staticDir;        ///< served at /static/; empty: the static/ folder next to the app
    int workers = 0;          ///< Python worker pool size (0: liveactor's default, 16)
    QString syncHandlers;     ///< "auto" (default), "pool" or "inline"
    QString logFormat = QStringLiteral("text");
    /// --csp when given (it overrides the app's content_security_policy, which overrides the default).
    std::optional<QString> csp;
    /// Scale-out (runtime/cluster): "redis://host:port/db", empty = one instance on its own.
    QString redis;
    QString instanceName;     ///< in logs and the fleet; default: host name and pid
    std::chrono::milliseconds presenceTtl{15000}; ///< another instance's presence expires after this
    /// Views that resume: a view's persisted state stays in Redis this long after its last change.
    std::chrono::seconds persistTtl{3600};
};

/// Reads ServeOptions from, in rising precedence: the defaults, an optional INI config file
/// (`--config FILE` or LIVEACTOR_CONFIG; keys are the long flag names, e.g. `port = 4000`),
/// LIVEACTOR_* environment variables, and the command line. One table describes every setting
/// once, for all three sources and for `--help`.
///
/// args is the full argument list after the program name ("serve" first). Returns the options,
/// or an Error (InvalidArgument) whose message says which setting from which source is wrong.
/// `--help` is answered with an Error of code NotFound carrying the help text (the caller prints
/// it and exits 0). Main thread.
Result<ServeOptions> parseServeOptions(const QStringList &args);

} // namespace LiveActor
