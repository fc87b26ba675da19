#include "liveview/componenttable_p.h"

#include "liveview/viewhandler.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {
constexpr int kMaxNesting = 32;       // components inside components
constexpr int kMaxUpdateRounds = 100; // send_update from update(): bounded, not a loop forever

TemplateError renderError(const QString &message)
{
    return TemplateError{TemplateError::Kind::Render, {}, 0, 0, message};
}

/// What a component's handler calls get: the view's context, except that uploads are the
/// component's own (Phoenix keeps @uploads per socket, and a component has its own socket).
class ComponentContext final : public ViewContext
{
public:
    ComponentContext(ViewContext &view, UploadState &uploads, UploadFiles *files)
        : m_view(view), m_uploads(uploads), m_files(files)
    {
    }

    QString viewId() const override { return m_view.viewId(); }
    QString topic() const override { return m_view.topic(); }
    QUrl url() const override { return m_view.url(); }
    bool isConnected() const override { return m_view.isConnected(); }
    void pushEvent(const QString &name, const QJsonValue &payload) override { m_view.pushEvent(name, payload); }
    void pushPatch(const QString &to, bool replace) override { m_view.pushPatch(to, replace); }
    void pushNavigate(const QString &to, bool replace) override { m_view.pushNavigate(to, replace); }
    void redirect(const QString &to) override { m_view.redirect(to); }
    void setTitle(const QString &title) override { m_view.setTitle(title); }
    QJsonObject flash() const override { return m_view.flash(); }
    void carryFlash(const QJsonObject &flash) override { m_view.carryFlash(flash); }
    void replyEvent(const QJsonObject &reply) override { m_view.replyEvent(reply); }
    Result<void> subscribe(const QString &topic) override { return m_view.subscribe(topic); }
    void unsubscribe(const QString &topic) override { m_view.unsubscribe(topic); }
    int broadcast(const QString &topic, const QVariant &payload) override { return m_view.broadcast(topic, payload); }
    quint64 sendAfter(std::chrono::milliseconds delay, const ViewInfo &info) override
    {
        return m_view.sendAfter(delay, info);
    }
    bool cancelTimer(quint64 id) override { return m_view.cancelTimer(id); }
    ViewResume suspend(const QString &what) override { return m_view.suspend(what); }
    bool sendUpdate(const QString &component, const Value &id, const ValueMap &assigns) override
    {
        return m_view.sendUpdate(component, id, assigns);
    }
    bool canSuspend() const override { return m_view.canSuspend(); }
    void setStatus(const QString &key, const QString &value) override { m_view.setStatus(key, value); }

    Result<QString> allowUpload(const UploadConfig &config) override { return m_uploads.allow(config); }
    Result<void> disallowUpload(const QString &name) override { return m_uploads.disallow(name, m_files); }
    Result<void> cancelUpload(const QString &name, const QString &entryRef) override
    {
        return m_uploads.cancel(name, entryRef, m_files);
    }
    Result<std::vector<CompletedUpload>> consumeUploadedEntries(const QString &name) override
    {
        return m_uploads.consume(name, m_files);
    }
    Value uploads() const override { return m_uploads.toValue(); }

private:
    ViewContext &m_view;
    UploadState &m_uploads;
    UploadFiles *m_files;
};
} // namespace

QByteArray ComponentTable::keyOf(const QString &name, const Value &id)
{
    // typed: id=1 and id="1" are different components, as in Phoenix
    return name.toUtf8() + '\0' + id.toJsonText();
}

