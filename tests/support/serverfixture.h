#pragma once

// One LiveViewServer with every test view (or the routes given) on 127.0.0.1:<free port> and its own actor system, for
// one test function. Shared by the tests that talk to a real server.

#include "core/actorsystem.h"
#include "liveview/liveviewserver.h"
#include "support/testviews.h"

#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace LiveActor::Test {

struct ServerFixture
{
    /// routes: what the server serves (default: every test view).
    explicit ServerFixture(std::function<void(ServerConfig &)> tweak = {},
                           std::function<bool(LiveViewServer &)> routes = {})
        : system(SystemConfig{.executors = 2})
    {
        ServerConfig c;
        c.port = 0;
        c.stateDir = dir.path();
        c.secret = "test-secret-test-secret-test-secret";
        if (tweak)
            tweak(c);
        server = std::make_unique<LiveViewServer>(c, system);
        ok = (routes ? routes(*server) : bool(registerTestViews(*server))) && bool(server->listen());
    }
    ~ServerFixture()
    {
        server->shutdown(std::chrono::milliseconds(3000));
        system.shutdown(std::chrono::milliseconds(3000));
    }
    quint16 port() const { return server->port(); }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
    }

    QTemporaryDir dir;
    ActorSystem system;
    std::unique_ptr<LiveViewServer> server;
    bool ok = false;
};

} // namespace LiveActor::Test
