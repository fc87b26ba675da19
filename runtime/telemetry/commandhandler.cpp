#include "telemetry/commandhandler.h"

#include "core/actorsystem.h"
#include "core/registry.h"
#include "telemetry/protoconvert.h"
#include "telemetry/historyhub.h"
#include "telemetry/tracehub.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

namespace {

using Reply = std::function<void(pb::CommandResult)>;

/// One checked command, for the function of its action.
struct Request
{
    ActorSystem &system;
    QObject *receiver;
    const pb::Command &command;
    const ActorInfo &actor;
    const ControlServer::AssignsProvider &assignsProvider;
    Reply reply;
    TraceHub *traces;
    HistoryHub *histories;
    quint64 client;
};

pb::CommandResult succeeded(const QString &message)
{
    pb::CommandResult r;
    r.set_ok(true);
    r.set_message(ProtoConvert::text(message));
    return r;
}

pb::CommandResult failed(const std::string &code, const QString &message)
{
    pb::CommandResult r;
    r.set_ok(false);
    r.set_error_code(code);
    r.set_message(ProtoConvert::text(message));
    return r;
}

pb::CommandResult failed(const Error &error)
{
    return failed(ProtoConvert::text(errorCodeName(error.code)),
                  error.message.isEmpty() ? error.toString() : error.message);
}

void killActor(const Request &request)
{
    const QString message = u"killed %1 %2; its supervisor decides what happens next"_s.arg(
        request.actor.kind, request.actor.id.toString(QUuid::WithoutBraces));
    request.system.kill(request.actor.id, request.receiver, [reply = request.reply, message](Result<void> r) {
        reply(r ? succeeded(message) : failed(r.error()));
    });
}

void restartActor(const Request &request)
{
    const QString kind = request.actor.kind;
    request.system.restart(request.actor.id, request.receiver, [reply = request.reply, kind](Result<ActorRef> r) {
        if (!r)
            return reply(failed(r.error()));
        pb::CommandResult out = succeeded(u"restarted %1 as incarnation %2"_s.arg(kind).arg(r->incarnation()));
        out.set_new_incarnation(r->incarnation());
        reply(std::move(out));
    });
}

void shutdownActor(const Request &request)
{
    const quint32 timeoutMs = request.command.shutdown().timeout_ms();
    const QString message = u"%1 shut down"_s.arg(request.actor.kind);
    request.system.shutdownActor(request.actor.id, std::chrono::milliseconds(timeoutMs ? timeoutMs : 5000),
                                 request.receiver, [reply = request.reply, message](Result<void> r) {
                                     reply(r ? succeeded(message) : failed(r.error()));
                                 });
}

void pingActor(const Request &request)
{
    const quint32 timeoutMs = request.command.ping().timeout_ms();
    request.system.ping(request.actor.id, std::chrono::milliseconds(timeoutMs ? timeoutMs : 2000), request.receiver,
                        [reply = request.reply](Result<std::chrono::microseconds> r) {
                            if (!r)
                                return reply(failed(r.error()));
                            pb::CommandResult out = succeeded(u"pong in %1 µs"_s.arg(r->count()));
                            out.set_round_trip_us(r->count());
                            reply(std::move(out));
                        });
}

void fetchAssigns(const Request &request)
{
    const pb::FetchAssigns &fetch = request.command.fetch_assigns();
    const int maxBytes = int(fetch.max_bytes() ? qMin(fetch.max_bytes(), 1024u * 1024u) : 64u * 1024u);
    // The provider may answer on any thread: queue the answer back to the receiver's.
    QPointer<QObject> receiver(request.receiver);
    auto deliver = [receiver, reply = request.reply, maxBytes](Result<QString> r) {
        QMetaObject::invokeMethod(receiver ? receiver.data() : QCoreApplication::instance(), [=] {
            if (!receiver)
                return;
            if (!r)
                return reply(failed(r.error()));
            QByteArray text = r->toUtf8();
            const bool truncated = text.size() > maxBytes;
            text.truncate(maxBytes);
            pb::CommandResult out = succeeded(u"%1 bytes"_s.arg(text.size()));
            out.set_truncated(truncated);
            out.set_assigns(text.toStdString());
            reply(std::move(out));
        }, Qt::QueuedConnection);
    };
    if (request.assignsProvider) {
        request.assignsProvider(request.actor.id, maxBytes, deliver);
    } else {
        // Default: the actor's metadata map (views publish their assigns under "assigns").
        const QJsonDocument detail(QJsonObject::fromVariantMap(request.actor.detail));
        deliver(QString::fromUtf8(detail.toJson(QJsonDocument::Indented)));
    }
}

void previewAction(const Request &request)
{
    static constexpr ChildExit causes[] = {ChildExit::Crash, ChildExit::Restart, ChildExit::Shutdown};
    const auto action = request.command.preview().action();
    if (action < 0 || size_t(action) >= std::size(causes))
        return request.reply(failed("bad_request", u"unknown preview action %1"_s.arg(int(action))));
    request.system.previewExit(request.actor.id, causes[action], request.receiver,
                               [reply = request.reply](Result<QList<PreviewStep>> r) {
                                   if (!r)
                                       return reply(failed(r.error()));
                                   pb::CommandResult out = succeeded(u"%1 step(s)"_s.arg(r->size()));
                                   ProtoConvert::preview(*r, out.mutable_preview());
                                   reply(std::move(out));
                               });
}

void traceStart(const Request &request)
{
    if (!request.traces)
        return request.reply(failed("not_supported", u"this server does not trace"_s));
    const pb::TraceStart &start = request.command.trace_start();
    const Result<int> limit = request.traces->start(request.client, request.actor.id, start.subtree(),
                                                    int(qMin(start.max_per_second(), 1000000u)));
    if (!limit)
        return request.reply(failed(limit.error()));
    pb::CommandResult out = succeeded(u"tracing %1 %2%3, at most %4 records/s"_s.arg(
        request.actor.kind, request.actor.id.toString(QUuid::WithoutBraces),
        start.subtree() ? u" and its subtree"_s : QString()).arg(*limit));
    out.set_trace_max_per_second(quint32(*limit));
    request.reply(std::move(out));
}

void traceStop(const Request &request)
{
    const Result<void> r = request.traces ? request.traces->stop(request.client, request.actor.id)
                                          : Result<void>(fail(ErrorCode::NotFound, u"no trace"_s));
    request.reply(r ? succeeded(u"trace stopped"_s) : failed(r.error()));
}

void historyStart(const Request &request)
{
    if (!request.histories)
        return request.reply(failed("not_supported", u"this server keeps no assigns histories"_s));
    if (request.actor.kind != u"view"_s)
        return request.reply(failed("not_supported", u"only views keep an assigns history, not a %1"_s.arg(request.actor.kind)));
    const pb::HistoryStart &start = request.command.history_start();
    const auto started = request.histories->start(request.client, request.actor.id,
                                                  int(qMin(start.length(), 1000000u)),
                                                  int(qMin(start.max_value_bytes(), 1u << 24)));
    if (!started)
        return request.reply(failed(started.error()));
    pb::CommandResult out = succeeded(u"keeping the last %1 messages of view %2 (values cut at %3 bytes)"_s
                                          .arg(started->length)
                                          .arg(request.actor.id.toString(QUuid::WithoutBraces))
                                          .arg(started->maxValueBytes));
    out.set_history_length(quint32(started->length));
    out.set_history_max_value_bytes(quint32(started->maxValueBytes));
    request.reply(std::move(out));
}

void historyStop(const Request &request)
{
    const Result<void> r = request.histories ? request.histories->stop(request.client, request.actor.id)
                                             : Result<void>(fail(ErrorCode::NotFound, u"no history"_s));
    request.reply(r ? succeeded(u"history stopped"_s) : failed(r.error()));
}

template<auto action>
const std::string &reasonOf(const pb::Command &command)
{
    return (command.*action)().reason();
}

/// One entry per action: its name (audit), whether it needs the operate scope, its reason
/// field and its function.
struct Action
{
    pb::Command::ActionCase which;
    QStringView name;
    bool needsOperate;
    const std::string &(*reason)(const pb::Command &command);
    void (*run)(const Request &request);
};

const Action actions[] = {
    {pb::Command::kKill, u"kill", true, reasonOf<&pb::Command::kill>, killActor},
    {pb::Command::kRestart, u"restart", true, reasonOf<&pb::Command::restart>, restartActor},
    {pb::Command::kShutdown, u"shutdown", true, reasonOf<&pb::Command::shutdown>, shutdownActor},
    {pb::Command::kPing, u"ping", false, reasonOf<&pb::Command::ping>, pingActor},
    {pb::Command::kFetchAssigns, u"fetch_assigns", false, reasonOf<&pb::Command::fetch_assigns>, fetchAssigns},
    {pb::Command::kPreview, u"preview", false, reasonOf<&pb::Command::preview>, previewAction},
    {pb::Command::kTraceStart, u"trace_start", false, reasonOf<&pb::Command::trace_start>, traceStart},
    {pb::Command::kTraceStop, u"trace_stop", false, reasonOf<&pb::Command::trace_stop>, traceStop},
    {pb::Command::kHistoryStart, u"history_start", false, reasonOf<&pb::Command::history_start>, historyStart},
    {pb::Command::kHistoryStop, u"history_stop", false, reasonOf<&pb::Command::history_stop>, historyStop},
};

} // namespace

