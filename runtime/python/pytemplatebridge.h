#pragma once

#include "core/result.h"

namespace pybind11 {
class object;
}

namespace LiveActor::PyTemplateBridge {

/// Connects the template engine to Python (liveactor/template.py), GIL held:
/// - `{% load name %}` of a name the engine does not know asks liveactor.template._resolve(name)
///   and turns the Library it returns into a TemplateLibrary whose filters and tags call the
///   Python functions — each call takes the GIL (GilGuard) only for itself, converts the
///   arguments with PyConvert::fromValue and the result with PyConvert::toValue; a Python
///   exception fails the render with the traceback (the renderer adds the template position);
/// - the i18n tags translate through liveactor.template._translate (Django's machinery or
///   gettext catalogs); TemplateLibraries caches each translation, so a message calls Python once;
/// - host (the liveactor._host namespace) gets clear_translations() and
///   render_template(source, dict, dirs) (liveactor.template.render_string).
void install(pybind11::object &host);
/// Removes the resolver and the translator (before the interpreter goes away), GIL held.
void uninstall();

} // namespace LiveActor::PyTemplateBridge
