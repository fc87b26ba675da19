#pragma once

// Private helpers shared by the template sources: Python-compatible formatting, HTML escaping,
// and a JSON reader/writer that keeps object key order (QJsonObject sorts keys).

#include "template/escaping.h"
#include "template/value.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace LiveActor::TemplateDetail {

/// Python repr(float): "1.0", "0.1", "1e+16", "inf".
QByteArray pyFloatRepr(double d);
/// Python repr(str): 'abc' or "it's".
QString pyStringRepr(const QString &s);

/// Django's escape(): & < > " ' → entities.
QString htmlEscape(const QString &s);

/// Writes a Value as JSON. pythonStyle: json.dumps defaults (", ", ": ", ensure_ascii).
void writeJsonValue(QByteArray &out, const Value &v, bool pythonStyle);
/// Parses JSON keeping key order; nullopt and *error on failure.
std::optional<Value> parseJson(const QByteArray &json, QString *error);

} // namespace LiveActor::TemplateDetail
