#include "liveview/uploadfile.h"

#include <QDir>
#include <QFile>

using namespace Qt::StringLiterals;

namespace LiveActor {

bool UploadBudget::tryReserve(qint64 bytes)
{
    qint64 current = m_inFlight.load(std::memory_order_relaxed);
    do {
        if (bytes < 0 || current + bytes > m_max)
            return false;
    } while (!m_inFlight.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
    m_entries.fetch_add(1, std::memory_order_relaxed);
    return true;
}

UploadEntryFile::UploadEntryFile(qint64 declaredSize, UploadBudget *budget)
    : m_declared(declaredSize)
    , m_budget(budget)
{
}

UploadEntryFile::~UploadEntryFile()
{
    // QTemporaryFile removes the file (if it is still at its path: a consumer may have moved it).
    if (m_budget)
        m_budget->release(m_declared);
}

Result<std::unique_ptr<UploadEntryFile>> UploadEntryFile::create(const QString &uploadDir, qint64 declaredSize,
                                                                 UploadBudget *budget)
{
    if (declaredSize < 0)
        return fail(ErrorCode::InvalidArgument, u"negative upload size %1"_s.arg(declaredSize));
    if (!QDir().mkpath(uploadDir))
        return fail(ErrorCode::Io, u"cannot create the upload dir %1"_s.arg(uploadDir));
    if (budget && !budget->tryReserve(declaredSize))
        return fail(ErrorCode::Full, u"%1 upload bytes would pass the in-flight bound of %2"_s
                                         .arg(budget->inFlight() + declaredSize)
                                         .arg(budget->maxBytes()));
    // Constructed after the reservation: from here on the destructor releases it.
    std::unique_ptr<UploadEntryFile> entry(new UploadEntryFile(declaredSize, budget));
    entry->m_file.setFileTemplate(QDir(uploadDir).filePath(FilePrefix + u"XXXXXX.part"_s));
    if (!entry->m_file.open())
        return fail(ErrorCode::Io, u"cannot create an upload file in %1: %2"_s.arg(uploadDir, entry->m_file.errorString()));
    return entry;
}

Result<qint64> UploadEntryFile::append(QByteArrayView chunk)
{
    if (chunk.size() > m_declared - m_received)
        return fail(ErrorCode::InvalidArgument,
                    u"file_size_limit_exceeded: %1 bytes after %2 of %3 declared"_s.arg(chunk.size()).arg(m_received).arg(m_declared));
    if (!m_file.isOpen())
        return fail(ErrorCode::InvalidArgument, u"the upload file is already finished"_s);
    if (m_file.write(chunk.data(), chunk.size()) != chunk.size())
        return fail(ErrorCode::Io, u"writing %1: %2"_s.arg(path(), m_file.errorString()));
    m_received += chunk.size();
    return m_received;
}

Result<void> UploadEntryFile::finish()
{
    if (!m_file.isOpen())
        return {};
    const bool flushed = m_file.flush();
    m_file.close();
    if (!flushed)
        return fail(ErrorCode::Io, u"flushing %1: %2"_s.arg(path(), m_file.errorString()));
    return {};
}

int removeLeftoverUploads(const QString &uploadDir)
{
    QDir dir(uploadDir);
    int removed = 0;
    const QStringList names = dir.entryList({UploadEntryFile::FilePrefix + u"*.part"_s}, QDir::Files | QDir::Hidden);
    for (const QString &name : names)
        removed += QFile::remove(dir.filePath(name)) ? 1 : 0;
    return removed;
}

} // namespace LiveActor
