"""Custom template filters and tags, and translations, for liveactor's Django templates.

A tag library is what ``{% load name %}`` makes available. Write one as in Django, in
``templatetags/<name>.py`` next to your app (the app's folder is on ``sys.path``)::

    from liveactor import template

    register = template.Library()

    @register.filter
    def shout(value, suffix="!"):
        return str(value).upper() + suffix

    @register.simple_tag
    def greet(name, punctuation="."):
        return "Hello " + name + punctuation

    @register.inclusion_tag("card.html")
    def card(title):
        return {"title": title}

and use it with ``{% load <name> %}``. The module-level decorators ``template.filter``,
``template.simple_tag`` and ``template.inclusion_tag`` register into the library named after the
module they are used in (``templatetags/mylib.py`` → ``mylib``); ``template.Library("mylib")``
names a library explicitly, wherever it is created (it must be imported before a template loads
it). With ``liveactor serve --django``, the filters of the installed apps' Django libraries
(``register = django.template.Library()``) load too.

Filters and tags run on the thread that renders, under the GIL (only for that call): values are
converted to Python and the result back (see docs/templates.md for the cost). An exception in
one crashes the view; the crash message has the template position and the traceback.

Translations (``{% load i18n %}``, ``_("…")``): with Django configured, Django's translation
machinery; otherwise the gettext catalogs set with :func:`configure_i18n`. The language is the
view's ``language`` assign (``self.language = "de"``). Without catalogs the text passes through.
"""

import functools
import gettext
import importlib
import inspect
import sys
import threading

__all__ = ["Library", "filter", "simple_tag", "inclusion_tag", "configure_i18n", "render_string"]

_lock = threading.Lock()
_libraries = {}      # name -> Library
_i18n = {"localedir": None, "domain": "messages", "default_language": None}
_catalogs = {}       # language -> gettext translations


class Library:
    """A named set of filters and tags. ``Library()`` without a name takes the name of the module
    it is created in (``templatetags/mylib.py`` → ``mylib``) when that module is loaded by
    ``{% load %}``; ``Library("mylib")`` registers under that name right away."""

    def __init__(self, name=None):
        self.name = name
        self.filters = {}   # name -> (function, args, is_safe, needs_autoescape)
        self.tags = {}      # name -> (kind, function, takes_context, template_name)
        self._module = sys._getframe(1).f_globals.get("__name__")  # a reload re-creates it
        if name is not None:
            _register(name, self)

    def filter(self, name=None, filter_func=None, *, is_safe=False, needs_autoescape=False):
        """``@register.filter``, ``@register.filter("name")`` or
        ``@register.filter(name=None, is_safe=False, needs_autoescape=False)``."""
        if callable(name) and filter_func is None:   # @register.filter
            return self._add_filter(name.__name__, name, is_safe, needs_autoescape)
        if filter_func is not None:                  # register.filter("name", func)
            return self._add_filter(name, filter_func, is_safe, needs_autoescape)

        def decorate(func):
            return self._add_filter(name or func.__name__, func, is_safe, needs_autoescape)
        return decorate

    def simple_tag(self, func=None, *, takes_context=False, name=None):
        """``@register.simple_tag``: ``{% name arg key=value %}`` prints the return value
        (escaped unless safe); ``{% name arg as var %}`` stores it."""
        def decorate(f):
            self.tags[name or f.__name__] = ("simple", f, bool(takes_context), None)
            return f
        return decorate(func) if func is not None else decorate

    def inclusion_tag(self, filename, *, takes_context=False, name=None):
        """``@register.inclusion_tag("file.html")``: renders file.html with the dict the function
        returns as its only variables."""
        if not isinstance(filename, str):
            raise TypeError("inclusion_tag() takes the template's file name")

        def decorate(f):
            self.tags[name or f.__name__] = ("inclusion", f, bool(takes_context), filename)
            return f
        return decorate

    def _add_filter(self, name, func, is_safe, needs_autoescape):
        self.filters[name] = (func, _filter_args(func, needs_autoescape), bool(is_safe), bool(needs_autoescape))
        func.is_safe = bool(is_safe)
        func.needs_autoescape = bool(needs_autoescape)
        return func

    def __repr__(self):
        return "<liveactor.template.Library %r: %d filters, %d tags>" % (self.name, len(self.filters), len(self.tags))


def _filter_args(func, needs_autoescape):
    """0: no argument, 1: one required, 2: one optional (Django's filter arity check)."""
    params = [p for p in inspect.signature(func).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
              and not (needs_autoescape and p.name == "autoescape")]
    if len(params) < 1 or len(params) > 2:
        raise TypeError("a template filter takes the value and at most one argument: %s%s"
                        % (func.__name__, inspect.signature(func)))
    if len(params) == 1:
        return 0
    return 2 if params[1].default is not inspect.Parameter.empty else 1


def _register(name, lib):
    with _lock:
        _libraries[name] = lib


def _module_library(depth=2):
    """The library named after the calling module (module-level decorators)."""
    caller = sys._getframe(depth).f_globals
    if isinstance(caller.get("register"), Library):  # Django's pattern and the decorators mixed
        return caller["register"]
    name = caller.get("__name__", "__main__").rsplit(".", 1)[-1]
    with _lock:
        lib = _libraries.get(name)
        if lib is None or not _current(lib):
            lib = _bare_library(name, caller.get("__name__"))
            _libraries[name] = lib
    return lib


