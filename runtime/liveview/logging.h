#pragma once

#include <QLoggingCategory>

namespace LiveActor {

/// Log categories of the LiveView server: "liveactor.liveview" (sessions, views, protocol
/// errors) and "liveactor.http" (requests). Enable debug output with
/// QT_LOGGING_RULES="liveactor.*.debug=true". LogFormat installs the structured (JSON) output.
Q_DECLARE_LOGGING_CATEGORY(lcLiveView)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)

} // namespace LiveActor
