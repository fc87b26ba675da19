#include "app/serveoptions.h"

#include "cluster/redisurl.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSettings>
#include <QUrl>

#include <functional>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

/// One configurable setting: its flag (also the INI key), environment variable, help text and
/// how a string value is applied.
struct Setting
{
    QString flag;
    QString env;
    QString valueName;
    QString help;
    std::function<Result<void>(ServeOptions &, const QString &)> apply;
};

Result<int> toInt(const QString &value, int min, int max)
{
    bool ok = false;
    const int n = value.trimmed().toInt(&ok);
    if (!ok || n < min || n > max)
        return fail(ErrorCode::InvalidArgument, u"expected a whole number from %1 to %2, got \"%3\""_s
                                                    .arg(min).arg(max).arg(value));
    return n;
}

Result<bool> toBool(const QString &value)
{
    const QString v = value.trimmed().toLower();
    if (v == u"1" || v == u"true" || v == u"yes" || v == u"on")
        return true;
    if (v == u"0" || v == u"false" || v == u"no" || v == u"off")
        return false;
    return fail(ErrorCode::InvalidArgument, u"expected true or false, got \"%1\""_s.arg(value));
}

template<typename Setter>
std::function<Result<void>(ServeOptions &, const QString &)> intSetting(int min, int max, Setter set)
{
    return [=](ServeOptions &o, const QString &v) -> Result<void> {
        auto n = toInt(v, min, max);
        if (!n)
            return fail(n.error());
        set(o, *n);
        return {};
    };
}

std::function<Result<void>(ServeOptions &, const QString &)> msSetting(std::chrono::milliseconds ServerConfig::*field)
{
    return intSetting(1, 24 * 3600 * 1000, [field](ServeOptions &o, int n) {
        o.server.*field = std::chrono::milliseconds(n);
    });
}

template<typename Setter>
std::function<Result<void>(ServeOptions &, const QString &)> boolSetter(Setter set)
{
    return [=](ServeOptions &o, const QString &v) -> Result<void> {
        auto b = toBool(v);
        if (!b)
            return fail(b.error());
        set(o, *b);
        return {};
    };
}

std::function<Result<void>(ServeOptions &, const QString &)> boolSetting(bool ServeOptions::*field)
{
    return boolSetter([field](ServeOptions &o, bool b) { o.*field = b; });
}

