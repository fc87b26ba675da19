#pragma once

// Private: Python-compatible repr() formatting, shared by values, filters and the JSON writer.

#include <QByteArray>
#include <QString>

namespace LiveActor::TemplateDetail {

/// Python repr(float): "1.0", "0.1", "1e+16", "inf".
QByteArray pyFloatRepr(double d);
/// Python repr(str): 'abc' or "it's".
QString pyStringRepr(const QString &s);

} // namespace LiveActor::TemplateDetail
