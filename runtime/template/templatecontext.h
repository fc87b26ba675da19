#pragma once

#include "template/renderedtree.h"
#include "template/templateerror.h"
#include "template/value.h"

#include <QDateTime>
#include <QString>

#include <functional>

namespace LiveActor {

/// The variables (assigns) and per-render settings a Template renders with.
///
/// Assigns are the top-level names a template reads (`{{ count }}` reads "count"). Besides them:
/// - csrf: `{% csrf_token %}` prints `<input type="hidden" name="csrfmiddlewaretoken" value="…">`
///   with the token the server fills via setCsrfToken() or, lazily, setCsrfTokenProvider()
///   (called each time the tag renders, never when the template does not use it). Without a
///   token the tag prints "" as Django does.
/// - strict: a variable that does not resolve is a render error (TemplateError::MissingVariable)
///   instead of "" — meant for dev mode.
/// - autoescape: the initial autoescape state (Django's default: on).
/// - now: the time `{% now %}` and the timesince filter use (default: the current local time,
///   read once per render when first needed); set it for reproducible output.
/// - components: `{% live_component Card id=… %}` asks the resolver set with
///   setComponentResolver() for the component (class name as written, the evaluated keyword
///   arguments); it answers the cid and the component's rendered tree. Without a resolver the tag
///   is a render error (components need a live view).
/// - nested views: `{% live_render "app.Sidebar" id=… %}` asks the resolver set with
///   setLiveRenderResolver() for the child view's container HTML (the view's class as written,
///   the evaluated id/session/sticky arguments). Without a resolver the tag is a render error.
/// A plain value type; a context is only read during a render, so one context may be rendered
/// from several threads at once if its LazyObjects allow it.
/// A live component as its parent's render sees it: its cid and its tree (for HTML output).
struct ComponentRender
{
    int cid = 0;
    RenderedTree tree;
};
using ComponentResolver = std::function<TemplateResult<ComponentRender>(const QString &name, const ValueMap &assigns)>;

/// The container of a nested live view: its HTML, already escaped.
using LiveRenderResolver = std::function<TemplateResult<QByteArray>(const QString &view, const ValueMap &options)>;

class TemplateContext
{
public:
    TemplateContext() = default;
    explicit TemplateContext(const ValueMap &assigns) : m_assigns(assigns) { }

    /// Sets (or replaces) one assign.
    void set(const QString &name, const Value &value) { m_assigns.insert(name, value); }
    /// The assign called name, or nullptr.
    const Value *find(const QString &name) const { return m_assigns.find(name); }
    const ValueMap &assigns() const { return m_assigns; }

    void setCsrfToken(const QString &token) { m_csrfToken = token; m_csrfProvider = {}; }
    void setCsrfTokenProvider(std::function<QString()> provider) { m_csrfProvider = std::move(provider); }
    /// The token: the provider's answer if one is set, else the fixed token (may be empty).
    QString csrfToken() const { return m_csrfProvider ? m_csrfProvider() : m_csrfToken; }

    void setStrict(bool strict) { m_strict = strict; }
    bool isStrict() const { return m_strict; }

    void setAutoescape(bool on) { m_autoescape = on; }
    bool autoescape() const { return m_autoescape; }

    void setComponentResolver(ComponentResolver resolver) { m_components = std::move(resolver); }
    const ComponentResolver &componentResolver() const { return m_components; }

    void setLiveRenderResolver(LiveRenderResolver resolver) { m_liveRender = std::move(resolver); }
    const LiveRenderResolver &liveRenderResolver() const { return m_liveRender; }

    void setNow(const QDateTime &now) { m_now = now; }
    /// The fixed "now", or an invalid QDateTime meaning "the clock at render time".
    QDateTime now() const { return m_now; }

private:
    ValueMap m_assigns;
    QString m_csrfToken;
    std::function<QString()> m_csrfProvider;
    ComponentResolver m_components;
    LiveRenderResolver m_liveRender;
    QDateTime m_now;
    bool m_strict = false;
    bool m_autoescape = true;
};

} // namespace LiveActor
