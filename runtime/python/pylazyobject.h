#pragma once

#include "python/pyobjectref.h"
#include "template/lazyobject.h"
#include "template/value.h"

namespace LiveActor {

/// A Python object exposed to templates without converting it up front.
///
/// Django's lookup order is followed for `obj.name`: item (`obj["name"]`, for mappings), then
/// attribute (names starting with `_` are refused, as in Django), then list index (`obj.0`). A
/// callable attribute is called without arguments, as Django does, unless it sets
/// `do_not_call_in_templates = True`. Results are converted with PyConvert::toValue; lookups
/// that raise are "not found" (the template prints ""), and the error is logged at debug level.
///
/// Thread affinity: any; every method takes the GIL itself (the render runs without it), so a
/// template that reads many attributes of lazy objects pays one GIL round trip per read —
/// convert eagerly (dicts, dataclasses) when that matters. Immutable: holds one PyObjectRef.
class PyLazyObject final : public LazyObject
{
public:
    explicit PyLazyObject(PyObjectRef object) : m_object(std::move(object)) { }

    std::optional<Value> attribute(const QString &name) const override;
    std::optional<QList<Value>> iterate() const override;
    bool isTruthy() const override;
    QString toString() const override;

    const PyObjectRef &object() const { return m_object; }

private:
    PyObjectRef m_object;
};

} // namespace LiveActor
