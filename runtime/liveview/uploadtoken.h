#pragma once

#include "core/result.h"
#include "liveview/tokensigner.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <chrono>

namespace LiveActor {

/// What an upload entry token is bound to: the `lvu:<entryRef>` channel join carries it, and the
/// server accepts chunks only for this view, this `allow_upload` config and this entry.
struct UploadTokenClaims
{
    QString viewId;    ///< the LiveView's id (the `phx-…` of its `lv:` topic)
    QString configRef; ///< the ref of the allow_upload config (`data-phx-upload-ref`)
    QString entryRef;  ///< the entry's ref within that config
    qint64 maxSize = 0; ///< the size the client declared in preflight; more bytes are an error
    int cid = -1;       ///< the component owning the upload, -1 for the view itself
};

/// Signs and verifies per-entry upload tokens. Its key is derived from the server secret with the
/// purpose "upload", so neither a session nor a flash token passes as an upload token (nor the other
/// way round). Tokens expire after `maxAge` (an abandoned preflight cannot be used hours later).
/// Immutable; thread-safe.
class UploadTokenSigner
{
public:
    UploadTokenSigner(const TokenSigner &serverSigner, std::chrono::seconds maxAge);

    QByteArray sign(const UploadTokenClaims &claims, const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    /// The claims of a token that is genuine, unexpired and issued to `viewId`:
    /// - ErrorCode::Parse: not a token, or a claim is missing;
    /// - ErrorCode::InvalidArgument: forged / signed with another key, or issued to another view;
    /// - ErrorCode::Timeout: expired.
    Result<UploadTokenClaims> verify(const QByteArray &token, const QString &viewId,
                                     const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    /// As verify(), for a caller that checks the view itself (an `lvu:` join names no view: the
    /// session looks the token's view up among the views it hosts).
    Result<UploadTokenClaims> verifyAnyView(const QByteArray &token,
                                            const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

private:
    TokenSigner m_signer;
    std::chrono::seconds m_maxAge;
};

} // namespace LiveActor
