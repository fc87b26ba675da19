#pragma once

#include <QStringList>

namespace LiveActor {

/// `liveactor ctl --redis URL …`: the control commands for a fleet (instances registered in
/// Redis by `serve --redis`, runtime/cluster/fleetregistry.h).
///
/// - `ctl --redis URL fleet`: prints the instances as a table (0; 3 when Redis cannot be reached).
/// - `ctl --redis URL ACTION ID [ctl options]`: finds the instance that owns actor ID (a ping to
///   each instance's control plane in turn) and runs ACTION there as `ctl --url` would; 1 when no
///   instance has it. The instances share one control token (--token, $LIVEACTOR_CONTROL_TOKEN
///   or the token file, as for a single instance).
/// args are the words after "ctl" and contain --redis. Needs a QCoreApplication (main thread).
int runFleetCtlCommand(const QStringList &args);

} // namespace LiveActor
