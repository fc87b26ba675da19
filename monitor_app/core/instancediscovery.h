#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace LiveActor::Monitor {

/// A runtime found on this machine through its state directory's control.json.
struct DiscoveredInstance
{
    QString name;
    QUrl url;
    QString token;        ///< operate token (read from token_file), empty if unreadable
    QString stateDir;
    qint64 pid = 0;
    bool running = false; ///< the pid exists (Linux: /proc/<pid>)
};

/// Finds local runtimes: reads <dir>/control.json (written by the runtime's ControlServer) and
/// the token file it names, for each directory given. Stateless; any thread.
class InstanceDiscovery
{
public:
    /// The directories searched by default: $LIVEACTOR_STATE_DIR (colon-separated), ./.state,
    /// and the .state folders of the current directory's immediate subdirectories.
    static QStringList defaultStateDirs();
    /// Instances found in dirs; missing or unreadable files are skipped. Only running ones
    /// unless includeStale.
    static QList<DiscoveredInstance> scan(const QStringList &dirs, bool includeStale = false);
    /// The operate token for url if a local instance with that URL is found, else "".
    static QString tokenFor(const QUrl &url, const QStringList &dirs);
};

} // namespace LiveActor::Monitor
