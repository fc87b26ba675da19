#pragma once

#include "liveview/componenthandler.h"
#include "python/pyobjectref.h"

#include <QStringList>

#include <pybind11/pytypes.h>

namespace LiveActor {

/// A ComponentHandler whose logic is a liveactor.LiveComponent instance (created by
/// PythonViewHandler::createComponent()).
///
/// Each callback takes the GIL for the call, then converts only the assigns that changed
/// (`_la_take`, as views do) and applies the queued commands (push_event, navigation,
/// send_update) to the view's context. Callbacks run to the end in place (no async, no worker
/// pool). Errors: a Python exception returns Error{Crashed, "<Class>.<callback> raised\n<traceback>"}.
/// Threading: one thread at a time (the view's).
class PythonComponentHandler final : public ComponentHandler
{
public:
    /// cls: the LiveComponent subclass; name: its "module.Qualname" (send_update's key);
    /// templateDirs: where template_name is looked up (the view's).
    PythonComponentHandler(PyObjectRef cls, QString name, QStringList templateDirs);
    ~PythonComponentHandler() override;

    QString className() const override { return m_name; }
    Result<void> mount(ViewContext &context) override;
    Result<void> update(const ValueMap &assigns, ViewContext &context) override;
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &context) override;
    Template componentTemplate() const override { return m_template; }
    Result<ValueMap> assigns() override { return m_assigns; }
    Result<ValueMap> inspectAssigns() const override { return m_assigns; }
    std::optional<QSet<QString>> changedAssigns() override;

private:
    template<typename Fn>
    Result<void> call(const QString &label, bool full, ViewContext &context, Fn &&fn);

    PyObjectRef m_cls;
    QString m_name;
    QStringList m_templateDirs;
    PyObjectRef m_instance;
    Template m_template;
    ValueMap m_assigns;
    QSet<QString> m_changed;
    bool m_allChanged = true;
};

namespace PythonAssigns {
/// After a callback (GIL held): `instance._la_take(full)` — converts the changed assigns into
/// assigns (removing deleted ones), records their names in changed, returns the queued commands.
/// who names the class in errors.
Result<pybind11::list> take(pybind11::handle instance, bool full, ValueMap &assigns, QSet<QString> &changed,
                            const QString &who);
/// changedAssigns() of a view or component: nullopt (and the record cleared) after a full
/// take, else the names recorded since the last call.
std::optional<QSet<QString>> takeChanged(QSet<QString> &changed, bool &allChanged);
/// Applies a ("send_update", class name, id, assigns) command (GIL held).
Result<void> sendUpdate(pybind11::handle command, ViewContext &context, const QString &who);
} // namespace PythonAssigns

} // namespace LiveActor
