#include "telemetry/auditlog.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace pb = ::liveactor::monitor::v1;

namespace {
/// A client name that tries to end its audit line and forge another one after it.
const QString forgedName = u"evil\n2024-01-01T00:00:00.000 audit: client=admin@127.0.0.1:1 scope=operate\r\u0085x"_s;

QStringList g_messages;
void collect(QtMsgType, const QMessageLogContext &, const QString &msg)
{
    g_messages.append(msg);
}

/// No line breaks or other control characters: `text` is (part of) exactly one line.
bool isOneLine(const QString &text)
{
    return std::ranges::none_of(text, [](QChar c) { return c.category() == QChar::Other_Control; });
}
} // namespace

class tst_AuditLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A client name (Auth.client_name) or reason with control characters stays in one audit line:
    // in the returned line, the in-memory list and the audit file; the Audit message keeps it as sent.
    void controlCharactersStayInOneLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.log"_s);
        AuditLog audit(path);
        CommandInfo command{u"kill"_s, QUuid::createUuid(), u"view"_s, u"tab\there\nnext \"quoted\""_s};
        pb::Audit entry;
        const QString line = audit.record(forgedName + u"@127.0.0.1:5"_s, pb::SCOPE_READ_ONLY, command, false,
                                          u"refused\r\nok"_s, &entry);
        QVERIFY2(isOneLine(line), qPrintable(line));
        QVERIFY2(line.startsWith(u"audit: client=evil\\n2024-01-01T00:00:00.000 audit: client=admin"_s), qPrintable(line));
        QVERIFY(line.contains(u"scope=operate\\r\\u0085x@127.0.0.1:5 scope=read-only"_s));
        QVERIFY(line.contains(u"reason=\"tab\\there\\nnext \\\"quoted\\\"\""_s));
        QVERIFY(line.contains(u"result=refused refused\\r\\nok"_s));
        QVERIFY(isOneLine(audit.lines().constLast()));

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray written = file.readAll();
        QCOMPARE(written.count('\n'), 1);
        QVERIFY(written.endsWith('\n'));
        QVERIFY(!written.contains('\r'));
        QVERIFY(QString::fromUtf8(written).endsWith(line + u'\n'));

        // Subscribers get the fields as they were, in a protobuf message that has no lines to forge.
        QCOMPARE(QString::fromStdString(entry.client()), forgedName + u"@127.0.0.1:5"_s);
        QCOMPARE(QString::fromStdString(entry.reason()), command.reason);
    }

    void refusedAuthStaysInOneLine()
    {
        g_messages.clear();
        const QtMessageHandler previous = qInstallMessageHandler(collect);
        AuditLog::authRefused(forgedName + u"@127.0.0.1:5"_s);
        qInstallMessageHandler(previous);
        QCOMPARE(g_messages.size(), 1);
        QVERIFY2(isOneLine(g_messages.constFirst()), qPrintable(g_messages.constFirst()));
        QVERIFY(g_messages.constFirst().startsWith(u"audit: client=evil\\n2024"_s));
    }
};

QTEST_APPLESS_MAIN(tst_AuditLog)
#include "tst_auditlog.moc"
