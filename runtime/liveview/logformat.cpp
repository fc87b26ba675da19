#include "liveview/logformat.h"
#include "liveview/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

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

void jsonHandler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    const QJsonObject o{{u"ts"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                        {u"level"_s, levelName(type)},
                        {u"category"_s, QString::fromLatin1(ctx.category ? ctx.category : "default")},
                        {u"msg"_s, msg}};
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::lock_guard lock(g_logMutex);
    fwrite(line.constData(), 1, size_t(line.size()), stderr);
    fflush(stderr);
}

void textHandler(QtMsgType type, const QMessageLogContext &ctx, const QString &msg)
{
    const QByteArray line = (QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) + u' '
                             + levelName(type) + u' ' + QString::fromLatin1(ctx.category ? ctx.category : "default")
                             + u": " + msg + u'\n').toUtf8();
    std::lock_guard lock(g_logMutex);
    fwrite(line.constData(), 1, size_t(line.size()), stderr);
    fflush(stderr);
}
} // namespace

void LogFormat::install(Style style)
{
    qInstallMessageHandler(style == Style::Json ? jsonHandler : textHandler);
}

} // namespace LiveActor
