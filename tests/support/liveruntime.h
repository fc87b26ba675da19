#pragma once
// Test helper (header-only): a real runtime in this process — ActorSystem + ControlServer on
// 127.0.0.1 with root supervisor → N session supervisors ("session") → M views ("view") each.

#include "support/actors.h"
#include "telemetry/controlserver.h"

#include <QTemporaryDir>

namespace LiveActor::Test {

class LiveRuntime
{
public:
    QTemporaryDir dir;
    std::unique_ptr<ActorSystem> system;
    std::unique_ptr<ControlServer> server;
    ActorRef root;

    static ChildSpec sessionSpec(int index, int views)
    {
        std::vector<ChildSpec> viewSpecs;
        for (int v = 0; v < views; ++v) {
            ChildSpec spec = workerSpec(QStringLiteral("view%1").arg(v), nullptr, RestartType::Permanent,
                                        std::chrono::milliseconds(500));
            spec.options.kind = QStringLiteral("view");
            spec.options.capacity = 50;
            spec.options.detail = {{QStringLiteral("path"), QStringLiteral("/page/%1/view%2").arg(index).arg(v)},
                                   {QStringLiteral("route"), QStringLiteral("/page/:id")}};
            viewSpecs.push_back(std::move(spec));
        }
        ChildSpec session;
        session.id = QStringLiteral("session%1").arg(index);
        session.start = [viewSpecs] {
            SupervisorFlags flags;
            flags.intensity = 100;
            flags.period = std::chrono::milliseconds(1000);
            return std::make_unique<Supervisor>(flags, viewSpecs);
        };
        session.shutdownTimeout = std::chrono::milliseconds(2000);
        session.options.kind = QStringLiteral("session");
        session.options.capacity = 100;
        session.options.detail = {{QStringLiteral("peer"), QStringLiteral("127.0.0.1:%1").arg(50000 + index)}};
        return session;
    }

    bool start(int sessions, int viewsPerSession, int executors = 2)
    {
        system = std::make_unique<ActorSystem>(SystemConfig{.executors = executors});
        std::vector<ChildSpec> specs;
        for (int s = 0; s < sessions; ++s)
            specs.push_back(sessionSpec(s, viewsPerSession));
        SupervisorFlags flags;
        flags.intensity = 100;
        root = system->spawn<Supervisor>({.kind = QStringLiteral("supervisor"), .name = QStringLiteral("sessions")},
                                         flags, std::move(specs));
        ControlConfig config;
        config.port = 0;
        config.stateDir = dir.path();
        config.instanceName = QStringLiteral("test-runtime");
        server = std::make_unique<ControlServer>(*system, config);
        return !root.isNull() && server->start().has_value();
    }

    /// Ids of the actors of a kind, in spawn order.
    QStringList ids(const QString &kind) const
    {
        QStringList out;
        for (const auto &info : system->registry().snapshot().actors)
            if (info.kind == kind)
                out << info.id.toString(QUuid::WithoutBraces);
        return out;
    }

    ~LiveRuntime()
    {
        server.reset();
        if (system)
            system->shutdown(std::chrono::milliseconds(3000));
    }
};

} // namespace LiveActor::Test
