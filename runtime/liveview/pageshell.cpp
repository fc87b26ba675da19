#include "liveview/pageshell.h"

#include "liveview/clientassets.h"
#include "liveview/serverstate_p.h"
#include "liveview/uploadinput.h"
#include "template/errorreport.h"
#include "template/escaping.h"
#include "template/lazyobject.h"
#include "template/templatelibrary.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <mutex>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

/// The context variable through which `{% static %}` reaches the server's static files (not a
/// name a template would use by accident).
constexpr auto kStaticUrls = u"__liveactor_static__";

/// `{% static %}`'s lookup during a layout render: attribute(name) is the versioned URL.
class StaticUrls final : public LazyObject
{
public:
    explicit StaticUrls(StaticFiles *files) : m_files(files) { }
    std::optional<Value> attribute(const QString &name) const override
    {
        const QByteArray url = m_files ? m_files->urlFor(name) : QByteArray();
        return Value(url.isEmpty() ? u"/static/"_s + name : QString::fromUtf8(url));
    }

private:
    StaticFiles *m_files;
};

TemplateResult<Value> staticTag(const TemplateTagCall &call)
{
    if (call.args.size() != 1 || !call.kwargs.isEmpty())
        return std::unexpected(TemplateError{TemplateError::Kind::Syntax, {}, 0, 0,
                                             u"'static' takes one argument: the file's path in static/"_s});
    QString path = call.args.first().toString();
    while (path.startsWith(u'/'))
        path.remove(0, 1);
    if (const Value *urls = call.context ? call.context->find(QString::fromUtf16(kStaticUrls)) : nullptr)
        if (const LazyObject *object = urls->object())
            return *object->attribute(path);
    return Value(u"/static/"_s + path); // outside a layout: the unversioned URL
}

TemplateResult<Value> liveTitleTag(const TemplateTagCall &call)
{
    if (call.args.size() > 1)
        return std::unexpected(TemplateError{TemplateError::Kind::Syntax, {}, 0, 0,
                                             u"'live_title' takes one argument (the default title) and "
                                             "prefix= / suffix="_s});
    QString prefix, suffix;
    for (const auto &[key, value] : call.kwargs) {
        if (key == u"prefix")
            prefix = value.toString();
        else if (key == u"suffix")
            suffix = value.toString();
        else
            return std::unexpected(TemplateError{TemplateError::Kind::Syntax, {}, 0, 0,
                                                 u"'live_title' knows prefix= and suffix=, not %1="_s.arg(key)});
    }
    const QString fallback = call.args.isEmpty() ? QString() : call.args.first().toString();
    const Value *given = call.context ? call.context->find(u"page_title"_s) : nullptr;
    const QString title = given && !given->toString().trimmed().isEmpty() ? given->toString() : fallback;
    // The client (DOM.putTitle) reads data-prefix, data-suffix and data-default.
    QByteArray out = "<title";
    auto attribute = [&out](const char *name, const QString &value) {
        out += ' ';
        out += name;
        out += "=\"";
        appendHtmlEscaped(out, value);
        out += '"';
    };
    if (!prefix.isEmpty())
        attribute("data-prefix", prefix);
    if (!suffix.isEmpty())
        attribute("data-suffix", suffix);
    if (!call.args.isEmpty())
        attribute("data-default", fallback);
    out += '>';
    appendHtmlEscaped(out, prefix + title + suffix);
    out += "</title>";
    return Value::safe(QString::fromUtf8(out));
}

std::shared_ptr<const TemplateTag> simpleTag(const QString &name, bool takesContext,
                                             std::function<TemplateResult<Value>(const TemplateTagCall &)> call)
{
    auto tag = std::make_shared<TemplateTag>();
    tag->name = name;
    tag->takesContext = takesContext;
    tag->call = std::move(call);
    return tag;
}

/// What every page's <head> needs (see pageshell.h), in two parts: the CSRF meta tag and the
/// client's stylesheet go first (the app's styles, after them, win), the app's app.css and the
/// scripts last — deferred scripts run in document order, so a static/app.js the layout loads
/// itself still runs before our app.js connects the LiveSocket and reads window.liveactorHooks.
/// page: the layout's output, to leave out the app's files it links itself.
QByteArray headStart(const QByteArray &csrf)
{
    return "<meta name=\"csrf-token\" content=\"" + csrf + "\">\n"
           "<link rel=\"stylesheet\" href=\"" + clientAssetUrl("app.css") + "\">\n";
}

QByteArray headEnd(const ServerState &state, const QByteArray &page = {})
{
    const QByteArray appCss = page.contains("/static/app.css") ? QByteArray() : state.staticFiles->urlFor(u"app.css"_s);
    const QByteArray appJs = page.contains("/static/app.js") ? QByteArray() : state.staticFiles->urlFor(u"app.js"_s);
    QByteArray out;
    if (!appCss.isEmpty())
        out += "<link rel=\"stylesheet\" href=\"" + appCss + "\">\n";
    out += "<script defer src=\"" + clientAssetUrl("phoenix.min.js") + "\"></script>\n"
           "<script defer src=\"" + clientAssetUrl("phoenix_live_view.min.js") + "\"></script>\n";
    if (!appJs.isEmpty())
        out += "<script defer src=\"" + appJs + "\"></script>\n";
    out += "<script defer src=\"" + clientAssetUrl("app.js") + "\"></script>\n";
    return out;
}

/// The page's current development error (a failed reload), shown over it; empty without one.
QByteArray pendingDevError(const ServerState &state)
{
    if (!state.config.debugErrors)
        return {};
    const auto error = state.devError.get();
    return error ? devErrorHtml(error->title, error->detail) : QByteArray();
}

} // namespace

