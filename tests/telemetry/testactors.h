#pragma once
// Test helper (header-only): small actors for control-plane tests.

#include "core/actor.h"
#include "core/actorsystem.h"
#include "core/supervisor.h"

#include <QThread>

#include <chrono>

namespace LiveActorTest {

/// Handles any message; a `Sleep{ms}` makes it busy so its mailbox fills.
struct Sleep
{
    int ms = 0;
};

class Worker : public LiveActor::Actor
{
protected:
    LiveActor::Result<void> handle(LiveActor::Message &message) override
    {
        if (auto *s = message.as<Sleep>())
            QThread::msleep(ulong(s->ms));
        return {};
    }
};

/// A supervisor ("supervisor") with `children` permanent children of `kind`, generous intensity.
inline LiveActor::ActorRef spawnSupervised(LiveActor::ActorSystem &system, int children, const QString &kind,
                                           int capacity = 50, QVariantMap detail = {})
{
    using namespace LiveActor;
    std::vector<ChildSpec> specs;
    for (int i = 0; i < children; ++i) {
        ChildSpec spec;
        spec.id = kind + QString::number(i);
        spec.start = [] { return std::make_unique<Worker>(); };
        spec.shutdownTimeout = std::chrono::milliseconds(1000);
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

} // namespace LiveActorTest
