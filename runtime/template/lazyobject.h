#pragma once

#include <QString>

#include <optional>

namespace LiveActor {

class Value;

/// An object whose attributes are resolved only when a template asks for them.
///
/// The Python binding implements this for arbitrary Python objects (attribute lookup by name,
/// iteration, truthiness, str()), so rendering converts only what the template reads. The engine
/// calls these methods on the thread that renders; an implementation that wraps Python objects
/// must take the GIL itself. Implementations must not throw: return std::nullopt for "no such
/// attribute" / "not iterable" — the template then behaves as Django does for a failed lookup.
/// Instances are shared (std::shared_ptr) between Values and must be immutable while a render runs.
class LazyObject
{
public:
    virtual ~LazyObject() = default;

    /// Django's `obj.name` / `obj[name]`: the attribute or item called name, or nullopt.
    virtual std::optional<Value> attribute(const QString &name) const = 0;

    /// The items when the object is iterated (`{% for %}`, `|join`, `|length`), or nullopt.
    virtual std::optional<QList<Value>> iterate() const;

    /// Python truthiness (`{% if obj %}`). Default: true.
    virtual bool isTruthy() const;

    /// Python str(obj), used when the object is printed. Default: empty.
    virtual QString toString() const;
};

} // namespace LiveActor
