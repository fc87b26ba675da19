#pragma once

#include <QStringList>

namespace LiveActor {

/// `liveactor render TEMPLATE_FILE --context CONTEXT.json [--tree]`.
///
/// args are the arguments after the word "render" (a leading "render" is skipped too). Renders
/// TEMPLATE_FILE (its directory is the template directory for include/extends) with the JSON
/// object in CONTEXT.json as assigns (no --context: empty context) and prints the HTML to stdout,
/// or with --tree the LiveView rendered tree as JSON. Errors (usage, unreadable files, bad JSON,
/// template errors with "file:line:column: message") go to stderr. Returns the process exit code:
/// 0 success, 1 template or input error, 2 usage error. Call it from the main thread.
int runRenderCommand(const QStringList &args);

} // namespace LiveActor
