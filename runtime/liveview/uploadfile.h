#pragma once

#include "core/result.h"

#include <QByteArrayView>
#include <QString>
#include <QTemporaryFile>

#include <atomic>
#include <memory>

namespace LiveActor {

/// The server-wide bound on upload bytes in flight: every open entry reserves its declared size
/// until its file is consumed, cancelled or dropped. A preflight that does not fit is refused, so
/// many concurrent uploads cannot fill the disk. Thread-safe (sessions run on any worker).
class UploadBudget
{
public:
    explicit UploadBudget(qint64 maxBytes) : m_max(maxBytes) {}

    /// Reserves `bytes` for one entry if they fit under the bound; false (and nothing reserved)
    /// otherwise.
    bool tryReserve(qint64 bytes);
    /// Gives back one entry's reservation.
    void release(qint64 bytes)
    {
        m_inFlight.fetch_sub(bytes, std::memory_order_relaxed);
        m_entries.fetch_sub(1, std::memory_order_relaxed);
    }
    qint64 inFlight() const { return m_inFlight.load(std::memory_order_relaxed); }
    /// Entries holding a reservation: those with a temporary file (the uploads-in-flight gauge).
    int entries() const { return m_entries.load(std::memory_order_relaxed); }
    qint64 maxBytes() const { return m_max; }

private:
    const qint64 m_max;
    std::atomic<qint64> m_inFlight{0};
    std::atomic<int> m_entries{0};
};

/// The temporary file of one upload entry, under the upload dir.
///
/// The name is generated here (`lvupload-XXXXXX.part`), never taken from the client, so no client
/// input can place a file outside the upload dir. Chunks are appended as they arrive and never
/// held in memory; a chunk that would pass the declared size is refused before anything is
/// written. The file is removed when this object dies unless it was consumed and moved away —
/// so cancel, view death and socket close all clean up by dropping the object.
class UploadEntryFile
{
public:
    /// Prefix of every temp file name; removeLeftoverUploads() deletes files with it at start-up.
    static constexpr QLatin1StringView FilePrefix{"lvupload-"};

    /// Creates the file and reserves `declaredSize` in `budget` (may be null: unbounded).
    /// - ErrorCode::Full: the budget has no room for this entry;
    /// - ErrorCode::Io: the upload dir cannot be created or the file cannot be opened.
    static Result<std::unique_ptr<UploadEntryFile>> create(const QString &uploadDir, qint64 declaredSize,
                                                           UploadBudget *budget);
    ~UploadEntryFile();
    UploadEntryFile(const UploadEntryFile &) = delete;
    UploadEntryFile &operator=(const UploadEntryFile &) = delete;

    /// Appends one chunk and returns the bytes received so far.
    /// - ErrorCode::InvalidArgument ("file_size_limit_exceeded"): more bytes than declared (the chunk
    ///   is not written), or the entry is already complete;
    /// - ErrorCode::Io: the disk write failed.
    Result<qint64> append(QByteArrayView chunk);

    qint64 received() const { return m_received; }
    qint64 declaredSize() const { return m_declared; }
    bool complete() const { return m_received == m_declared; }
    /// progress in percent, as the client reports it (0-100)
    int progress() const { return m_declared ? int(m_received * 100 / m_declared) : 100; }
    QString path() const { return m_file.fileName(); }

    /// Flushes and closes the file so a consumer may read or move it; the file is still removed
    /// when this object dies if it is still at path().
    Result<void> finish();

private:
    UploadEntryFile(qint64 declaredSize, UploadBudget *budget);

    QTemporaryFile m_file;
    qint64 m_declared = 0;
    qint64 m_received = 0;
    UploadBudget *m_budget = nullptr;
};

/// Deletes the temporary files a previous process left in `uploadDir` (it crashed or was killed
/// mid-upload). Call once at start-up, before any upload starts. Returns how many were removed.
int removeLeftoverUploads(const QString &uploadDir);

} // namespace LiveActor
