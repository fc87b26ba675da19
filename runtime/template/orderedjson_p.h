#pragma once

// Private: a JSON writer and reader for Values that keep object key order (QJsonObject sorts keys).

#include "template/value.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace LiveActor::TemplateDetail {

/// Writes a Value as JSON. pythonStyle: json.dumps defaults (", ", ": ", ensure_ascii).
void writeJsonValue(QByteArray &out, const Value &v, bool pythonStyle);
/// Parses JSON keeping key order; nullopt and *error on failure.
std::optional<Value> parseJson(const QByteArray &json, QString *error);

} // namespace LiveActor::TemplateDetail