QByteArray defaultPage(const ServerState &state, const PageParts &parts)
{
    const QString title = parts.title.isEmpty() ? state.config.defaultTitle : parts.title;
    QByteArray out;
    out.reserve(parts.container.size() + 1024);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>";
    appendHtmlEscaped(out, title);
    out += "</title>\n" + headStart(parts.csrf) + headEnd(state) + "</head>\n<body>\n";
    out += parts.container;
    out += pendingDevError(state);
    out += "\n</body>\n</html>\n";
    return out;
}

QString layoutChildSource(const QString &layoutName)
{
    QString quoted = layoutName;
    quoted.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u"{% extends \""_s + quoted + u"\" %}{% block content %}{{ inner_content }}{% endblock %}"_s;
}

Result<QByteArray> layoutPage(const ServerState &state, const Template &layout, const PageParts &parts)
{
    TemplateContext ctx;
    ctx.set(u"inner_content"_s, Value::safe(QString::fromUtf8(parts.container)));
    ctx.set(u"page_title"_s, parts.title);
    ctx.set(QString::fromUtf16(kStaticUrls), Value(std::make_shared<const StaticUrls>(state.staticFiles.get())));
    ctx.setCsrfToken(QString::fromLatin1(parts.csrf));
    auto html = layout.renderHtml(ctx);
    if (!html)
        return fail(ErrorCode::Crashed, u"layout: "_s + describeTemplateError(html.error(), layout.sourceFiles()));
    QByteArray out = std::move(*html);
    const QString prefix = layoutChildName({});
    const QString name = layout.name().startsWith(prefix) ? layout.name().mid(prefix.size()) : layout.name();
    if (!out.contains(QByteArray("id=\"" + parts.containerId.toUtf8() + '"')))
        return fail(ErrorCode::InvalidArgument, u"layout %1 has no {% block content %}{% endblock %} (or "
                                                 "{{ inner_content }}) for the live view"_s.arg(name));
    const QByteArray lower = out.toLower();
    qsizetype headOpen = lower.indexOf("<head");
    while (headOpen >= 0 && headOpen + 5 < lower.size() && lower.at(headOpen + 5) != '>' && lower.at(headOpen + 5) != ' ')
        headOpen = lower.indexOf("<head", headOpen + 5); // not <header>
    const qsizetype headOpenEnd = headOpen < 0 ? -1 : lower.indexOf('>', headOpen);
    const qsizetype headClose = lower.indexOf("</head>");
    if (headOpenEnd < 0 || headClose < headOpenEnd)
        return fail(ErrorCode::InvalidArgument, u"layout %1 has no <head>…</head>: the page's CSRF meta tag and "
                                                 "scripts go there"_s.arg(name));
    out.insert(headClose, headEnd(state, out));
    out.insert(headOpenEnd + 1, '\n' + headStart(parts.csrf));
    if (const QByteArray overlay = pendingDevError(state); !overlay.isEmpty()) {
        const qsizetype body = out.toLower().lastIndexOf("</body>");
        out.insert(body < 0 ? out.size() : body, overlay);
    }
    return out;
}

void registerPageTags()
{
    static std::once_flag once;
    std::call_once(once, [] {
        auto statics = std::make_shared<TemplateLibrary>();
        statics->name = u"static"_s;
        statics->tags.insert(u"static"_s, simpleTag(u"static"_s, true, staticTag));
        TemplateLibraries::add(statics);
        auto live = std::make_shared<TemplateLibrary>();
        live->name = u"live"_s;
        live->tags.insert(u"live_title"_s, simpleTag(u"live_title"_s, true, liveTitleTag));
        live->tags.insert(u"static"_s, simpleTag(u"static"_s, true, staticTag));
        live->tags.insert(u"live_file_input"_s, simpleTag(u"live_file_input"_s, false, liveFileInputTag));
        live->tags.insert(u"live_img_preview"_s, simpleTag(u"live_img_preview"_s, false, liveImgPreviewTag));
        TemplateLibraries::add(live);
    });
}

QByteArray devErrorHtml(const QString &title, const QString &detail)
{
    QByteArray out = "<div id=\"liveactor-dev-error\" class=\"liveactor-dev-error\" role=\"alert\">"
                     "<div class=\"liveactor-dev-error-box\">"
                     "<button type=\"button\" class=\"liveactor-dev-error-close\" aria-label=\"Close\">&times;</button>"
                     "<h2>";
    appendHtmlEscaped(out, title);
    out += "</h2><pre>";
    appendHtmlEscaped(out, detail);
    out += "</pre><p class=\"liveactor-dev-error-note\">Shown because the server runs with --reload or --debug; "
           "fix the code and save: the page follows.</p></div></div>";
    return out;
}

QByteArray devErrorPayload(const QString &title, const QString &detail)
{
    return QJsonDocument(QJsonObject{{u"title"_s, title}, {u"detail"_s, detail}}).toJson(QJsonDocument::Compact);
}

HttpResponse devErrorPage(const QString &title, const QString &detail)
{
    QByteArray out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
    appendHtmlEscaped(out, title);
    out += "</title>\n<link rel=\"stylesheet\" href=\"" + clientAssetUrl("app.css") + "\">\n"
           "<script defer src=\"" + clientAssetUrl("phoenix.min.js") + "\"></script>\n"
           "<script defer src=\"" + clientAssetUrl("phoenix_live_view.min.js") + "\"></script>\n"
           "<script defer src=\"" + clientAssetUrl("app.js") + "\"></script>\n"
           "</head>\n<body data-liveactor-error-page>\n";
    out += devErrorHtml(title, detail);
    out += "\n</body>\n</html>\n";
    return {500, "text/html; charset=utf-8", out, {{"Cache-Control", "no-store"}}};
}

} // namespace LiveActor