const QList<Setting> &settings()
{
    static const QList<Setting> table = {
        {u"host"_s, u"LIVEACTOR_HOST"_s, u"address"_s,
         u"Address to listen on (pages, assets and the WebSocket). Default 127.0.0.1."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             QHostAddress address;
             if (!address.setAddress(v.trimmed()))
                 return fail(ErrorCode::InvalidArgument, u"not an IP address: \"%1\""_s.arg(v));
             o.server.host = address;
             return {};
         }},
        {u"port"_s, u"LIVEACTOR_PORT"_s, u"port"_s, u"HTTP/WebSocket port. Default 4000."_s,
         intSetting(0, 65535, [](ServeOptions &o, int n) { o.server.port = quint16(n); })},
        {u"reuse-port"_s, u"LIVEACTOR_REUSE_PORT"_s, u"bool"_s,
         u"Listen with SO_REUSEPORT: several instances on this host (each started with it) share "
         "--host and --port, and the kernel spreads new connections over them (docs/deploying.md)."_s,
         boolSetter([](ServeOptions &o, bool b) { o.server.reusePort = b; })},
        {u"control-port"_s, u"LIVEACTOR_CONTROL_PORT"_s, u"port"_s,
         u"Control-plane port for liveactor-monitor and `liveactor ctl` (loopback host as --host). "
         "0 disables it. Default 4001."_s,
         intSetting(0, 65535, [](ServeOptions &o, int n) { o.controlPort = quint16(n); })},
        {u"control-token"_s, u"LIVEACTOR_CONTROL_TOKEN"_s, u"token"_s,
         u"Operator token for the control plane. Default: a new random one per start, written "
         "to <state-dir>/control_token (0600) and printed."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             if (v.size() < 16)
                 return fail(ErrorCode::InvalidArgument, u"a control token needs 16 characters or more"_s);
             o.controlToken = v;
             return {};
         }},
        {u"state-dir"_s, u"LIVEACTOR_STATE_DIR"_s, u"dir"_s,
         u"Directory for the session secret, the control token and instance files. Default .state"_s,
         [](ServeOptions &o, const QString &v) -> Result<void> { o.server.stateDir = v; return {}; }},
        {u"allowed-origins"_s, u"LIVEACTOR_ALLOWED_ORIGINS"_s, u"list"_s,
         u"Comma-separated WebSocket Origins to accept besides the page's own host "
         "(\"*\" accepts any: development only)."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             o.server.allowedOrigins.clear();
             for (const QString &origin : v.split(u',', Qt::SkipEmptyParts))
                 o.server.allowedOrigins << origin.trimmed();
             return {};
         }},
        {u"public-url"_s, u"LIVEACTOR_PUBLIC_URL"_s, u"url"_s,
         u"The site's public address (https://app.example) behind a proxy: WebSocket Origins are "
         "checked against it instead of the Host header."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             const QUrl url(v.trimmed());
             if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty())
                 return fail(ErrorCode::InvalidArgument, u"--public-url: an http(s) URL, not \"%1\""_s.arg(v));
             o.server.publicOrigin = url.scheme() + u"://"_s + url.authority(QUrl::FullyEncoded).section(u'@', -1);
             return {};
         }},
        {u"executors"_s, u"LIVEACTOR_EXECUTORS"_s, u"n"_s,
         u"Executor threads running the actors. Default: one per core."_s,
         intSetting(0, 256, [](ServeOptions &o, int n) { o.executors = n; })},
        {u"max-connections"_s, u"LIVEACTOR_MAX_CONNECTIONS"_s, u"n"_s,
         u"Open WebSockets at most; more are refused with 503. Default 10000."_s,
         intSetting(1, 10'000'000, [](ServeOptions &o, int n) { o.server.maxConnections = n; })},
        {u"max-frame-bytes"_s, u"LIVEACTOR_MAX_FRAME_BYTES"_s, u"bytes"_s,
         u"Largest WebSocket message; larger ones close the socket (1009). Default 1048576."_s,
         intSetting(1024, 256 * 1024 * 1024, [](ServeOptions &o, int n) { o.server.maxFrameBytes = n; })},
        {u"max-unjoined-bytes"_s, u"LIVEACTOR_MAX_UNJOINED_BYTES"_s, u"bytes"_s,
         u"Bytes all WebSockets that have not joined a view may hold together in partial messages; "
         "the one passing it is cut off. Default 67108864."_s,
         intSetting(64 * 1024, 1024 * 1024 * 1024, [](ServeOptions &o, int n) { o.server.maxUnjoinedBytes = n; })},
        {u"max-outbound-bytes"_s, u"LIVEACTOR_MAX_OUTBOUND_BYTES"_s, u"bytes"_s,
         u"Unsent output a WebSocket may hold (a client that stopped reading); more closes it. "
         "Default 8388608."_s,
         intSetting(64 * 1024, 1024 * 1024 * 1024, [](ServeOptions &o, int n) { o.server.maxOutboundBytes = n; })},
        {u"session-ttl"_s, u"LIVEACTOR_SESSION_TTL"_s, u"ms"_s,
         u"Reap a session this long after its socket is gone. Default 30000."_s,
         msSetting(&ServerConfig::sessionTtl)},
        {u"idle-timeout"_s, u"LIVEACTOR_IDLE_TIMEOUT"_s, u"ms"_s,
         u"Close a WebSocket after this long without a frame. Default 60000."_s,
         msSetting(&ServerConfig::idleTimeout)},
        {u"handler-budget"_s, u"LIVEACTOR_HANDLER_BUDGET"_s, u"ms"_s,
         u"Log and count a Python handler that runs longer than this (0 = off). Default 1000."_s,
         intSetting(0, 3600 * 1000, [](ServeOptions &o, int n) { o.handlerBudget = std::chrono::milliseconds(n); })},
        {u"handler-timeout"_s, u"LIVEACTOR_HANDLER_TIMEOUT"_s, u"ms"_s,
         u"Raise liveactor.HandlerTimeout in a Python handler running longer than this, which crashes "
         "only its view (0 = never). Default 10000."_s,
         intSetting(0, 3600 * 1000, [](ServeOptions &o, int n) { o.handlerTimeout = std::chrono::milliseconds(n); })},
        {u"django"_s, u"DJANGO_SETTINGS_MODULE"_s, u"module"_s,
         u"A Django project's settings module: django.setup() runs before the app is imported, "
         "views can use the ORM, and mount() sees the Django session's user (docs/django.md)."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> { o.django = v.trimmed(); return {}; }},
        {u"workers"_s, u"LIVEACTOR_WORKERS"_s, u"n"_s,
         u"Threads for Python callbacks that block (declared blocking=True, or learned). Default 16."_s,
         intSetting(1, 1024, [](ServeOptions &o, int n) { o.workers = n; })},
        {u"sync-handlers"_s, u"LIVEACTOR_SYNC_HANDLERS"_s, u"auto|pool|inline"_s,
         u"Where plain sync Python callbacks run: auto (on the executor until one call takes over "
         "20 ms, then on the worker pool), pool (always on the pool: safe for any blocking call, a "
         "thread hop per event), inline (always on the executor). Default auto."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             if (v != u"auto" && v != u"pool" && v != u"inline")
                 return fail(ErrorCode::InvalidArgument, u"--sync-handlers: auto, pool or inline, not \"%1\""_s.arg(v));
             o.syncHandlers = v;
             return {};
         }},
        {u"max-connections-per-ip"_s, u"LIVEACTOR_MAX_CONNECTIONS_PER_IP"_s, u"n"_s,
         u"Open WebSockets from one address at most; more get HTTP 503 (0: no limit, the default; "
         "behind a proxy every client has the proxy's address)."_s,
         intSetting(0, 1000000, [](ServeOptions &o, int n) { o.server.maxConnectionsPerIp = n; })},
        {u"render-threads"_s, u"LIVEACTOR_RENDER_THREADS"_s, u"n"_s,
         u"Threads rendering pages (mount() and the first render) and running Python HTTP handlers, "
         "off the thread that accepts connections: a slow mount() delays only its own page. Default 4."_s,
         intSetting(1, 256, [](ServeOptions &o, int n) { o.server.renderThreads = n; })},
        {u"request-timeout"_s, u"LIVEACTOR_REQUEST_TIMEOUT"_s, u"ms"_s,
         u"An HTTP request must be complete this long after its first byte, else 408. Default 5000."_s,
         msSetting(&ServerConfig::requestTimeout)},
        {u"token-max-age"_s, u"LIVEACTOR_TOKEN_MAX_AGE"_s, u"seconds"_s,
         u"How long a page's session token can join its view; an older page reloads for a fresh "
         "one. Default 86400 (a day)."_s,
         intSetting(60, 30 * 24 * 3600, [](ServeOptions &o, int n) { o.server.tokenMaxAge = std::chrono::seconds(n); })},
        {u"shutdown-timeout"_s, u"LIVEACTOR_SHUTDOWN_TIMEOUT"_s, u"ms"_s,
         u"On SIGTERM: clients are closed with 1001 within half of this (even when a handler is "
         "stuck), actors stopped within the rest; then the process exits anyway. Default 10000."_s,
         intSetting(100, 3600 * 1000, [](ServeOptions &o, int n) { o.shutdownTimeout = std::chrono::milliseconds(n); })},
        {u"csp"_s, u"LIVEACTOR_CSP"_s, u"policy"_s,
         u"Content-Security-Policy sent with every page (\"\" sends none). Default: the page's own "
         "scripts, styles (inline too), images, WebSocket; no framing."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> { o.csp = v.trimmed(); return {}; }},
        {u"static-dir"_s, u"LIVEACTOR_STATIC_DIR"_s, u"dir"_s,
         u"The app's browser files, served at /static/; pages include its app.css and app.js "
         "(hooks: window.liveactorHooks). Default: the static/ folder next to the app."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> { o.staticDir = v.trimmed(); return {}; }},
        {u"title"_s, u"LIVEACTOR_TITLE"_s, u"text"_s, u"Page title for views that set none."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> { o.server.defaultTitle = v; return {}; }},
        {u"reload"_s, u"LIVEACTOR_RELOAD"_s, u"bool"_s,
         u"Development: re-import the app and re-mount views when its files change."_s,
         boolSetting(&ServeOptions::reload)},
        {u"debug"_s, u"LIVEACTOR_DEBUG"_s, u"bool"_s,
         u"Development: show errors in the browser (a crashed view's traceback, a template error "
         "with its source, a failed reload) instead of the generic error page. Implied by --reload. "
         "Never in production: it shows code and data."_s,
         boolSetting(&ServeOptions::debug)},
        {u"redis"_s, u"LIVEACTOR_REDIS"_s, u"url"_s,
         u"Scale-out: run as one of several instances on this Redis (redis://host:port/db): "
         "broadcasts and presence reach every instance (docs/deploying.md). Default: none."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             if (v.trimmed().isEmpty()) {
                 o.redis.clear();
                 return {};
             }
             if (auto url = RedisUrl::parse(v); !url)
                 return fail(url.error());
             o.redis = v.trimmed();
             return {};
         }},
        {u"instance-name"_s, u"LIVEACTOR_INSTANCE_NAME"_s, u"name"_s,
         u"This instance's name among the others on --redis (letters, digits, \".\", \"_\", \"-\"). "
         "Default: <host name>-<pid>."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             static const QRegularExpression valid(u"^[A-Za-z0-9._-]{1,64}$"_s);
             if (!valid.match(v.trimmed()).hasMatch())
                 return fail(ErrorCode::InvalidArgument, u"1 to 64 letters, digits, \".\", \"_\" or \"-\", not \"%1\""_s.arg(v));
             o.instanceName = v.trimmed();
             return {};
         }},
        {u"presence-ttl"_s, u"LIVEACTOR_PRESENCE_TTL"_s, u"ms"_s,
         u"With --redis: another instance's presence entries expire this long after its last "
         "heartbeat (an instance that died without stopping). Default 15000."_s,
         intSetting(300, 3600 * 1000, [](ServeOptions &o, int n) { o.presenceTtl = std::chrono::milliseconds(n); })},
        {u"persist-ttl"_s, u"LIVEACTOR_PERSIST_TTL"_s, u"seconds"_s,
         u"With --redis: the state a view keeps (`persist`) stays in Redis this long after its last "
         "change, for its page to resume on another instance. Default 3600."_s,
         intSetting(1, 30 * 24 * 3600, [](ServeOptions &o, int n) { o.persistTtl = std::chrono::seconds(n); })},
        {u"log-format"_s, u"LIVEACTOR_LOG_FORMAT"_s, u"text|json"_s,
         u"Log lines on stderr as text or one JSON object per line. Default text."_s,
         [](ServeOptions &o, const QString &v) -> Result<void> {
             if (v != u"text" && v != u"json")
                 return fail(ErrorCode::InvalidArgument, u"expected text or json, got \"%1\""_s.arg(v));
             o.logFormat = v;
             return {};
         }},
    };
    return table;
}

