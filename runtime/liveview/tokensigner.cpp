#include "liveview/tokensigner.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {
constexpr auto b64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}
} // namespace

TokenSigner::TokenSigner(QByteArray secret) : m_secret(std::move(secret))
{
    Q_ASSERT(!m_secret.isEmpty());
}

QByteArray TokenSigner::mac(const QByteArray &data) const
{
    return QMessageAuthenticationCode::hash(data, m_secret, QCryptographicHash::Sha256);
}

TokenSigner TokenSigner::derived(QByteArrayView purpose) const
{
    return TokenSigner(mac(purpose.toByteArray()));
}

QByteArray TokenSigner::sign(QJsonObject claims, const QDateTime &now) const
{
    claims.insert(u"iat"_s, now.toSecsSinceEpoch());
    const QByteArray body = QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(b64);
    return body + '.' + mac(body).toBase64(b64);
}

Result<QJsonObject> TokenSigner::verify(const QByteArray &token, std::chrono::seconds maxAge,
                                        const QDateTime &now) const
{
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0 || dot == token.size() - 1 || token.indexOf('.', dot + 1) >= 0)
        return fail(ErrorCode::Parse, u"token is not of the form claims.signature"_s);
    const QByteArray body = token.left(dot);
    auto sig = QByteArray::fromBase64Encoding(token.mid(dot + 1), QByteArray::Base64UrlEncoding
                                                  | QByteArray::AbortOnBase64DecodingErrors);
    if (!sig)
        return fail(ErrorCode::Parse, u"token signature is not base64url"_s);
    if (!constantTimeEquals(*sig, mac(body)))
        return fail(ErrorCode::InvalidArgument, u"token signature does not match"_s);
    auto json = QByteArray::fromBase64Encoding(body, QByteArray::Base64UrlEncoding
                                                   | QByteArray::AbortOnBase64DecodingErrors);
    if (!json)
        return fail(ErrorCode::Parse, u"token claims are not base64url"_s);
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(*json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return fail(ErrorCode::Parse, u"token claims are not a JSON object"_s);
    const QJsonObject claims = doc.object();
    const qint64 iat = claims.value(u"iat").toInteger(-1);
    const qint64 nowS = now.toSecsSinceEpoch();
    if (iat < 0)
        return fail(ErrorCode::Parse, u"token has no issued-at time"_s);
    if (iat > nowS + 60)
        return fail(ErrorCode::Timeout, u"token is issued in the future"_s);
    if (nowS - iat > maxAge.count())
        return fail(ErrorCode::Timeout, u"token expired %1 s ago"_s.arg(nowS - iat - maxAge.count()));
    return claims;
}

QByteArray TokenSigner::randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(raw.begin(), raw.end());
    return raw.toBase64(b64);
}

} // namespace LiveActor
