#include "liveview/router.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

QStringList Router::split(const QString &path)
{
    return path.split(u'/', Qt::SkipEmptyParts);
}

Result<void> Router::addRoute(const QString &pattern, ViewFactory factory)
{
    if (!pattern.startsWith(u'/'))
        return fail(ErrorCode::InvalidArgument, u"route %1 must start with /"_s.arg(pattern));
    if (!factory)
        return fail(ErrorCode::InvalidArgument, u"route %1 has no view factory"_s.arg(pattern));
    const QStringList segments = split(pattern);
    for (const QString &s : segments)
        if (s == u":"_s)
            return fail(ErrorCode::InvalidArgument, u"route %1 has a parameter without a name"_s.arg(pattern));
    for (const Route &r : std::as_const(m_routes))
        if (r.segments == segments)
            return fail(ErrorCode::InvalidArgument, u"route %1 is already defined"_s.arg(pattern));
    m_routes.append({pattern, segments, std::move(factory)});
    return {};
}

std::optional<Router::Match> Router::match(const QString &path) const
{
    const QStringList segments = split(path);
    for (const Route &r : m_routes) {
        if (r.segments.size() != segments.size())
            continue;
        QJsonObject params;
        bool ok = true;
        for (qsizetype i = 0; i < segments.size() && ok; ++i) {
            const QString &p = r.segments.at(i);
            if (p.startsWith(u':'))
                params.insert(p.mid(1), segments.at(i));
            else
                ok = p == segments.at(i);
        }
        if (ok)
            return Match{r.pattern, params, r.factory};
    }
    return std::nullopt;
}

QStringList Router::patterns() const
{
    QStringList out;
    for (const Route &r : m_routes)
        out.append(r.pattern);
    return out;
}

} // namespace LiveActor
