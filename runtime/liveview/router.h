#pragma once

#include "core/result.h"
#include "liveview/viewhandler.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace LiveActor {

/// Creates a fresh ViewHandler for one mount. Called on the thread that will use the handler.
/// An Error gives a 500 page (dead render) or a join error.
using ViewFactory = std::function<Result<std::unique_ptr<ViewHandler>>()>;

/// Maps URL paths to views.
///
/// Patterns are absolute paths whose segments are literals or `:name` parameters: "/",
/// "/items/:id", "/users/:uid/posts/:pid". Matching is segment-wise and exact (a trailing slash
/// is ignored; no wildcards); the first added matching route wins. Parameter values are
/// percent-decoded by the caller (HttpRequest::path is). addRoute() rejects a malformed pattern
/// (not starting with '/', empty `:`, a duplicate pattern) with InvalidArgument.
/// Not thread-safe for writes: build it before the server starts, then only read (any thread).
class Router
{
public:
    struct Match
    {
        QString pattern;
        QJsonObject params;   ///< path parameters, strings
        ViewFactory factory;
    };

    Result<void> addRoute(const QString &pattern, ViewFactory factory);
    std::optional<Match> match(const QString &path) const;
    QStringList patterns() const;

private:
    struct Route
    {
        QString pattern;
        QStringList segments;
        ViewFactory factory;
    };
    static QStringList split(const QString &path);
    QList<Route> m_routes;
};

} // namespace LiveActor