Result<void> applyFrom(ServeOptions &options, const Setting &setting, const QString &value, const QString &source)
{
    auto r = setting.apply(options, value);
    if (!r)
        return fail(ErrorCode::InvalidArgument, u"%1 (%2): %3"_s.arg(setting.flag, source, r.error().message));
    return {};
}

} // namespace

Result<ServeOptions> parseServeOptions(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Serves a Python LiveView app: pages, assets and the LiveView WebSocket on one port, and\n"
        "the control plane for liveactor-monitor on another.\n\n"
        "Settings come from (later wins): defaults, the INI file given by --config or\n"
        "LIVEACTOR_CONFIG (keys are the long option names, e.g. \"port = 8080\"), the\n"
        "environment variable named in each option's help, and the command line.\n"
        "The session-token secret comes from LIVEACTOR_SECRET_KEY, or is generated once and kept\n"
        "in <state-dir>/secret_key."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"app"_s, u"The Python app: path/to/app.py or module:attr (its `routes`)."_s);
    parser.addOption({u"config"_s, u"INI file with settings (env LIVEACTOR_CONFIG)."_s, u"file"_s});
    for (const Setting &s : settings()) {
        if (s.valueName == u"bool")
            parser.addOption({s.flag, s.help + u" (env %1)"_s.arg(s.env)});
        else
            parser.addOption({s.flag, s.help + u" (env %1)"_s.arg(s.env), s.valueName});
    }

    QStringList argv = args;
    argv.prepend(u"liveactor"_s); // the parser skips argv[0]; args[0] is "serve"
    if (!parser.parse(argv))
        return fail(ErrorCode::InvalidArgument, parser.errorText());
    if (parser.isSet(u"help"_s))
        return fail(ErrorCode::NotFound, parser.helpText().replace(u"liveactor [options]"_s, u"liveactor serve [options]"_s));

    ServeOptions options;
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();

    QString configFile = env.value(u"LIVEACTOR_CONFIG"_s);
    if (parser.isSet(u"config"_s))
        configFile = parser.value(u"config"_s);
    if (!configFile.isEmpty()) {
        if (!QFileInfo(configFile).isReadable())
            return fail(ErrorCode::InvalidArgument, u"config file not readable: %1"_s.arg(configFile));
        QSettings ini(configFile, QSettings::IniFormat);
        const QStringList keys = ini.allKeys();
        for (const QString &key : keys) {
            auto it = std::find_if(settings().begin(), settings().end(), [&](const Setting &s) { return s.flag == key; });
            if (it == settings().end())
                return fail(ErrorCode::InvalidArgument, u"%1: unknown setting \"%2\""_s.arg(configFile, key));
            if (auto r = applyFrom(options, *it, ini.value(key).toString(), configFile); !r)
                return fail(r.error());
        }
    }
    for (const Setting &s : settings()) {
        if (env.contains(s.env)) {
            if (auto r = applyFrom(options, s, env.value(s.env), s.env); !r)
                return fail(r.error());
        }
    }
    for (const Setting &s : settings()) {
        if (!parser.isSet(s.flag))
            continue;
        const QString value = s.valueName == u"bool" ? u"true"_s : parser.value(s.flag);
        if (auto r = applyFrom(options, s, value, u"--"_s + s.flag); !r)
            return fail(r.error());
    }

    const QStringList positional = parser.positionalArguments();
    // positional[0] is the word "serve".
    if (positional.size() != 2)
        return fail(ErrorCode::InvalidArgument, u"usage: liveactor serve [options] APP (see --help)"_s);
    options.app = positional.at(1);
    return options;
}

} // namespace LiveActor
