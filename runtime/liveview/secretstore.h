#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace LiveActor {

/// Where the token-signing secret comes from, in this order:
/// 1. configured: a non-empty secret given by the app (flag or config file);
/// 2. the environment variable LIVEACTOR_SECRET_KEY;
/// 3. the file `<stateDir>/secret_key`, created on first start with 32 random bytes (hex) and
///    permissions 0600 (the directory is created 0700 if missing).
/// Errors: ErrorCode::Io when the state directory or file cannot be created, read or written,
/// ErrorCode::InvalidArgument when a secret is shorter than 16 bytes.
/// Stateless; call from one thread at startup.
class SecretStore
{
public:
    static Result<QByteArray> resolve(const QByteArray &configured, const QString &stateDir);
};

} // namespace LiveActor
