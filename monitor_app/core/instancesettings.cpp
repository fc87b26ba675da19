#include "monitor_app/core/instancesettings.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <type_traits>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace {

const QString kKeyringService = u"liveactor-monitor"_s;
constexpr int kKeyringTimeoutMs = 3000;
InstanceSettings::TokenStore g_lastStore = InstanceSettings::TokenStore::File;

/// Runs one keyring job to completion (QtKeychain is asynchronous; settings are read and written
/// at start-up and on user actions, where a short wait is fine). True when the keyring answered.
/// The wait is bounded: libsecret answers through GLib's main loop, which a Qt event loop without
/// GLib (QT_NO_GLIB=1) never runs, and a locked keyring's prompt may never be answered.
template <typename Job, typename Prepare>
bool runKeyringJob(Prepare &&prepare, QString *textOut = nullptr)
{
    auto *job = new Job(kKeyringService); // deletes itself when finished, even after a timeout
    job->setInsecureFallback(false);      // a plain-text fallback is exactly what the keyring avoids
    prepare(*job);
    QEventLoop loop;
    bool ok = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job *done) {
        ok = done->error() == QKeychain::NoError;
        if constexpr (std::is_same_v<Job, QKeychain::ReadPasswordJob>)
            if (ok && textOut)
                *textOut = static_cast<QKeychain::ReadPasswordJob *>(done)->textData();
        loop.quit();
    });
    QTimer::singleShot(kKeyringTimeoutMs, &loop, &QEventLoop::quit);
    job->start();
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    return ok;
}

bool writeToKeyring(const QUrl &url, const QString &token)
{
    return runKeyringJob<QKeychain::WritePasswordJob>([&](QKeychain::WritePasswordJob &job) {
        job.setKey(url.toString());
        job.setTextData(token);
    });
}

QString readFromKeyring(const QUrl &url)
{
    QString token;
    runKeyringJob<QKeychain::ReadPasswordJob>([&](QKeychain::Job &job) { job.setKey(url.toString()); }, &token);
    return token;
}

void deleteFromKeyring(const QUrl &url)
{
    runKeyringJob<QKeychain::DeletePasswordJob>([&](QKeychain::Job &job) { job.setKey(url.toString()); });
}

} // namespace

QList<SavedInstance> InstanceSettings::load()
{
    QSettings settings(u"liveactor"_s, u"liveactor-monitor"_s);
    QList<SavedInstance> out;
    const int n = settings.beginReadArray(u"instances"_s);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        SavedInstance s{QUrl(settings.value(u"url"_s).toString()), settings.value(u"token"_s).toString()};
        if (settings.value(u"token_in_keyring"_s).toBool())
            s.token = readFromKeyring(s.url); // empty if the keyring is gone: the instance refuses, the user re-enters it
        if (s.url.isValid())
            out.append(s);
    }
    settings.endArray();
    return out;
}

void InstanceSettings::save(const QList<SavedInstance> &instances)
{
    QSettings settings(u"liveactor"_s, u"liveactor-monitor"_s);
    // Tokens that fall back to the file make it secret: readable by its owner only. Created 0600
    // before the first write (QSettings' atomic rewrite keeps an existing file's permissions),
    // and set again after.
    constexpr auto ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
    const QString file = settings.fileName();
    if (!QFile::exists(file)) {
        QDir().mkpath(QFileInfo(file).path());
        QFile create(file);
        if (create.open(QIODevice::WriteOnly))
            create.setPermissions(ownerOnly);
    }
    bool allInKeyring = true;
    settings.beginWriteArray(u"instances"_s, int(instances.size()));
    for (int i = 0; i < instances.size(); ++i) {
        const SavedInstance &instance = instances[i];
        settings.setArrayIndex(i);
        settings.setValue(u"url"_s, instance.url.toString());
        const bool inKeyring = !instance.token.isEmpty() && writeToKeyring(instance.url, instance.token);
        allInKeyring = allInKeyring && (inKeyring || instance.token.isEmpty());
        settings.setValue(u"token_in_keyring"_s, inKeyring);
        if (inKeyring)
            settings.remove(u"token"_s);
        else
            settings.setValue(u"token"_s, instance.token);
    }
    settings.endArray();
    settings.sync();
    QFile::setPermissions(file, ownerOnly);
    g_lastStore = allInKeyring ? TokenStore::Keyring : TokenStore::File;
}

void InstanceSettings::remember(const SavedInstance &instance)
{
    QList<SavedInstance> all = load();
    bool found = false;
    for (SavedInstance &s : all) {
        if (s.url == instance.url) {
            s.token = instance.token;
            found = true;
        }
    }
    if (!found)
        all.append(instance);
    save(all);
}

void InstanceSettings::forget(const QUrl &url)
{
    QList<SavedInstance> all = load();
    all.removeIf([&](const SavedInstance &s) { return s.url == url; });
    deleteFromKeyring(url);
    save(all);
}

InstanceSettings::TokenStore InstanceSettings::lastTokenStore()
{
    return g_lastStore;
}

} // namespace LiveActor::Monitor
