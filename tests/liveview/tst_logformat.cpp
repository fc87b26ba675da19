#include "liveview/logformat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {
/// A message that tries to end its line and forge another one, with a C0, DEL and C1 control.
const QString forged = u"event \"save\"\r\n2024-01-01T00:00:00.000Z info liveactor.audit: forged\x01\x7f\u0085\tend"_s;
const QMessageLogContext context("file.cpp", 1, "function", "liveactor.test");
} // namespace

class tst_LogFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Text: whatever the message holds, it is one line, its control characters shown escaped.
    void textEscapesControlCharacters()
    {
        const QByteArray line = LogFormat::formatLine(LogFormat::Style::Text, QtWarningMsg, context, forged);
        QCOMPARE(line.count('\n'), 1);
        QVERIFY(line.endsWith('\n'));
        for (qsizetype i = 0; i + 1 < line.size(); ++i)
            QVERIFY2(uchar(line.at(i)) >= 0x20 && uchar(line.at(i)) != 0x7f, qPrintable(u"control byte at %1"_s.arg(i)));
        QVERIFY2(!QString::fromUtf8(line).contains(u'\u0085'), line.constData());
        QVERIFY2(line.endsWith(" warning liveactor.test: event \"save\"\\r\\n2024-01-01T00:00:00.000Z info "
                               "liveactor.audit: forged\\u0001\\u007f\\u0085\\tend\n"),
                 line.constData());
    }

    void textKeepsPlainMessages()
    {
        const QString plain = u"GET /items/3 from 127.0.0.1 — 200 \\ \"ok\" ünïcödé"_s;
        const QByteArray line = LogFormat::formatLine(LogFormat::Style::Text, QtInfoMsg, context, plain);
        QVERIFY2(line.endsWith(QByteArray(" info liveactor.test: " + plain.toUtf8() + '\n')), line.constData());
    }

    // Json: unchanged; JSON escapes the control characters itself, and the message reads back as sent.
    void jsonStaysValid()
    {
        const QByteArray line = LogFormat::formatLine(LogFormat::Style::Json, QtInfoMsg, context, forged);
        QCOMPARE(line.count('\n'), 1);
        QVERIFY(line.endsWith('\n'));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(u"msg"_s).toString(), forged);
        QCOMPARE(o.value(u"level"_s).toString(), u"info"_s);
        QCOMPARE(o.value(u"category"_s).toString(), u"liveactor.test"_s);
        QVERIFY(o.contains(u"ts"_s));
    }
};

QTEST_APPLESS_MAIN(tst_LogFormat)
#include "tst_logformat.moc"
