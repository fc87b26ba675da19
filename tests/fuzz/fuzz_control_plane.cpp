// The control plane's decoding of a client frame, as ControlServer::onBinary does it: one
// binary WebSocket message is a liveactor.monitor.v1.ClientMessage (the framing is QtWebSockets').
// A command is then checked by CommandHandler against a live ActorSystem and audited; an
// audit line must stay one line whatever the client sent. The same bytes are also decoded as a
// ServerMessage, what `liveactor ctl` and the monitor read from a runtime.

#include "fuzzsupport.h"

#include "core/actorsystem.h"
#include "telemetry/auditlog.h"
#include "telemetry/commandhandler.h"
#include "telemetry/protoconvert.h"

using namespace LiveActor;
using namespace Qt::StringLiterals;
namespace pb = liveactor::monitor::v1;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::silenceQtLogging();
    Fuzz::ensureApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ActorSystem *system = new ActorSystem;
    static QObject receiver;
    static CommandHandler commands(*system, &receiver);
    static AuditLog audit{QString()};

    pb::ServerMessage fromRuntime;
    (void)fromRuntime.ParseFromArray(data, int(size));

    pb::ClientMessage msg;
    if (!msg.ParseFromArray(data, int(size)) || msg.body_case() == pb::ClientMessage::BODY_NOT_SET)
        return 0;
    const QString who = msg.has_auth() ? ProtoConvert::qtext(msg.auth().client_name()).left(200) : u"fuzz"_s;
    if (msg.has_auth())
        AuditLog::authRefused(who);
    if (!msg.has_command())
        return 0;
    const pb::Scope scope = msg.request_id() % 2 ? pb::SCOPE_OPERATE : pb::SCOPE_READ_ONLY;
    bool answered = false;
    commands.run(scope, msg.command(), [&](const CommandInfo &command, pb::CommandResult result) {
        answered = true;
        pb::Audit entry;
        const QString line = audit.record(who, scope, command, result.ok(),
                                          ProtoConvert::qtext(result.message()), &entry);
        Fuzz::require(!line.contains(u'\n') && !line.contains(u'\r'), "an audit line is one line");
    });
    // No actor has an id the fuzzer can guess, so every command is refused at once.
    Fuzz::require(answered, "a refused command is answered at once");
    return 0;
}
