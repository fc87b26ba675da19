#include "monitor_app/core/instancesettings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

QList<SavedInstance> InstanceSettings::load()
{
    QSettings settings(u"liveactor"_s, u"liveactor-monitor"_s);
    QList<SavedInstance> out;
    const int n = settings.beginReadArray(u"instances"_s);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        SavedInstance s{QUrl(settings.value(u"url"_s).toString()), settings.value(u"token"_s).toString()};
        if (s.url.isValid())
            out.append(s);
    }
    settings.endArray();
    return out;
}

void InstanceSettings::save(const QList<SavedInstance> &instances)
{
    QSettings settings(u"liveactor"_s, u"liveactor-monitor"_s);
    // The file holds operate tokens: readable by its owner only. Created 0600 before the first
    // write (QSettings' atomic rewrite keeps an existing file's permissions), and set again after.
    constexpr auto ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
    const QString file = settings.fileName();
    if (!QFile::exists(file)) {
        QDir().mkpath(QFileInfo(file).path());
        QFile create(file);
        if (create.open(QIODevice::WriteOnly))
            create.setPermissions(ownerOnly);
    }
    settings.beginWriteArray(u"instances"_s, int(instances.size()));
    for (int i = 0; i < instances.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(u"url"_s, instances[i].url.toString());
        settings.setValue(u"token"_s, instances[i].token);
    }
    settings.endArray();
    settings.sync();
    QFile::setPermissions(file, ownerOnly);
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
    save(all);
}

} // namespace LiveActor::Monitor
