#pragma once

#include "liveview/viewhandler.h"
#include "python/pyobjectref.h"
#include "python/pythonviewclass.h"

#include <QHash>

#include <memory>
#include <optional>

namespace pybind11 {
class handle;
}

namespace LiveActor {

/// A ViewHandler whose logic is a Python liveactor.LiveView instance.
///
/// Each callback takes the GIL (GilGuard) only for the Python call and for converting what it
/// changed: after the call it asks the view which assigns changed (`_la_take`), converts only
/// those to template Values (PyConvert::toValue; an unsupported type fails the call with an error
/// naming the assign), and applies the commands the handler queued (push_event, push_patch,
/// push_redirect, redirect, page_title, send_after, cancel_timer, subscribe, unsubscribe, an
/// event handler's returned dict as its reply) to the ViewContext. viewTemplate(), assigns() and changedAssigns() are GIL-free (the ValueMap is kept
/// here); rendering then runs without the GIL except for lazily resolved objects. After assigns()
/// hands out the values for a render, temporary assigns are reset to their defaults on both sides.
///
/// Errors: UnknownEvent (an event without a handler) returns Error{NotFound, its text}: the
/// event is refused, the view goes on. Any other Python exception in mount/handle_params/an
/// event/handle_info returns Error{Crashed, "<what> raised\n<traceback>"} — the server turns it into an actor crash and
/// the traceback is logged and kept (registry "last exit"); also counted in PythonStats::crashes.
/// Each call runs inside a HandlerBudget::Scope (log past the budget, HandlerTimeout past the
/// hard limit). Threading: one thread at a time, as ViewHandler requires; any thread.
class PythonViewHandler final : public ViewHandler
{
public:
    explicit PythonViewHandler(std::shared_ptr<const PythonViewClass> viewClass);
    ~PythonViewHandler() override;

    Result<void> mount(const QJsonObject &params, const QJsonObject &session, ViewContext &context) override;
    Result<void> handleParams(const QJsonObject &params, const QUrl &url, ViewContext &context) override;
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &context) override;
    Result<void> handleInfo(const ViewInfo &info, ViewContext &context) override;
    Result<void> resume(ViewContext &context) override;

    Template viewTemplate() const override { return m_template; }
    /// The class's layout (PythonViewClass::layout) compiled on its template path; a missing or
    /// broken file is an Error with the template error and its source.
    Result<Template> pageLayout() const override;
    Result<ValueMap> assigns() override;
    Result<ValueMap> inspectAssigns() const override { return m_assigns; }
    std::optional<QSet<QString>> changedAssigns() override;
    /// The record of a class with `persist` as the last callback left it (made under that
    /// callback's GIL, see takeRecord()); nullopt otherwise. Never takes the GIL.
    Result<std::optional<QByteArray>> persistedState() override;
    /// `_la_resume(record)`, then its changes and commands as after a callback.
    Result<bool> restoreState(const QByteArray &record, ViewContext &context) override;
    /// A liveactor.LiveComponent named in the template (see liveactor.component._la_resolve).
    Result<std::unique_ptr<ComponentHandler>> createComponent(const QString &name) override;

    /// The Python view instance (null before mount).
    const PyObjectRef &instance() const { return m_view; }
    const PythonViewClass &viewClass() const { return *m_class; }

    /// A ViewFactory-compatible function creating handlers of viewClass.
    static std::function<Result<std::unique_ptr<ViewHandler>>()>
    factory(std::shared_ptr<const PythonViewClass> viewClass);

private:
    enum class Call { Mount, Params, Event, Info };
    /// A callback that returned a Job (see liveactor/_work.py) runs elsewhere: the view is
    /// suspended, the job started with a resume function; resume() finishes it.
    Result<void> startJob(pybind11::handle job, ViewContext &context);
    /// Runs fn (GIL held) in a budget scope, then collects changes and commands.
    template<typename Fn>
    Result<void> call(Call kind, const QString &label, ViewContext &context, Fn &&fn);
    Result<void> collect(bool full, ViewContext &context);
    /// GIL held, after _la_take: a new record into m_record when a kept assign changed.
    void takeRecord();
    Result<void> applyCommand(pybind11::handle command, ViewContext &context);
    void replyEvent(pybind11::handle command, ViewContext &context);
    Result<void> loadTemplate();

    std::shared_ptr<const PythonViewClass> m_class;
    PyObjectRef m_view;
    Template m_template;
    ValueMap m_assigns;
    QSet<QString> m_changed;
    bool m_allChanged = true;
    bool m_hasTemporaries = false;
    bool m_persists = false;        ///< the class declares `persist` (read at mount)
    std::optional<QByteArray> m_record; ///< the newest record (`persist`), nullopt before the first
    std::optional<Error> m_recordError; ///< why the newest record could not be made, until reported
    Call m_pending = Call::Event;   ///< the callback a suspended job belongs to
    QHash<qint64, quint64> m_timers; // Python timer token → ViewContext timer id
    // Template source resolved at mount (GIL held), compiled after (GIL released)
    QString m_templateKind;
    QString m_templateText;
};

} // namespace LiveActor
