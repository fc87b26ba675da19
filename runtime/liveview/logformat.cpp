#include "liveview/logformat.h"
#include "liveview/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <mutex>

using namespace Qt::StringLiterals;

namespace LiveActor {

Q_LOGGING_CATEGORY(lcLiveView, "liveactor.liveview", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "liveactor.http", QtInfoMsg)

namespace {
std::mutex g_logMutex;

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return u"debug"_s;
    case QtInfoMsg: return u"info"_s;
    case QtWarningMsg: return u"warning"_s;
    case QtCriticalMsg: return u"error"_s;
    case QtFatalMsg: return u"fatal"_s;
    }
    return u"info"_s;
}

/// Whether c would end or hide a line in a terminal or a log file: the C0 controls, DEL, the C1
/// controls and the Unicode line and paragraph separators.
bool breaksLine(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
}

/// text with each such character shown as an escape: \n, \r, \t, the others \u followed by four hex
/// digits. Everything else, backslash included, stays as it is, so ordinary messages read as before.
QString escapeControls(const QString &text)
{
    if (std::ranges::none_of(text, [](QChar c) { return breaksLine(c.unicode()); }))
        return text;
    QString out;
    out.reserve(text.size() + 16);
    for (QChar c : text) {
        switch (c.unicode()) {
        case u'\n': out += u"\\n"; break;
        case u'\r': out += u"\\r"; break;
        case u'\t': out += u"\\t"; break;
        default:
            if (breaksLine(c.unicode()))
                out += u"\\u%1"_s.arg(int(c.unicode()), 4, 16, QChar(u'0'));
            else
                out += c;
        }
    }
    return out;
}

void writeLine(const QByteArray &line)
{
    std::lock_guard lock(g_logMutex);
    fwrite(line.constData(), 1, size_t(line.size()), stderr);
    fflush(stderr);
}

void jsonHandler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    writeLine(LogFormat::formatLine(LogFormat::Style::Json, type, ctx, msg));
}

void textHandler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    writeLine(LogFormat::formatLine(LogFormat::Style::Text, type, ctx, msg));
}
} // namespace

void LogFormat::install(Style style)
{
    qInstallMessageHandler(style == Style::Json ? jsonHandler : textHandler);
}

QByteArray LogFormat::formatLine(Style style, QtMsgType type, const QMessageLogContext &context,
                                 const QString &message)
{
    const QString time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QString category = QString::fromLatin1(context.category ? context.category : "default");
    if (style == Style::Json) {
        const QJsonObject o{{u"ts"_s, time}, {u"level"_s, levelName(type)}, {u"category"_s, category},
                            {u"msg"_s, message}};
        return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    // Escaped so that a client-supplied string in a message (an event name, a path, a client name)
    // cannot end the line and forge the next one.
    return (escapeControls(time + u' ' + levelName(type) + u' ' + category + u": " + message) + u'\n').toUtf8();
}

} // namespace LiveActor
