#include "telemetry/ctlcommand.h"

#include "liveactor/monitor/v1/monitor.pb.h"
#include "telemetry/tokenstore.h"

#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QTextStream>
#include <QTimer>
#include <QUrl>
#include <QUuid>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

namespace {

int usage(const QString &why)
{
    QTextStream err(stderr);
    if (!why.isEmpty())
        err << "error: " << why << '\n';
    err << "usage: liveactor ctl kill|restart|shutdown|ping|trace ACTOR_ID [--url URL] [--token TOKEN]\n"
           "                     [--state-dir DIR] [--reason TEXT] [--timeout-ms N] [--preview]\n"
           "                     [--subtree] [--seconds N]\n"
           "  --preview: print what kill/restart/shutdown would do (the runtime's restart preview),\n"
           "             change nothing\n"
           "  trace: print the actor's messages (with --subtree its descendants' too) for N seconds\n"
           "         (default 10), one line each\n"
           "  --redis redis://host:port/db instead of --url: the instance of that fleet that owns the\n"
           "             actor (`liveactor ctl --redis URL fleet` lists the instances)\n";
    return 2;
}

/// "12:00:01.123456 view 1b2c3d4e in  Foo::Bar 16 B wait 12 µs proc 40 µs from 5e6f7a8b"
QString traceLine(const pb::TraceRecord &r)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(r.time_us() / 1000);
    QString line = u"%1%2 %3 %4 %5 %6 %7 B"_s.arg(time.toString(u"HH:mm:ss.zzz"_s))
                       .arg(r.time_us() % 1000, 3, 10, QChar(u'0'))
                       .arg(QString::fromStdString(r.actor_kind()), QString::fromStdString(r.actor_id()).left(8),
                            r.outgoing() ? u"out"_s : u"in "_s, QString::fromStdString(r.type()))
                       .arg(r.size());
    if (!r.outgoing())
        line += u" wait %1 µs proc %2 µs"_s.arg(r.wait_ns() < 0 ? u"?"_s : QString::number(r.wait_ns() / 1000))
                    .arg(r.processing_ns() / 1000);
    const QString peer = r.peer_id().empty() ? u"outside"_s : QString::fromStdString(r.peer_id()).left(8);
    return line + (r.outgoing() ? u" to "_s : u" from "_s) + peer;
}

} // namespace

