#include "monitor_app/core/instancediscovery.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

QStringList InstanceDiscovery::defaultStateDirs()
{
    QStringList dirs;
    const QString env = qEnvironmentVariable("LIVEACTOR_STATE_DIR");
    if (!env.isEmpty())
        dirs += env.split(u':', Qt::SkipEmptyParts);
    dirs += QDir::current().absoluteFilePath(u".state"_s);
    const QFileInfoList subdirs = QDir::current().entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &sub : subdirs) {
        const QString candidate = QDir(sub.absoluteFilePath()).absoluteFilePath(u".state"_s);
        if (QFileInfo::exists(candidate))
            dirs += candidate;
    }
    dirs.removeDuplicates();
    return dirs;
}

QList<DiscoveredInstance> InstanceDiscovery::scan(const QStringList &dirs, bool includeStale)
{
    QList<DiscoveredInstance> found;
    for (const QString &dir : dirs) {
        QFile file(QDir(dir).absoluteFilePath(u"control.json"_s));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
        DiscoveredInstance instance;
        instance.name = o.value(u"name"_s).toString();
        instance.url = QUrl(o.value(u"url"_s).toString());
        instance.pid = o.value(u"pid"_s).toInteger();
        instance.stateDir = QDir(dir).absolutePath();
        instance.running = instance.pid > 0 && QFileInfo::exists(u"/proc/%1"_s.arg(instance.pid));
        if (!instance.url.isValid() || (!instance.running && !includeStale))
            continue;
        QFile token(o.value(u"token_file"_s).toString(QDir(dir).absoluteFilePath(u"control_token"_s)));
        if (token.open(QIODevice::ReadOnly))
            instance.token = QString::fromUtf8(token.readAll()).trimmed();
        found.append(instance);
    }
    return found;
}

QString InstanceDiscovery::tokenFor(const QUrl &url, const QStringList &dirs)
{
    const QList<DiscoveredInstance> found = scan(dirs);
    for (const DiscoveredInstance &instance : found)
        if (instance.url.host() == url.host() && instance.url.port() == url.port())
            return instance.token;
    return {};
}

} // namespace LiveActor::Monitor
