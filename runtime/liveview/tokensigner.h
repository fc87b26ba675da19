#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>

#include <chrono>

namespace LiveActor {

/// Signs and verifies self-contained tokens: the `data-phx-session` value of a page.
///
/// Token = base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first part)). sign() adds an
/// "iat" claim (issued at, Unix seconds). verify() checks the MAC in constant time, then the age:
/// - ErrorCode::Parse: not two base64url parts, or the claims are not a JSON object;
/// - ErrorCode::InvalidArgument: the signature does not match (tampered, or another secret);
/// - ErrorCode::Timeout: older than maxAge (or issued more than 60 s in the future).
/// Because the token holds everything needed to mount (view path, params, csrf), a rejoin after a
/// server restart re-mounts statelessly — as long as the secret is the same (see SecretStore).
/// Immutable after construction; thread-safe. The secret must be non-empty (at least 32 bytes
/// recommended).
class TokenSigner
{
public:
    explicit TokenSigner(QByteArray secret);

    QByteArray sign(QJsonObject claims, const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    Result<QJsonObject> verify(const QByteArray &token, std::chrono::seconds maxAge,
                               const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    /// A signer for another purpose ("flash"): its key is HMAC-SHA256(secret, purpose), so a token
    /// signed for one purpose never verifies for another (as Phoenix's salts).
    TokenSigner derived(QByteArrayView purpose) const;

    /// A fresh random url-safe token (CSRF tokens, ids): `bytes` random bytes, base64url.
    static QByteArray randomToken(int bytes = 24);

private:
    QByteArray mac(const QByteArray &data) const;
    QByteArray m_secret;
};

} // namespace LiveActor
