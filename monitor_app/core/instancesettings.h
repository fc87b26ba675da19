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

/// The monitor's remembered instances in QSettings, organisation "liveactor", application
/// "liveactor-monitor" unless the QSettings defaults say otherwise. Operate tokens go to the
/// system keyring (QtKeychain: Secret Service, KWallet) when one answers, and the settings file
/// records only that the token is there; without a keyring they stay in the file, which is made
/// readable by its owner only (0600). GUI thread (the keyring calls wait in a local event loop).
class InstanceSettings
{
public:
    enum class TokenStore { Keyring, File };
    static QList<SavedInstance> load();
    static void save(const QList<SavedInstance> &instances);
    /// Adds or updates (same URL) one instance.
    static void remember(const SavedInstance &instance);
    static void forget(const QUrl &url);
    /// Where the last save() put the tokens (Keyring if every token went there).
    static TokenStore lastTokenStore();
};

} // namespace LiveActor::Monitor
