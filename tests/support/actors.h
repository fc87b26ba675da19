#pragma once

// Small actors shared by the tests: the kernel tests, the control plane and the monitor.

#include "core/actor.h"
#include "core/actorsystem.h"
#include "core/supervisor.h"

#include <QStringList>
#include <QThread>

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace LiveActor::Test {

struct Crash { };        // handler returns an Error
struct Throw { };        // handler throws
struct StopNormal { };   // stop()
struct StopShutdown { }; // stop(shutdown)
struct Get { };          // replies with the handled-message count (int)
struct Hold { };         // takes the reply and never answers
struct Value { int v; };
struct Sleep { int ms = 0; }; // keeps the handler busy ms milliseconds, so the mailbox fills

/// A log that actors on several executors may append to.
class SharedLog
{
public:
    void append(const QString &line)
    {
        std::lock_guard lock(m_mutex);
        m_lines.append(line);
    }
    QStringList lines() const
    {
        std::lock_guard lock(m_mutex);
        QStringList copy = m_lines;
        copy.detach(); // no implicit sharing across threads (Qt checks its refcount relaxed)
        return copy;
    }
    void clear()
    {
        std::lock_guard lock(m_mutex);
        m_lines.clear();
    }
    qsizetype count(const QString &line) const { return lines().count(line); }
    qsizetype size() const { return lines().size(); }
    bool contains(const QString &line) const { return lines().contains(line); }
    qsizetype indexOf(const QString &line) const { return lines().indexOf(line); }
    QString last() const { return lines().last(); }

private:
    mutable std::mutex m_mutex;
    QStringList m_lines;
};

using Log = std::shared_ptr<SharedLog>;

/// Logs "start:<name>" / "stop:<name>" (when given a log) and counts what it handles.
class Worker : public Actor
{
public:
    explicit Worker(QString name = {}, Log log = {}, bool ignoreShutdown = false)
        : m_name(std::move(name)), m_log(std::move(log)), m_ignoreShutdown(ignoreShutdown) { }

    int handled = 0;

protected:
    Result<void> started() override
    {
        if (m_log)
            m_log->append(u"start:" + m_name);
        return {};
    }
    Result<void> handle(Message &m) override
    {
        if (m.is<Crash>())
            return fail(ErrorCode::Internal, QStringLiteral("boom"));
        if (m.is<Throw>())
            throw std::runtime_error("thrown boom");
        if (m.is<StopNormal>()) {
            stop();
            return {};
        }
        if (m.is<StopShutdown>()) {
            stop(ExitReason::shutdown());
            return {};
        }
        if (m.is<Hold>()) {
            m_held.push_back(takeReply());
            return {};
        }
        if (auto *s = m.as<Sleep>())
            QThread::msleep(ulong(s->ms));
        ++handled;
        if (m.is<Get>())
            reply(handled);
        return {};
    }
    bool shutdownRequested() override { return !m_ignoreShutdown; }
    void stopping(const ExitReason &) override
    {
        if (m_log)
            m_log->append(u"stop:" + m_name);
    }

private:
    QString m_name;
    Log m_log;
    bool m_ignoreShutdown;
    std::vector<PendingReply> m_held;
};

inline ChildSpec workerSpec(const QString &id, Log log, RestartType restart = RestartType::Permanent,
                            std::chrono::milliseconds shutdownTimeout = std::chrono::milliseconds(1000),
                            bool ignoreShutdown = false)
{
    ChildSpec spec;
    spec.id = id;
    spec.restart = restart;
    spec.shutdownTimeout = shutdownTimeout;
    spec.options.kind = QStringLiteral("worker");
    spec.start = [id, log, ignoreShutdown] { return std::make_unique<Worker>(id, log, ignoreShutdown); };
    return spec;
}

/// A supervisor ("supervisor") with `children` permanent Workers of `kind`, generous intensity.
inline ActorRef spawnSupervised(ActorSystem &system, int children, const QString &kind, int capacity = 50,
                                QVariantMap detail = {})
{
    std::vector<ChildSpec> specs;
    for (int i = 0; i < children; ++i) {
        ChildSpec spec = workerSpec(kind + QString::number(i), nullptr);
        spec.options.kind = kind;
        spec.options.capacity = capacity;
        spec.options.detail = detail;
        spec.options.detail.insert(QStringLiteral("path"), QStringLiteral("/%1/%2").arg(kind).arg(i));
        specs.push_back(std::move(spec));
    }
    SupervisorFlags flags;
    flags.intensity = 100;
    flags.period = std::chrono::milliseconds(1000);
    SpawnOptions options;
    options.kind = QStringLiteral("supervisor");
    options.name = QStringLiteral("test supervisor");
    return system.spawn<Supervisor>(options, flags, std::move(specs));
}

} // namespace LiveActor::Test
