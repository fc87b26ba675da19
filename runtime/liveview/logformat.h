#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace LiveActor {

/// Process-wide log output format (qInstallMessageHandler). Text: "time level category: message",
/// one line per message: control characters (C0, DEL, C1, U+2028/9) are shown escaped, `\n`, `\r`,
/// `\t` or `\u0085`, so no message (client-supplied text in it included) can forge a line.
/// Json: one object per line on stderr: {"ts":ISO-8601 UTC ms,"level":"info","category":…,"msg":…};
/// JSON string escaping keeps it on one line.
/// Call once from main() before the server starts; the handler is thread-safe.
class LogFormat
{
public:
    enum class Style { Text, Json };
    static void install(Style style);
    /// The line the installed handler writes for one message, '\n' included, stamped now.
    /// Thread-safe (a pure function of its arguments and the clock).
    static QByteArray formatLine(Style style, QtMsgType type, const QMessageLogContext &context,
                                 const QString &message);
};

} // namespace LiveActor