CommandHandler::CommandHandler(ActorSystem &system, QObject *receiver)
    : m_system(system)
    , m_receiver(receiver)
{
}

void CommandHandler::run(pb::Scope scope, const pb::Command &command, Done done, quint64 client)
{
    const Action *action = std::ranges::find(actions, command.action_case(), &Action::which);
    const bool known = action != std::end(actions);
    CommandInfo info;
    info.action = known ? action->name.toString() : u"unknown"_s;
    info.actor = QUuid::fromString(ProtoConvert::qtext(command.actor_id()));
    if (known)
        info.reason = ProtoConvert::qtext(action->reason(command)).left(500);
    const std::optional<ActorInfo> actor =
        info.actor.isNull() ? std::nullopt : m_system.registry().find(info.actor);
    if (actor)
        info.kind = actor->kind;

    auto refuse = [&](const char *code, const QString &message) { done(info, failed(code, message)); };
    if (!known)
        return refuse("bad_request", u"command without action"_s);
    if (action->needsOperate && scope != pb::SCOPE_OPERATE)
        return refuse("forbidden", u"%1 needs the operate scope; this token is read-only"_s.arg(info.action));
    if (info.actor.isNull())
        return refuse("bad_request", u"invalid actor id"_s);
    if (!actor)
        return refuse("not_found", u"no actor %1"_s.arg(info.actor.toString(QUuid::WithoutBraces)));
    action->run({m_system, m_receiver, command, *actor, m_assignsProvider,
                 [done = std::move(done), info](pb::CommandResult result) { done(info, std::move(result)); },
                 m_traces, m_histories, client});
}

} // namespace LiveActor
