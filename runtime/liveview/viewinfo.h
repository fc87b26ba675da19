#pragma once

#include <QString>
#include <QVariant>

namespace LiveActor {

/// An info message for a view (Phoenix's handle_info): a pub/sub broadcast or a send_after timer.
/// name is the pub/sub topic or the timer's name; payload is anything the sender put there
/// (QJsonValue, a number, or a type the Python layer registers with QMetaType). A plain value
/// type: it is copied once per subscriber, so keep payloads implicitly shared or small.
struct ViewInfo
{
    QString name;
    QVariant payload;
};

} // namespace LiveActor
