#pragma once

// Private: Python-compatible repr() formatting, shared by values, filters and the JSON writer.

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace LiveActor::TemplateDetail {

/// Python repr(float): "1.0", "0.1", "1e+16", "inf".
QByteArray pyFloatRepr(double d);
/// Python repr(str): 'abc' or "it's".
QString pyStringRepr(const QString &s);

/// A Python datetime with a tzinfo: any QDateTime whose spec is not Qt::LocalTime. Naive ones are
/// local times; Python refuses to compare or subtract a naive and an aware one.
bool isAware(const QDateTime &dt);
/// datetime.isoformat(sep) (str() with sep ' '): microseconds when non-zero, "+05:30" when aware.
QString isoFormat(const QDateTime &dt, QChar separator);
/// The UTC offset as "+0530" (strftime's %z, Django's O) or "+05:30" (isoformat).
QString pyUtcOffset(const QDateTime &dt, bool colon);

} // namespace LiveActor::TemplateDetail
