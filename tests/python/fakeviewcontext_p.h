#pragma once

// A ViewContext that records what a handler asked for (tests only).

#include "liveview/uploadstate.h"
#include "liveview/viewcontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QStringList>

namespace LiveActor {

struct FakeViewContext : ViewContext
{
    bool connected = true;
    QStringList log; // "push_event name {json}", "title X", "patch /x push", …
    QStringList subscriptions;
    QList<QPair<qint64, ViewInfo>> timers; // delay ms, info
    QList<quint64> cancelled;
    quint64 nextTimer = 1;
    int broadcasts = 0;
    QList<ViewInfo> broadcastLog;

    QString viewId() const override { return QStringLiteral("view-1"); }
    QString topic() const override { return QStringLiteral("lv:phx-test"); }
    QUrl url() const override { return QUrl(QStringLiteral("http://localhost/")); }
    bool isConnected() const override { return connected; }
    void pushEvent(const QString &name, const QJsonValue &payload) override
    {
        log << u"push_event "_qs + name + u' ' + QString::fromUtf8(QJsonDocument(QJsonArray{payload}).toJson(QJsonDocument::Compact));
    }
    void pushPatch(const QString &to, bool replace) override { log << u"patch "_qs + to + (replace ? u" replace"_qs : u" push"_qs); }
    void pushNavigate(const QString &to, bool replace) override { log << u"navigate "_qs + to + (replace ? u" replace"_qs : u" push"_qs); }
    void redirect(const QString &to) override { log << u"redirect "_qs + to; }
    void setTitle(const QString &title) override { log << u"title "_qs + title; }
    void replyEvent(const QJsonObject &reply) override
    {
        log << u"reply "_qs + QString::fromUtf8(QJsonDocument(reply).toJson(QJsonDocument::Compact));
    }
    Result<void> subscribe(const QString &topic) override
    {
        if (topic.isEmpty())
            return fail(ErrorCode::InvalidArgument, u"empty topic"_qs);
        subscriptions << topic;
        return {};
    }
    void unsubscribe(const QString &topic) override { subscriptions.removeAll(topic); }
    int broadcast(const QString &topic, const QVariant &payload) override
    {
        ++broadcasts;
        broadcastLog.append(ViewInfo{topic, payload});
        return 1;
    }
    quint64 sendAfter(std::chrono::milliseconds delay, const ViewInfo &info) override
    {
        timers.append({delay.count(), info});
        return nextTimer++;
    }
    bool cancelTimer(quint64 id) override
    {
        cancelled << id;
        return true;
    }
    // Uploads as the view runner keeps them (the real UploadState, no files: no server here).
    UploadState uploadState;
    Result<QString> allowUpload(const UploadConfig &config) override { return uploadState.allow(config); }
    Result<void> disallowUpload(const QString &name) override { return uploadState.disallow(name, nullptr); }
    Value uploads() const override { return uploadState.toValue(); }
};

} // namespace LiveActor
