#pragma once

#include <QStringList>

namespace LiveActor {

/// `liveactor ctl ACTION ID [options]`: one control-plane command from the command line.
///
/// args are the words after "ctl": ACTION is kill, restart, shutdown, ping or trace; ID the actor's
/// UUID. Options: --url ws://127.0.0.1:4001/ (default: from <state dir>/control.json, else that
/// URL), --token TOKEN (default: $LIVEACTOR_CONTROL_TOKEN, else the token file named in
/// control.json, else <state dir>/control_token), --state-dir DIR (default: $LIVEACTOR_STATE_DIR,
/// else .state), --reason TEXT (recorded in the audit log), --timeout-ms N (default 10000).
/// trace prints one line per traced message for --seconds N (default 10; --subtree: the
/// descendants too), then ends (closing the connection ends the trace in the runtime).
///
/// Prints "ok: <outcome>" to stdout, or "error: <what>" to stderr. Returns 0 on success, 1 when
/// the runtime refused or the command failed, 2 for a usage error, 3 when it could not connect
/// or authenticate. Needs a QCoreApplication; runs a local event loop until done (main thread).
/// quiet: print nothing of the outcome (`ctl --redis` asks each instance of a fleet with a ping).
int runCtlCommand(const QStringList &args, bool quiet = false);

} // namespace LiveActor
