#include "cluster/redisconnection_p.h"

#include <QLoggingCategory>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

Q_LOGGING_CATEGORY(lcRedis, "liveactor.redis")

namespace LiveActor {

namespace {
constexpr auto kMaxBackoff = 5000ms;
constexpr auto kConnectTimeout = 5000ms; // hiredis 0.14 has no timeout for async connects

RedisConnection *owner(const redisAsyncContext *context)
{
    return static_cast<RedisConnection *>(context->data);
}
} // namespace

RedisConnection::RedisConnection(const RedisUrl &url, QString role, QObject *parent)
    : QObject(parent), m_url(url), m_role(std::move(role))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RedisConnection::open);
    m_connectTimeout.setSingleShot(true);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] {
        if (m_context && !m_ready) {
            redisAsyncContext *context = std::exchange(m_context, nullptr);
            context->data = nullptr; // its callbacks must not reach us any more
            redisAsyncFree(context);
            lost(u"connect timeout"_s);
        }
    });
}

RedisConnection::~RedisConnection()
{
    close();
}

void RedisConnection::open()
{
    m_closed = false;
    if (m_context)
        return;
    redisAsyncContext *context = redisAsyncConnect(m_url.host.toUtf8().constData(), m_url.port);
    if (!context || context->err) {
        const QString reason = context ? QString::fromUtf8(context->errstr) : u"out of memory"_s;
        if (context)
            redisAsyncFree(context);
        lost(reason);
        return;
    }
    m_context = context;
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &RedisConnection::addRead;
    context->ev.delRead = &RedisConnection::delRead;
    context->ev.addWrite = &RedisConnection::addWrite;
    context->ev.delWrite = &RedisConnection::delWrite;
    context->ev.cleanup = &RedisConnection::cleanup;
    redisAsyncSetConnectCallback(context, &RedisConnection::connectCallback);
    redisAsyncSetDisconnectCallback(context, &RedisConnection::disconnectCallback);
    m_connectTimeout.start(kConnectTimeout);
}

void RedisConnection::close()
{
    m_closed = true;
    m_retry.stop();
    m_connectTimeout.stop();
    m_ready = false;
    if (redisAsyncContext *context = std::exchange(m_context, nullptr)) {
        context->data = nullptr;
        redisAsyncFree(context); // pending replies get null: their callbacks count them
    }
    dropNotifiers();
}

bool RedisConnection::command(const QList<QByteArray> &argv, ReplyFn done, bool pushed)
{
    if (!m_context)
        return false;
    std::vector<const char *> args;
    std::vector<size_t> lengths;
    for (const QByteArray &a : argv) {
        args.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    int status;
    if (pushed) {
        status = redisAsyncCommandArgv(m_context, &RedisConnection::pushCallback, this, int(args.size()),
                                       args.data(), lengths.data());
    } else {
        auto *fn = done ? new ReplyFn(std::move(done)) : nullptr;
        status = redisAsyncCommandArgv(m_context, fn ? &RedisConnection::replyCallback : nullptr, fn,
                                       int(args.size()), args.data(), lengths.data());
        if (status != REDIS_OK)
            delete fn;
    }
    return status == REDIS_OK;
}

void RedisConnection::connectCallback(const redisAsyncContext *context, int status)
{
    RedisConnection *self = owner(context);
    if (!self)
        return;
    if (status != REDIS_OK) {
        self->m_context = nullptr; // hiredis frees it after this callback
        self->lost(QString::fromUtf8(context->errstr));
        return;
    }
    self->connected(status);
}

void RedisConnection::disconnectCallback(const redisAsyncContext *context, int status)
{
    RedisConnection *self = owner(context);
    if (!self)
        return;
    self->m_context = nullptr; // being freed by hiredis
    self->lost(status == REDIS_OK ? u"closed"_s : QString::fromUtf8(context->errstr));
}

void RedisConnection::replyCallback(redisAsyncContext *, void *reply, void *data)
{
    auto *fn = static_cast<ReplyFn *>(data);
    (*fn)(static_cast<redisReply *>(reply));
    delete fn;
}

void RedisConnection::pushCallback(redisAsyncContext *, void *reply, void *data)
{
    if (!reply)
        return; // the context is going away
    auto *self = static_cast<RedisConnection *>(data);
    if (self->m_push)
        self->m_push(static_cast<redisReply *>(reply));
}

void RedisConnection::connected(int)
{
    m_connectTimeout.stop();
    auto refuse = [this](const char *what) {
        return [this, what](redisReply *reply) {
            if (reply && reply->type == REDIS_REPLY_ERROR && m_context) {
                qCWarning(lcRedis).noquote() << m_url.toString() << what << "refused:" << QString::fromUtf8(reply->str, int(reply->len));
                redisAsyncDisconnect(m_context);
            }
        };
    };
    if (!m_url.password.isEmpty())
        command({"AUTH", m_url.password.toUtf8()}, refuse("AUTH"));
    if (m_url.db != 0)
        command({"SELECT", QByteArray::number(m_url.db)}, refuse("SELECT"));
    m_ready = true;
    m_backoff = 100ms;
    if (m_reportedDown)
        qCInfo(lcRedis).noquote() << "redis" << m_role << "connection back:" << m_url.toString();
    m_reportedDown = false;
    if (onReady)
        onReady();
}

void RedisConnection::lost(const QString &reason)
{
    const bool wasReady = std::exchange(m_ready, false);
    m_connectTimeout.stop();
    dropNotifiers();
    if (!m_reportedDown && !m_closed) {
        qCWarning(lcRedis).noquote() << "redis" << m_role << "connection to" << m_url.toString() << "down:" << reason
                                     << "- retrying with backoff";
        m_reportedDown = true;
    }
    if (wasReady && onLost)
        onLost(reason);
    scheduleReconnect();
}

void RedisConnection::scheduleReconnect()
{
    if (m_closed || m_retry.isActive())
        return;
    m_retry.start(m_backoff);
    m_backoff = std::min<std::chrono::milliseconds>(m_backoff * 2, kMaxBackoff);
}

void RedisConnection::dropNotifiers()
{
    unwatch(m_read);
    unwatch(m_write);
}

void RedisConnection::watch(QPointer<QSocketNotifier> &notifier, QSocketNotifier::Type type,
                            void (*handle)(redisAsyncContext *))
{
    if (notifier || !m_context)
        return;
    notifier = new QSocketNotifier(m_context->c.fd, type, this);
    connect(notifier, &QSocketNotifier::activated, this, [this, handle] {
        if (m_context)
            handle(m_context);
    });
}

void RedisConnection::unwatch(QPointer<QSocketNotifier> &notifier)
{
    if (notifier) {
        notifier->setEnabled(false);
        notifier->deleteLater(); // may be inside its own activated() signal
    }
    notifier = nullptr;
}

void RedisConnection::addRead(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    self->watch(self->m_read, QSocketNotifier::Read, &redisAsyncHandleRead);
}

void RedisConnection::delRead(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    self->unwatch(self->m_read);
}

void RedisConnection::addWrite(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    self->watch(self->m_write, QSocketNotifier::Write, &redisAsyncHandleWrite);
}

void RedisConnection::delWrite(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    self->unwatch(self->m_write);
}

void RedisConnection::cleanup(void *data)
{
    static_cast<RedisConnection *>(data)->dropNotifiers();
}

} // namespace LiveActor
