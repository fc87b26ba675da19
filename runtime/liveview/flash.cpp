#include "liveview/flash.h"

#include "liveview/logging.h"

using namespace Qt::StringLiterals;

namespace LiveActor::Flash {

QByteArray sign(const TokenSigner &flashSigner, const QJsonObject &flash)
{
    if (flash.isEmpty())
        return {};
    return flashSigner.sign({{u"flash"_s, flash}});
}

QJsonObject verify(const TokenSigner &flashSigner, const QByteArray &token)
{
    if (token.isEmpty())
        return {};
    auto claims = flashSigner.verify(token, kMaxAge);
    if (!claims) {
        qCInfo(lcLiveView).noquote() << "flash token ignored:" << claims.error().message;
        return {};
    }
    return claims->value(u"flash").toObject();
}

QByteArray fromCookieHeader(const QByteArray &cookieHeader)
{
    const QByteArray name = QByteArray(kCookie) + '=';
    for (const QByteArray &part : cookieHeader.split(';')) {
        const QByteArray pair = part.trimmed();
        if (pair.startsWith(name))
            return pair.mid(name.size());
    }
    return {};
}

QByteArray setCookie(const QByteArray &token)
{
    return QByteArray(kCookie) + '=' + token + "; Max-Age=" + QByteArray::number(kMaxAge.count())
         + "; Path=/; SameSite=Lax; HttpOnly";
}

QByteArray deleteCookie()
{
    return QByteArray(kCookie) + "=; Max-Age=0; Path=/; SameSite=Lax";
}

} // namespace LiveActor::Flash
