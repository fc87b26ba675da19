#include "telemetry/tokenstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace LiveActor {

QString TokenStore::generate()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QString::fromLatin1(bytes.toHex());
}

Result<void> TokenStore::writePrivateFile(const QString &path, const QByteArray &text)
{
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir(dir).exists()) {
        if (!QDir().mkpath(dir))
            return fail(ErrorCode::Io, u"cannot create directory %1"_s.arg(dir));
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    // open(2) with mode 0600 so the token is never readable by others, not even briefly; an
    // existing file keeps its inode, so fchmod it too.
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(ErrorCode::Io, u"cannot write %1"_s.arg(path));
    ::fchmod(fd, 0600);
    QByteArray data = text;
    data.append('\n');
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n <= 0) {
            ::close(fd);
            return fail(ErrorCode::Io, u"cannot write %1"_s.arg(path));
        }
        done += n;
    }
    ::close(fd);
    return {};
}

Result<QString> TokenStore::readTokenFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, u"cannot read %1"_s.arg(path));
    const QString token = QString::fromUtf8(file.readAll()).trimmed();
    if (token.isEmpty())
        return fail(ErrorCode::Io, u"%1 is empty"_s.arg(path));
    return token;
}

bool TokenStore::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    volatile unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff = diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
    return diff == 0;
}

} // namespace LiveActor
