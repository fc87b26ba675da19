#include "telemetry/auditlog.h"

#include "telemetry/protoconvert.h"

#include <QDateTime>
#include <QDebug>
#include <QFile>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAudit, "liveactor.audit")

namespace LiveActor {

namespace pb = ::liveactor::monitor::v1;

namespace {
/// value as QDebug quotes it: in double quotes, with `"`, `\` and every control character escaped
/// (\n, \r, \t, \u0085, …), so that a client-supplied value can neither end its audit line (and
/// forge the next one) nor close its quotes.
QString quoted(const QString &value)
{
    QString out;
    QDebug(&out).nospace() << value;
    return out;
}

/// The same escapes without the quotes, for the fields that are not quoted.
QString escaped(const QString &value)
{
    const QString q = quoted(value);
    return q.mid(1, q.size() - 2);
}
} // namespace

AuditLog::AuditLog(QString filePath)
    : m_filePath(std::move(filePath))
{
}

QString AuditLog::record(const QString &who, pb::Scope scope, const CommandInfo &command, bool ok,
                         const QString &outcome, pb::Audit *entry)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Every field escaped: the client name (Auth.client_name), the reason and the outcome come
    // from the client; the others are escaped too so no later change can forget one.
    const QString line = u"audit: client=%1 scope=%2 action=%3 actor=%4 kind=%5 reason=%6 result=%7 %8"_s
                             .arg(escaped(who), ProtoConvert::scopeName(scope), escaped(command.action),
                                  command.actor.toString(QUuid::WithoutBraces),
                                  command.kind.isEmpty() ? u"-"_s : escaped(command.kind), quoted(command.reason),
                                  ok ? u"ok"_s : u"refused"_s, escaped(outcome));
    qCInfo(lcAudit).noquote() << line;
    m_lines.append(QDateTime::fromMSecsSinceEpoch(now).toString(Qt::ISODateWithMs) + u" "_s + line);
    if (m_lines.size() > 1000)
        m_lines.removeFirst();
    if (!m_filePath.isEmpty()) {
        QFile file(m_filePath);
        if (file.open(QIODevice::Append | QIODevice::Text)) {
            file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
            file.write((m_lines.constLast() + u"\n"_s).toUtf8());
        }
    }

    entry->set_time_ms(now);
    entry->set_client(ProtoConvert::text(who));
    entry->set_scope(scope);
    entry->set_action(ProtoConvert::text(command.action));
    entry->set_actor_id(ProtoConvert::id(command.actor));
    entry->set_actor_kind(ProtoConvert::text(command.kind));
    entry->set_reason(ProtoConvert::text(command.reason));
    entry->set_ok(ok);
    entry->set_outcome(ProtoConvert::text(outcome));
    return line;
}

void AuditLog::authRefused(const QString &who)
{
    qCWarning(lcAudit).noquote() << u"audit: client=%1 action=auth result=refused"_s.arg(escaped(who));
}

} // namespace LiveActor
