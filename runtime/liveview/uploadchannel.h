#pragma once

#include "core/result.h"
#include "liveview/uploadfile.h"
#include "liveview/uploadtoken.h"

#include <QJsonObject>

#include <functional>
#include <memory>

namespace LiveActor {

/// The server side of one `lvu:<entry ref>` channel: a join with the entry's upload token, then
/// binary `chunk` pushes until the bytes received equal the size declared in preflight.
///
/// The session owns one per joined entry and drops it on cancel, `phx_leave`, view death or socket
/// close — which removes the temporary file (UploadEntryFile). No Qt event loop, no actor: the
/// session calls it from its own thread.
class UploadEntryChannel
{
public:
    struct Setup
    {
        const UploadTokenSigner *signer = nullptr;
        /// true if this session hosts a live view with this id (a token from another socket's view,
        /// or from a view that has died, is refused)
        std::function<bool(const QString &viewId)> hostsView;
        QString uploadDir;
        UploadBudget *budget = nullptr; ///< may be null: unbounded
    };

    /// Joins `topic` with the join payload's token:
    /// - ErrorCode::InvalidArgument: the topic is not `lvu:<entry ref of the token>`, the token is
    ///   forged, or its view is not hosted here;
    /// - ErrorCode::Timeout: the token expired; ErrorCode::Parse: no token;
    /// - ErrorCode::Full / ErrorCode::Io: from UploadEntryFile::create.
    static Result<std::unique_ptr<UploadEntryChannel>> join(const QString &topic, const QJsonObject &payload,
                                                            const Setup &setup);

    /// Appends one chunk; returns bytes received so far. Once an error was returned (too many
    /// bytes, disk failure) every later chunk fails too: the session replies with the error and
    /// leaves the channel.
    Result<qint64> chunk(QByteArrayView bytes);

    /// The error reply Phoenix sends for an entry over its size: `{reason, limit}`.
    QJsonObject sizeLimitReply() const;

    const UploadTokenClaims &claims() const { return m_claims; }
    /// The entry's file; only before takeFile().
    UploadEntryFile &file() { return *m_file; }
    bool complete() const { return !m_file || m_file->complete(); }
    /// Hands the complete file over (to its view); later chunks are refused.
    std::unique_ptr<UploadEntryFile> takeFile() { return std::move(m_file); }

private:
    UploadEntryChannel(UploadTokenClaims claims, std::unique_ptr<UploadEntryFile> file);

    UploadTokenClaims m_claims;
    std::unique_ptr<UploadEntryFile> m_file;
    bool m_failed = false;
};

} // namespace LiveActor
