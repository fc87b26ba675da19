#pragma once

#include "core/result.h"
#include "liveview/httpresponse.h"
#include "template/template.h"

#include <QByteArray>
#include <QString>

namespace LiveActor {

struct ServerState;

/// The page's outer HTML around a live view's container: the server's own shell, or the app's
/// layout (a Django template), and the development error overlay. Used by the dead render.
///
/// Every page needs, in its <head>, the CSRF meta tag the client joins with, the client scripts
/// and stylesheet, and the app's static/app.css and static/app.js when they exist ("the head
/// tags"). A layout does not write them: they are inserted into its `<head>` — the meta tag and
/// the client stylesheet first, the scripts last, right before `</head>` (a layout
/// that already links /static/app.css or /static/app.js itself keeps its own link, so the file
/// is not loaded twice). A layout without `</head>`, or whose output lacks the container, is an
/// Error naming the layout and what is missing.
struct PageParts
{
    QString containerId;   ///< "phx-…"
    QByteArray container;  ///< the whole `<div id="phx-…" data-phx-main …>…</div>`
    QByteArray csrf;       ///< the page's CSRF token
    QString title;         ///< the view's page_title, empty when it set none
};

/// The server's own page (no layout): <title> is the view's title or the configured default.
QByteArray defaultPage(const ServerState &state, const PageParts &parts);

/// The layout rendered with the container in its content block. The layout's context:
/// `inner_content` (the container, safe HTML — what `{% block content %}` is filled with),
/// `page_title` (the view's title, or ""), the CSRF token for `{% csrf_token %}`, and what
/// `{% static %}` needs to version its URLs. Errors: a render error (with the source around
/// it), no `</head>`, or no container in the output.
Result<QByteArray> layoutPage(const ServerState &state, const Template &layout, const PageParts &parts);

/// The source of the child template that puts `{{ inner_content }}` into layoutName's content block
/// (`{% extends "layoutName" %}{% block content %}{{ inner_content }}{% endblock %}`): what a
/// ViewHandler compiles with its own loader, under the name layoutChildName(), to answer
/// pageLayout().
QString layoutChildSource(const QString &layoutName);
inline QString layoutChildName(const QString &layoutName) { return QStringLiteral("layout:") + layoutName; }

/// Registers the tag libraries layouts load (once per process; any thread; LiveViewServer and
/// PythonInterpreter call it, so any template may load them):
/// - `static`: `{% static "app.css" %}` → "/static/app.css?vsn=<content hash>" for a file the
///   server serves from the app's static/ folder, else "/static/app.css" (Django's
///   `{% load static %}`, same name).
/// - `live`: `{% live_title "Default" prefix="" suffix=" · App" %}` → `<title data-prefix
///   data-suffix data-default>` holding prefix + (page_title or the default) + suffix; the
///   LiveView client rewrites it with the same prefix and suffix when the view's page_title
///   changes.
void registerPageTags();

/// The development error overlay (`--reload`/`--debug` only): a fixed panel over the page with a
/// title and the error's text (a traceback, a template error with its source), everything
/// HTML-escaped. resources/app.js builds the same markup when the server pushes
/// `liveactor:error` and removes it on `liveactor:clear`; resources/app.css styles both.
QByteArray devErrorHtml(const QString &title, const QString &detail);

/// The payload of a `liveactor:error` push: {"title": …, "detail": …} as compact JSON.
QByteArray devErrorPayload(const QString &title, const QString &detail);

/// A 500 page showing the overlay (a failed dead render in development). It loads the client,
/// so a later good reload of the app reloads the page by itself.
HttpResponse devErrorPage(const QString &title, const QString &detail);

} // namespace LiveActor
