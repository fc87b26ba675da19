#pragma once

// For benchmarks that call view or component handlers without a server: a ViewContext that
// does nothing (connected, no timers, no pub/sub).

#include "liveview/viewcontext.h"

namespace LiveActor {

struct NullViewContext : ViewContext
{
    QString viewId() const override { return {}; }
    QString topic() const override { return {}; }
    QUrl url() const override { return {}; }
    bool isConnected() const override { return true; }
    void pushEvent(const QString &, const QJsonValue &) override { }
    void pushPatch(const QString &, bool) override { }
    void pushNavigate(const QString &, bool) override { }
    void redirect(const QString &) override { }
    void setTitle(const QString &) override { }
    Result<void> subscribe(const QString &) override { return {}; }
    void unsubscribe(const QString &) override { }
    int broadcast(const QString &, const QVariant &) override { return 0; }
    quint64 sendAfter(std::chrono::milliseconds, const ViewInfo &) override { return 0; }
    bool cancelTimer(quint64) override { return false; }
};

} // namespace LiveActor