def _bare_library(name, module):
    lib = Library.__new__(Library)
    lib.name, lib.filters, lib.tags, lib._module = name, {}, {}, module
    return lib


def _current(lib):
    """False once the module that made lib is gone (purged by `liveactor serve --reload`)."""
    return lib._module is None or lib._module in sys.modules


def filter(name=None, is_safe=False, needs_autoescape=False):
    """``@template.filter`` or ``@template.filter(name=None, is_safe=False, needs_autoescape=False)``
    in the module's library."""
    lib = _module_library()
    if callable(name):
        return lib.filter(name)
    return lib.filter(name, is_safe=is_safe, needs_autoescape=needs_autoescape)


def simple_tag(func=None, *, takes_context=False, name=None):
    """``@template.simple_tag`` in the module's library."""
    return _module_library().simple_tag(func, takes_context=takes_context, name=name)


def inclusion_tag(filename, *, takes_context=False, name=None):
    """``@template.inclusion_tag("file.html")`` in the module's library."""
    return _module_library().inclusion_tag(filename, takes_context=takes_context, name=name)


# ---- the native side's hooks (called with the GIL held) ----

def _resolve(name):
    """The Library for ``{% load name %}``: registered, or imported from templatetags/<name>.py,
    or (Django configured) an installed app's library. None if there is none."""
    with _lock:
        lib = _libraries.get(name)
    if lib is not None and _current(lib):
        return lib
    if not name.isidentifier():
        return None
    for module_name in ["templatetags." + name] + _django_library_modules(name):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name is not None and module_name.startswith(e.name):
                continue  # no such module; an import error inside one is the library's bug
            raise
        lib = _library_of(module, name)
        if lib is not None:
            return lib
    return None


def _library_of(module, name):
    register = getattr(module, "register", None)
    with _lock:
        decorated = _libraries.get(module.__name__.rsplit(".", 1)[-1])
    if decorated is not None and not _current(decorated):
        decorated = None
    if isinstance(register, Library):
        if decorated is not None and decorated is not register:  # decorators used before `register`
            register.filters = {**decorated.filters, **register.filters}
            register.tags = {**decorated.tags, **register.tags}
        if register.name is None:
            register.name = name
        _register(name, register)
        return register
    if decorated is not None:
        return decorated
    if register is not None and hasattr(register, "filters") and hasattr(register, "tags"):
        return _from_django(name, register)
    return None


def _django_library_modules(name):
    from liveactor import _django
    if not _django._ready:
        return []
    from django.template.backends.django import get_installed_libraries
    path = get_installed_libraries().get(name)
    return [path] if path else []


def _from_django(name, django_lib):
    """A Django library's filters as a liveactor library (its tags are Django compile functions,
    which liveactor cannot run: they stay unknown)."""
    lib = _bare_library(name, None)
    for fname, func in django_lib.filters.items():
        needs_autoescape = getattr(func, "needs_autoescape", False)
        try:
            lib._add_filter(fname, func, getattr(func, "is_safe", False), needs_autoescape)
        except (TypeError, ValueError):
            continue
    _register(name, lib)
    return lib


def configure_i18n(localedir, domain="messages", default_language=None):
    """Translations from gettext catalogs: ``<localedir>/<language>/LC_MESSAGES/<domain>.mo``.
    default_language is used where a view sets no ``language``. Not needed with Django, whose
    translation machinery (LOCALE_PATHS, the apps' locale folders) is used when configured."""
    with _lock:
        _i18n.update(localedir=localedir, domain=domain, default_language=default_language)
        _catalogs.clear()
    _clear_native_cache()


def _clear_native_cache():
    from liveactor import _host
    host = _host.current()
    clear = getattr(host, "clear_translations", None)
    if clear is not None:
        clear()


def _catalog(language):
    with _lock:
        t = _catalogs.get(language)
        if t is None:
            if _i18n["localedir"] is None or not language:
                t = gettext.NullTranslations()
            else:
                t = gettext.translation(_i18n["domain"], _i18n["localedir"], languages=[language], fallback=True)
            _catalogs[language] = t
    return t


def _translate(language, context, singular, plural, count):
    """The translation (plural None: gettext/pgettext, else ngettext/npgettext)."""
    if isinstance(count, float) and count.is_integer():
        count = int(count)
    from liveactor import _django
    if _django._ready:
        from django.conf import settings
        from django.utils import translation
        with translation.override(language or settings.LANGUAGE_CODE):
            if plural is None:
                return translation.pgettext(context, singular) if context else translation.gettext(singular)
            return (translation.npgettext(context, singular, plural, count) if context
                    else translation.ngettext(singular, plural, count))
    t = _catalog(language or _i18n["default_language"])
    if plural is None:
        return t.pgettext(context, singular) if context else t.gettext(singular)
    return t.npgettext(context, singular, plural, count) if context else t.ngettext(singular, plural, count)


def render_string(source, context=None, language=None, dirs=()):
    """Renders template source with context (a dict) to HTML, natively — what a view's render
    does, without a view (for tests and scripts); include, extends and inclusion tags find
    templates in dirs. Needs a running liveactor runtime; raises ValueError for a template error."""
    from liveactor import _host
    host = _host.current()
    render = getattr(host, "render_template", None)
    if render is None:
        raise _host.NoRuntime("liveactor.template.render_string() needs a running liveactor runtime")
    context = dict(context or {})
    if language is not None:
        context["language"] = language
    return render(source, context, [str(d) for d in dirs])
