#pragma once

#include "app/serveoptions.h"

namespace LiveActor {

/// `liveactor serve`: the composition root. Starts the embedded Python interpreter, loads the
/// app's routes, starts the actor system, the LiveView server and the control plane, logs the
/// actor tree, and runs the event loop until SIGTERM/SIGINT, then shuts down gracefully (stop
/// accepting, finish in-flight replies, close sockets, stop actors) and returns 0; a second
/// signal during that ends the process at once. Returns 1 (with a log line) when anything fails
/// to start. Main thread, with a QCoreApplication.
int runServeCommand(const ServeOptions &options);

} // namespace LiveActor
