#pragma once

#include "liveview/httpresponse.h"

#include <QJsonObject>

namespace LiveActor {

struct HttpRequest;
struct ServerState;

/// The dead render of a page (HTTP GET of a route): the route's view mounted through a
/// ViewRunner with no socket (isConnected() false; push_event, subscribe and timers do nothing),
/// rendered to HTML inside the full page — the view's layout (ViewHandler::pageLayout()) or the
/// server's own page, with the csrf meta tag, the container
/// `<div id="phx-…" data-phx-main data-phx-session="<signed token>">` and the client scripts
/// (pageshell.h). A redirect, live navigation or patch during mount/handle_params answers 302 to
/// its target; an unknown path 404; a failing view or layout 500 (the error is logged; shown on
/// the page only with ServerConfig::debugErrors).
/// Runs on the thread that serves HTTP; session is what the app's session provider returned.
HttpResponse renderPage(const ServerState &state, const HttpRequest &request, const QJsonObject &session);

} // namespace LiveActor
