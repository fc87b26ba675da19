#include "liveview/secretstore.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace LiveActor {

Result<QByteArray> SecretStore::resolve(const QByteArray &configured, const QString &stateDir)
{
    auto checked = [](QByteArray s, const QString &from) -> Result<QByteArray> {
        s = s.trimmed();
        if (s.size() < 16)
            return fail(ErrorCode::InvalidArgument, u"the secret from %1 is shorter than 16 bytes"_s.arg(from));
        return s;
    };
    if (!configured.isEmpty())
        return checked(configured, u"the configuration"_s);
    const QByteArray env = qgetenv("LIVEACTOR_SECRET_KEY");
    if (!env.isEmpty())
        return checked(env, u"LIVEACTOR_SECRET_KEY"_s);

    if (stateDir.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"no secret configured and no state directory to keep one in"_s);
    QDir dir(stateDir);
    if (!dir.exists()) {
        if (!QDir().mkpath(stateDir))
            return fail(ErrorCode::Io, u"cannot create state directory %1"_s.arg(stateDir));
        QFile::setPermissions(stateDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    const QString path = dir.filePath(u"secret_key"_s);
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly))
            return fail(ErrorCode::Io, u"cannot read %1: %2"_s.arg(path, existing.errorString()));
        return checked(existing.readAll(), path);
    }
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(raw.begin(), raw.end());
    const QByteArray secret = raw.toHex();
    QSaveFile file(path);
    // Restrict before any secret byte is written.
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::Io, u"cannot create %1: %2"_s.arg(path, file.errorString()));
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(secret + '\n');
    if (!file.commit())
        return fail(ErrorCode::Io, u"cannot write %1: %2"_s.arg(path, file.errorString()));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return secret;
}

} // namespace LiveActor
