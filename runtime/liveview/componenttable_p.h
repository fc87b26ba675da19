#pragma once

// Private to runtime/liveview: a view's live components, owned by its ViewRunner.

#include "core/result.h"
#include "liveview/componenthandler.h"
#include "template/renderedtree.h"
#include "template/templatecontext.h"

#include <QHash>
#include <QJsonArray>
#include <QList>

#include <map>
#include <memory>

namespace LiveActor {

class ViewHandler;

/// The live components of one view (Phoenix's per-view component state), run inside the view
/// (no actor of their own: a component update is a function call, not a message).
///
/// - cids are allocated from 1 and never reused within the view; (class name, id) → cid.
/// - During a render of the view or of a component, resolver() answers `{% live_component %}`:
///   a new (name, id) is created (ViewHandler::createComponent) and mounted; every call updates
///   it with the tag's assigns and renders it at once (its own components recursively). The same
///   (name, id) twice in one render is an error, as in Phoenix.
/// - event() and sendUpdate() mark a component dirty; renderDirty() re-renders those.
/// - takeMessage() gives the members of a message's "c" map (new components in full, sharing
///   statics by cid reference with another component of the same template; changed ones as
///   diffs against what the client has), or "" when nothing changed.
/// - Each component has its own uploads (UploadState, Phoenix's per-component @uploads): its
///   handler calls get a ViewContext whose upload calls reach them (everything else is the
///   view's), its render reads them as `uploads`, and the view's `allow_upload` / `progress` /
///   form pushes carrying its cid are routed to them (uploadsOf()). Freeing it closes its entries.
/// - Removal is two-phase: markForDeletion() (cids_will_destroy) keeps the component, and a
///   render of it by its parent takes the mark back; destroy() (cids_destroyed) frees the marked.
/// Thread affinity: the view's thread; not copyable.
class ComponentTable
{
public:
    ComponentTable() = default;
    ComponentTable(const ComponentTable &) = delete;
    ComponentTable &operator=(const ComponentTable &) = delete;

    /// The view's upload files, shared with its session (null: nothing uploads, the dead render).
    void setUploadFiles(UploadFiles *files) { m_files = files; }
    /// The uploads of component cid, marked for a re-render (the caller is about to change them);
    /// null if there is no such component.
    UploadState *uploadsOf(int cid);

    /// Starts one render pass of the view (resets the duplicate check).
    void beginRender() { m_seen.clear(); }
    /// The resolver for TemplateContext::setComponentResolver(), valid while view and context are.
    ComponentResolver resolver(ViewHandler &view, ViewContext &context);

    bool contains(int cid) const { return m_entries.count(cid) != 0; }
    /// The cid of component (name, id), or 0.
    int cidOf(const QString &name, const Value &id) const { return m_ids.value(keyOf(m_classes.value(name, name), id)); }
    /// The component's last rendered tree (null if there is no such cid).
    RenderedTree tree(int cid) const
    {
        auto it = m_entries.find(cid);
        return it == m_entries.end() ? RenderedTree() : it->second.current;
    }
    /// Runs a client event on the component. NotFound if cid does not exist.
    Result<void> event(int cid, const QString &name, const QJsonObject &value, ViewContext &context);
    /// Queues an update of the component (name, id) for the next renderDirty(); false if the view
    /// has no such component.
    bool sendUpdate(const QString &name, const Value &id, const ValueMap &assigns);
    /// Applies queued updates and re-renders the dirty components.
    Result<void> renderDirty(ViewHandler &view, ViewContext &context);
    /// The "c" members of the next message ("" when no component changed); what is written is
    /// then what the client has.
    QByteArray takeMessage();
    /// Every component in full, as a join would carry them (for inspection; changes nothing
    /// about what the client is assumed to hold).
    QByteArray fullMessage() const;

    void markForDeletion(const QList<int> &cids);
    /// Frees the marked components among cids; returns the cids freed.
    QList<int> destroy(const QList<int> &cids);

    int size() const { return int(m_entries.size()); }
    /// Changes when components are created or freed (so describe() is rebuilt only then).
    quint64 generation() const { return m_generation; }
    /// "2: Card#1 (id 7), Card#2 (id 9)" for the monitor (count, then at most 50 as
    /// class#cid (id); "" without components).
    QString describe() const;

private:
    struct Entry
    {
        QString name;
        Value id;
        QByteArray key;
        std::unique_ptr<ComponentHandler> handler;
        Template tmpl;
        RenderedTree current;  ///< the last render
        RenderedTree sent;     ///< what the client has (null before the first message)
        bool dirty = false;
        bool pending = false;  ///< rendered since the last takeMessage()
        bool marked = false;   ///< cids_will_destroy seen, not rendered again since
        QList<ValueMap> updates; ///< queued sendUpdate assigns
        UploadState uploads;     ///< the component's own allow_upload configs and entries
    };
    static QByteArray keyOf(const QString &name, const Value &id);
    Result<int> mountNew(const QString &name, const Value &id, std::unique_ptr<ComponentHandler> handler,
                         ViewContext &context);
    Result<void> render(int cid, Entry &e, ViewHandler &view, ViewContext &context);
    Result<void> applyUpdate(Entry &e, const ValueMap &assigns, ViewContext &context);
    void forgetStatics(int cid);

    std::map<int, Entry> m_entries; // ordered: "c" lists components by cid
    QHash<QByteArray, int> m_ids;
    QHash<QString, QString> m_classes; // name in the tag → the class's full name
    QSet<QByteArray> m_seen;
    QHash<quint64, int> m_clientStatics; // statics fingerprint → a cid the client holds
    int m_nextCid = 1;
    quint64 m_generation = 0;
    int m_depth = 0;
    UploadFiles *m_files = nullptr;
};

} // namespace LiveActor
