#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QString>
#include <QStringList>
#include <QUuid>

namespace LiveActor {

/// What a control-plane command was about, as audited.
struct CommandInfo
{
    QString action; ///< "kill", "restart", …; "unknown" for a command without action
    QUuid actor;
    QString kind;   ///< the actor's kind; empty if there is no such actor
    QString reason; ///< the operator's reason, at most 500 characters
};

/// The audit trail of control-plane commands. Every command, allowed or refused, becomes a log
/// line "audit: …" (category liveactor.audit), an entry in a list of the last 1000 and a line
/// appended to the audit file (0600). A line is one line whatever the client sent: its fields are
/// escaped as QDebug quotes strings (control characters as \n, \r, \t or \u0085, and `"` and `\`
/// escaped), the reason in double quotes; the Audit message keeps the fields as they were.
///
/// Thread affinity: one thread.
///
///     AuditLog audit(u".state/audit.log"_s);
///     const QString line = audit.record(who, scope, command, ok, outcome, msg.mutable_audit());
class AuditLog
{
public:
    /// filePath empty = no file.
    explicit AuditLog(QString filePath);

    /// Records one command done by `who` with `scope`; fills entry (the Audit message for
    /// subscribers) and returns the line, without time.
    QString record(const QString &who, ::liveactor::monitor::v1::Scope scope, const CommandInfo &command, bool ok,
                   const QString &outcome, ::liveactor::monitor::v1::Audit *entry);
    /// Logs a refused Auth (a warning only: no command ran).
    static void authRefused(const QString &who);
    /// The last 1000 lines, each after its ISO time.
    QStringList lines() const { return m_lines; }

private:
    QString m_filePath;
    QStringList m_lines;
};

} // namespace LiveActor