int runCtlCommand(const QStringList &args, bool quiet)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.size() < 2)
        return usage({});
    const QString action = args.at(0);
    const QUuid id = QUuid::fromString(args.at(1));
    static const QStringList actions{u"kill"_s, u"restart"_s, u"shutdown"_s, u"ping"_s, u"trace"_s};
    if (!actions.contains(action))
        return usage(u"unknown action '%1'"_s.arg(action));
    if (id.isNull())
        return usage(u"'%1' is not an actor id (UUID)"_s.arg(args.at(1)));

    QString url, token, reason, stateDir = qEnvironmentVariable("LIVEACTOR_STATE_DIR", u".state"_s);
    int timeoutMs = 10000;
    int traceSeconds = 10;
    bool preview = false, subtree = false;
    for (qsizetype i = 2; i < args.size(); ++i) {
        const QString &a = args.at(i);
        auto value = [&]() -> std::optional<QString> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return args.at(++i);
        };
        std::optional<QString> v;
        if (a == u"--url"_s && (v = value()))
            url = *v;
        else if (a == u"--token"_s && (v = value()))
            token = *v;
        else if (a == u"--state-dir"_s && (v = value()))
            stateDir = *v;
        else if (a == u"--reason"_s && (v = value()))
            reason = *v;
        else if (a == u"--timeout-ms"_s && (v = value()))
            timeoutMs = qMax(100, v->toInt());
        else if (a == u"--preview"_s)
            preview = true;
        else if (a == u"--subtree"_s)
            subtree = true;
        else if (a == u"--seconds"_s && (v = value()))
            traceSeconds = qBound(1, v->toInt(), 86400);
        else
            return usage(u"unexpected argument '%1'"_s.arg(a));
    }

    QJsonObject instance;
    QFile instanceFile(QDir(stateDir).absoluteFilePath(u"control.json"_s));
    if (instanceFile.open(QIODevice::ReadOnly))
        instance = QJsonDocument::fromJson(instanceFile.readAll()).object();
    if (url.isEmpty())
        url = instance.value(u"url"_s).toString(u"ws://127.0.0.1:4001/"_s);
    if (token.isEmpty())
        token = qEnvironmentVariable("LIVEACTOR_CONTROL_TOKEN");
    if (token.isEmpty()) {
        const QString file = instance.value(u"token_file"_s).toString(QDir(stateDir).absoluteFilePath(u"control_token"_s));
        auto t = TokenStore::readTokenFile(file);
        if (!t) {
            err << "error: no token: " << t.error().message << " (use --token or --state-dir)\n";
            return 3;
        }
        token = *t;
    }

    pb::ClientMessage command;
    command.set_request_id(2);
    pb::Command *cmd = command.mutable_command();
    cmd->set_actor_id(id.toString(QUuid::WithoutBraces).toStdString());
    const std::string why = (reason.isEmpty() ? u"liveactor ctl"_s : reason).toStdString();
    if (preview && (action == u"ping"_s || action == u"trace"_s))
        return usage(u"--preview is for kill, restart and shutdown"_s);
    const bool trace = action == u"trace"_s;
    if (preview) {
        cmd->mutable_preview()->set_reason(why);
        cmd->mutable_preview()->set_action(action == u"kill"_s      ? pb::Preview::KILL
                                           : action == u"restart"_s ? pb::Preview::RESTART
                                                                    : pb::Preview::SHUTDOWN);
    } else if (action == u"kill"_s)
        cmd->mutable_kill()->set_reason(why);
    else if (action == u"restart"_s)
        cmd->mutable_restart()->set_reason(why);
    else if (action == u"shutdown"_s)
        cmd->mutable_shutdown()->set_reason(why);
    else if (trace) {
        cmd->mutable_trace_start()->set_reason(why);
        cmd->mutable_trace_start()->set_subtree(subtree);
    } else
        cmd->mutable_ping()->set_reason(why);

    QWebSocket socket;
    QEventLoop loop;
    int exitCode = 3;
    QString failure = u"timed out after %1 ms"_s.arg(timeoutMs);
    auto finish = [&](int code, const QString &message) {
        exitCode = code;
        failure = message;
        loop.quit();
    };
    QObject::connect(&socket, &QWebSocket::binaryMessageReceived, &loop, [&](const QByteArray &frame) {
        pb::ServerMessage msg;
        if (!msg.ParseFromArray(frame.constData(), int(frame.size())))
            return finish(3, u"malformed frame from the runtime"_s);
        switch (msg.body_case()) {
        case pb::ServerMessage::kHello: {
            pb::ClientMessage auth;
            auth.set_request_id(1);
            auth.mutable_auth()->set_token(token.toStdString());
            auth.mutable_auth()->set_client_name(QString(u"liveactor-ctl@"_s + QSysInfo::machineHostName()).toStdString());
            const std::string bytes = auth.SerializeAsString();
            socket.sendBinaryMessage(QByteArray(bytes.data(), qsizetype(bytes.size())));
            break;
        }
        case pb::ServerMessage::kAuthResult:
            if (!msg.auth_result().ok())
                return finish(3, u"authentication refused: "_s + QString::fromStdString(msg.auth_result().message()));
            {
                const std::string bytes = command.SerializeAsString();
                socket.sendBinaryMessage(QByteArray(bytes.data(), qsizetype(bytes.size())));
            }
            break;
        case pb::ServerMessage::kCommandResult: {
            const auto &r = msg.command_result();
            if (r.ok() && r.has_preview()) {
                QStringList lines{u"preview of %1 %2 (nothing was changed)"_s.arg(action, id.toString(QUuid::WithoutBraces))};
                for (const pb::PreviewStep &s : r.preview().steps()) {
                    auto join = [](const auto &ids) {
                        QStringList l;
                        for (const std::string &i : ids)
                            l << QString::fromStdString(i);
                        return l.isEmpty() ? u"-"_s : l.join(u", "_s);
                    };
                    lines << u"%1 %2 decides: %3"_s.arg(QString::fromStdString(s.parent_kind()),
                                                        QString::fromStdString(s.parent_id()),
                                                        QString::fromStdString(s.note()))
                          << u"  stops: "_s + join(s.stops()) << u"  starts again: "_s + join(s.restarts());
                    if (s.escalates())
                        lines << u"  escalates to its parent"_s;
                }
                if (r.preview().steps_size() == 0)
                    lines << u"top-level: nothing restarts it"_s;
                return finish(0, lines.join(u'\n'));
            }
            if (r.ok() && trace) {
                // Print records as they come; end after --seconds (closing ends the trace).
                out << QString::fromStdString(r.message()) << '\n';
                out.flush();
                QTimer::singleShot(traceSeconds * 1000, &loop, [&] { finish(0, u"trace ended after %1 s"_s.arg(traceSeconds)); });
                break;
            }
            if (r.ok())
                return finish(0, QString::fromStdString(r.message()));
            return finish(1, QString::fromStdString(r.error_code() + ": " + r.message()));
        }
        case pb::ServerMessage::kTraceBatch: {
            const pb::TraceBatch &b = msg.trace_batch();
            for (const pb::TraceRecord &r : b.records())
                out << traceLine(r) << '\n';
            out.flush();
            if (b.stopped())
                return finish(0, u"trace ended: %1 (%2 dropped)"_s.arg(QString::fromStdString(b.stop_reason())).arg(b.dropped()));
            break;
        }
        case pb::ServerMessage::kError:
            return finish(1, QString::fromStdString(msg.error().code() + ": " + msg.error().message()));
        default:
            break;
        }
    });
    QObject::connect(&socket, &QWebSocket::disconnected, &loop, [&] {
        if (loop.isRunning())
            finish(exitCode == 0 ? 0 : 3, u"connection to %1 closed: %2"_s.arg(url, socket.errorString()));
    });
    const int limitMs = trace ? timeoutMs + traceSeconds * 1000 : timeoutMs;
    QTimer::singleShot(limitMs, &loop, [&] { finish(3, u"timed out after %1 ms"_s.arg(limitMs)); });
    socket.open(QUrl(url));
    loop.exec();
    socket.disconnect(&loop);
    socket.abort();
    if (quiet)
        return exitCode;
    if (exitCode == 0) {
        out << "ok: " << failure << '\n';
        out.flush();
    } else {
        err << "error: " << failure << '\n';
        err.flush();
    }
    return exitCode;
}

} // namespace LiveActor
