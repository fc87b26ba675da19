#pragma once

namespace LiveActor {

/// Process-wide log output format (qInstallMessageHandler). Text: "time level category: message".
/// Json: one object per line on stderr: {"ts":ISO-8601 UTC ms,"level":"info","category":…,"msg":…}.
/// Call once from main() before the server starts; the handler is thread-safe.
class LogFormat
{
public:
    enum class Style { Text, Json };
    static void install(Style style);
};

} // namespace LiveActor