ComponentResolver ComponentTable::resolver(ViewHandler &view, ViewContext &context)
{
    return [this, &view, &context](const QString &name, const ValueMap &assigns) -> TemplateResult<ComponentRender> {
        const Value *id = assigns.find(u"id"_s);
        if (!id || id->isNull())
            return std::unexpected(renderError(u"live_component %1: id must not be None"_s.arg(name)));
        // The tag's name → the class's full name (what sendUpdate() uses), learnt from the
        // first handler created for it.
        std::unique_ptr<ComponentHandler> fresh;
        QString cls = m_classes.value(name);
        if (cls.isEmpty()) {
            auto created = view.createComponent(name);
            if (!created)
                return std::unexpected(renderError(created.error().message));
            fresh = std::move(*created);
            cls = fresh->className().isEmpty() ? name : fresh->className();
            m_classes.insert(name, cls);
        }
        const QByteArray key = keyOf(cls, *id);
        if (m_seen.contains(key))
            return std::unexpected(renderError(u"live_component %1: duplicate id %2 in one render (ids must be unique "
                                                "among the view's %1 components)"_s.arg(name, QString::fromUtf8(id->toJsonText()))));
        m_seen.insert(key);
        int cid = m_ids.value(key);
        if (!cid) {
            if (!fresh) {
                auto created = view.createComponent(name);
                if (!created)
                    return std::unexpected(renderError(created.error().message));
                fresh = std::move(*created);
            }
            auto mounted = mountNew(cls, *id, std::move(fresh), context);
            if (!mounted)
                return std::unexpected(renderError(mounted.error().message));
            cid = *mounted;
        }
        Entry &e = m_entries.at(cid);
        e.marked = false; // rendered again before cids_destroyed: it stays
        if (auto r = applyUpdate(e, assigns, context); !r)
            return std::unexpected(renderError(r.error().message));
        if (auto r = render(cid, e, view, context); !r)
            return std::unexpected(renderError(r.error().message));
        return ComponentRender{cid, e.current};
    };
}

Result<int> ComponentTable::mountNew(const QString &name, const Value &id, std::unique_ptr<ComponentHandler> handler,
                                     ViewContext &context)
{
    UploadState uploads; // allow_upload in mount: the entry does not exist yet
    ComponentContext own(context, uploads, m_files);
    if (auto r = handler->mount(own); !r)
        return fail(r.error());
    Template tmpl = handler->componentTemplate();
    if (tmpl.isNull())
        return fail(ErrorCode::InvalidArgument, u"component %1 has no template after mount"_s.arg(name));
    const int cid = m_nextCid++;
    Entry &e = m_entries[cid];
    e.name = name;
    e.id = id;
    e.key = keyOf(name, id);
    e.handler = std::move(handler);
    e.tmpl = tmpl;
    e.uploads = std::move(uploads);
    m_ids.insert(e.key, cid);
    ++m_generation;
    return cid;
}

Result<void> ComponentTable::applyUpdate(Entry &e, const ValueMap &assigns, ViewContext &context)
{
    ComponentContext own(context, e.uploads, m_files);
    return e.handler->update(assigns, own);
}

Result<void> ComponentTable::render(int cid, Entry &e, ViewHandler &view, ViewContext &context)
{
    if (m_depth >= kMaxNesting)
        return fail(ErrorCode::InvalidArgument, u"components nested more than %1 deep"_s.arg(kMaxNesting));
    auto assigns = e.handler->assigns();
    if (!assigns)
        return fail(assigns.error());
    assigns->insert(u"myself"_s, Value(qint64(cid)));
    const bool uploadsChanged = e.uploads.takeDirty();
    if (!e.uploads.isEmpty())
        assigns->insert(u"uploads"_s, e.uploads.toValue());
    TemplateContext ctx(*assigns);
    ctx.setComponentResolver(resolver(view, context));
    auto changed = e.handler->changedAssigns();
    if (changed && uploadsChanged)
        changed->insert(u"uploads"_s);
    ++m_depth;
    auto tree = (e.current.isNull() || !changed) ? e.tmpl.render(ctx) : e.tmpl.render(ctx, e.current, *changed);
    --m_depth;
    if (!tree)
        return fail(ErrorCode::Crashed, tree.error().toString());
    if (!tree->hasSingleRoot())
        return fail(ErrorCode::InvalidArgument,
                    u"component %1: its template must render exactly one root element (the client marks it "
                    "with data-phx-component)"_s.arg(e.name));
    e.current = std::move(*tree);
    e.pending = true;
    e.dirty = false;
    return {};
}

Result<void> ComponentTable::event(int cid, const QString &name, const QJsonObject &value, ViewContext &context)
{
    auto it = m_entries.find(cid);
    if (it == m_entries.end())
        return fail(ErrorCode::NotFound, u"no component with cid %1"_s.arg(cid));
    it->second.dirty = true;
    ComponentContext own(context, it->second.uploads, m_files);
    return it->second.handler->handleEvent(name, value, own);
}

UploadState *ComponentTable::uploadsOf(int cid)
{
    auto it = m_entries.find(cid);
    if (it == m_entries.end())
        return nullptr;
    it->second.dirty = true;
    return &it->second.uploads;
}

