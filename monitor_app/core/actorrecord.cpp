#include "monitor_app/core/actorrecord.h"

namespace LiveActor::Monitor {

QString ActorRecord::viewOrPath() const
{
    const QString path = metadata.value(QStringLiteral("path"));
    if (!path.isEmpty())
        return path;
    const QString route = metadata.value(QStringLiteral("route"));
    if (!route.isEmpty())
        return route;
    const QString peer = metadata.value(QStringLiteral("peer"));
    if (!peer.isEmpty())
        return peer;
    return name;
}

ActorRecord::Level ActorRecord::fillLevel(double fill)
{
    return fill >= 0.8 ? Level::AtLimit : fill >= 0.5 ? Level::Near : Level::Ok;
}

double ActorRecord::budgetFill(qint64 nowMs) const
{
    if (intensity <= 0)
        return hasBudget() ? 1.0 : 0.0;
    return qBound(0.0, double(budgetUsed(nowMs)) / double(intensity), 1.0);
}

ActorRecord::Level ActorRecord::budgetLevel(qint64 nowMs) const
{
    const int used = budgetUsed(nowMs);
    if (!hasBudget())
        return Level::Ok;
    if (used >= intensity)
        return Level::AtLimit;
    if (used > 0 && (used + 1 >= intensity || budgetFill(nowMs) >= 0.5))
        return Level::Near;
    return Level::Ok;
}

static QString formatPeriod(qint64 ms)
{
    return ms % 1000 == 0 ? QStringLiteral("%1 s").arg(ms / 1000) : QStringLiteral("%1 ms").arg(ms);
}

QString ActorRecord::budgetText(qint64 nowMs) const
{
    if (!hasBudget())
        return {};
    return QStringLiteral("%1/%2 in %3").arg(budgetUsed(nowMs)).arg(intensity).arg(formatPeriod(periodMs));
}

QString ActorRecord::budgetDescription(qint64 nowMs) const
{
    if (!hasBudget())
        return {};
    const int used = budgetUsed(nowMs);
    const bool session = strategy == QLatin1String("session");
    QString text = session
        ? QStringLiteral("view restarts: %1 of %2 used").arg(used).arg(intensity)
        : QStringLiteral("%1, restarts: %2 of %3 used").arg(strategy).arg(used).arg(intensity);
    if (used > 0)
        text += QStringLiteral(", whole again in %1 without a restart").arg(formatPeriod(windowEndsAtMs - nowMs));
    text += QStringLiteral(" (a burst ends %1 after its last restart); ").arg(formatPeriod(periodMs));
    text += session ? QStringLiteral("one more than %1 ends the session").arg(intensity)
                    : QStringLiteral("one more than %1 escalates to the parent").arg(intensity);
    return text;
}

} // namespace LiveActor::Monitor
