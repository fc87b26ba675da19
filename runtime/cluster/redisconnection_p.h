#pragma once

#include "cluster/redisurl.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

#include <chrono>
#include <functional>

struct redisAsyncContext;
struct redisReply;

namespace LiveActor {

/// One hiredis async connection driven by QSocketNotifiers on the event loop of the thread that
/// owns it (the role of hiredis' adapters/qt.h, which cannot be used as is: it declares `slots`
/// and string-based connections, and QT_NO_KEYWORDS rules out the first).
///
/// open() connects (AUTH and SELECT from the URL first); when the connection fails or is lost
/// it reconnects by itself with a doubling backoff (100 ms … 5 s) until close() or destruction.
/// onReady runs once per established connection, onLost once per lost one (with the reason).
/// Commands are only sent while ready; command() returns false otherwise.
/// Thread affinity: the owner's thread; nothing here blocks.
class RedisConnection : public QObject
{
public:
    /// reply is null when the connection went away before the answer came.
    using ReplyFn = std::function<void(redisReply *reply)>;

    RedisConnection(const RedisUrl &url, QString role, QObject *parent = nullptr);
    ~RedisConnection() override;

    void open();
    void close();
    bool isReady() const { return m_ready; }
    /// Sends argv; done (optional) gets the reply. A push connection (SUBSCRIBE) calls
    /// setPushHandler instead and sends its command with pushed = true.
    bool command(const QList<QByteArray> &argv, ReplyFn done = {}, bool pushed = false);
    void setPushHandler(ReplyFn handler) { m_push = std::move(handler); }

    std::function<void()> onReady;
    std::function<void(const QString &reason)> onLost;

private:
    static void connectCallback(const redisAsyncContext *context, int status);
    static void disconnectCallback(const redisAsyncContext *context, int status);
    static void replyCallback(redisAsyncContext *context, void *reply, void *data);
    static void pushCallback(redisAsyncContext *context, void *reply, void *data);
    static void addRead(void *self);
    static void delRead(void *self);
    static void addWrite(void *self);
    static void delWrite(void *self);
    static void cleanup(void *self);

    void connected(int status);
    void lost(const QString &reason);
    void scheduleReconnect();
    void dropNotifiers();
    void watch(QPointer<QSocketNotifier> &notifier, QSocketNotifier::Type type, void (*handle)(redisAsyncContext *));
    void unwatch(QPointer<QSocketNotifier> &notifier);

    RedisUrl m_url;
    QString m_role;
    redisAsyncContext *m_context = nullptr;
    QPointer<QSocketNotifier> m_read;
    QPointer<QSocketNotifier> m_write;
    QTimer m_retry;
    QTimer m_connectTimeout;
    std::chrono::milliseconds m_backoff{100};
    ReplyFn m_push;
    bool m_ready = false;
    bool m_closed = true;
    bool m_reportedDown = false;
};

} // namespace LiveActor