bool ComponentTable::sendUpdate(const QString &name, const Value &id, const ValueMap &assigns)
{
    const int cid = m_ids.value(keyOf(name, id));
    if (!cid)
        return false;
    Entry &e = m_entries.at(cid);
    e.updates.append(assigns);
    e.dirty = true;
    return true;
}

Result<void> ComponentTable::renderDirty(ViewHandler &view, ViewContext &context)
{
    for (int round = 0; round < kMaxUpdateRounds; ++round) {
        bool any = false;
        for (auto &[cid, e] : m_entries) {
            if (!e.dirty)
                continue;
            any = true;
            for (const ValueMap &assigns : std::exchange(e.updates, {}))
                if (auto r = applyUpdate(e, assigns, context); !r)
                    return r;
            if (auto r = render(cid, e, view, context); !r)
                return r;
        }
        if (!any)
            return {};
    }
    return fail(ErrorCode::InvalidArgument, u"send_update kept updating components after %1 rounds"_s.arg(kMaxUpdateRounds));
}

QByteArray ComponentTable::takeMessage()
{
    QByteArray out;
    QHash<quint64, int> inMessage; // statics fingerprint → a cid sent in full in this message
    for (auto &[cid, e] : m_entries) {
        if (!e.pending)
            continue;
        e.pending = false;
        QByteArray body;
        const quint64 print = e.current.staticsFingerprint();
        if (e.sent.isNull()) {
            // Statics once per template: a positive cid is in this message, a negative one is
            // a component the client already holds.
            int ref = inMessage.value(print);
            if (!ref)
                ref = -m_clientStatics.value(print);
            body = e.current.toComponentJson(ref);
            if (!inMessage.contains(print))
                inMessage.insert(print, cid);
        } else {
            body = RenderedTree::componentDiff(e.sent, e.current);
        }
        e.sent = e.current;
        if (!e.marked && !m_clientStatics.contains(print))
            m_clientStatics.insert(print, cid);
        if (body == "{}")
            continue;
        if (!out.isEmpty())
            out.append(',');
        out.append('"');
        out.append(QByteArray::number(cid));
        out.append("\":");
        out.append(body);
    }
    return out;
}

QByteArray ComponentTable::fullMessage() const
{
    QByteArray out;
    QHash<quint64, int> inMessage;
    for (const auto &[cid, e] : m_entries) {
        if (e.current.isNull())
            continue;
        const quint64 print = e.current.staticsFingerprint();
        if (!out.isEmpty())
            out.append(',');
        out.append('"' + QByteArray::number(cid) + "\":");
        out.append(e.current.toComponentJson(inMessage.value(print)));
        inMessage.insert(print, cid);
    }
    return out;
}

void ComponentTable::forgetStatics(int cid)
{
    for (auto it = m_clientStatics.begin(); it != m_clientStatics.end();) {
        if (*it == cid)
            it = m_clientStatics.erase(it);
        else
            ++it;
    }
}

void ComponentTable::markForDeletion(const QList<int> &cids)
{
    for (int cid : cids) {
        auto it = m_entries.find(cid);
        if (it == m_entries.end())
            continue;
        it->second.marked = true;
        forgetStatics(cid); // the client may drop it: no new component refers to it any more
    }
}

QList<int> ComponentTable::destroy(const QList<int> &cids)
{
    QList<int> freed;
    for (int cid : cids) {
        auto it = m_entries.find(cid);
        if (it == m_entries.end() || !it->second.marked)
            continue;
        m_ids.remove(it->second.key);
        it->second.uploads.closeAll(m_files); // its entries' files go with it
        m_entries.erase(it);
        freed.append(cid);
    }
    if (!freed.isEmpty())
        ++m_generation;
    return freed;
}

QString ComponentTable::describe() const
{
    if (m_entries.empty())
        return {};
    // the count first: the monitor shows the start of long details
    QStringList parts;
    for (const auto &[cid, e] : m_entries) {
        if (parts.size() == 50) {
            parts.append(u"…"_s);
            break;
        }
        parts.append(u"%1#%2 (id %3)"_s.arg(e.name.section(u'.', -1)).arg(cid).arg(QString::fromUtf8(e.id.toJsonText())));
    }
    return u"%1: "_s.arg(m_entries.size()) + parts.join(u", "_s);
}

} // namespace LiveActor
