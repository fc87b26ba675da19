#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace LiveActor {

/// Control-plane tokens: generation, the 0600 token files and constant-time comparison.
/// Stateless helper functions; thread-safe.
class TokenStore
{
public:
    /// 32 random bytes from the system CSPRNG as 64 hex characters.
    static QString generate();
    /// Writes text (plus a newline) to path with mode 0600, creating the directory (0700) if
    /// needed. The file is created with 0600 before anything is written. Io error on failure.
    static Result<void> writePrivateFile(const QString &path, const QByteArray &text);
    /// Reads a token file (trimmed). Io error if unreadable or empty.
    static Result<QString> readTokenFile(const QString &path);
    /// Compares two byte strings in time that depends only on their lengths (never on where they
    /// differ); different lengths compare unequal.
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
};

} // namespace LiveActor
