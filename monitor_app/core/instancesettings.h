#pragma once

#include <QList>
#include <QString>
#include <QUrl>

namespace LiveActor::Monitor {

/// One remembered connection.
struct SavedInstance
{
    QUrl url;
    QString token;
};

/// The monitor's remembered instances (URL and token) in QSettings, organisation "liveactor",
/// application "liveactor-monitor" unless the QSettings defaults say otherwise. GUI thread.
class InstanceSettings
{
public:
    static QList<SavedInstance> load();
    static void save(const QList<SavedInstance> &instances);
    /// Adds or updates (same URL) one instance.
    static void remember(const SavedInstance &instance);
    static void forget(const QUrl &url);
};

} // namespace LiveActor::Monitor
