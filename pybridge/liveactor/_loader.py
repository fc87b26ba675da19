"""Loading a user's app for ``liveactor serve`` (and reloading it for ``--reload``).

An app spec is ``path/to/app.py``, ``path/to/app.py:attr``, ``package.module`` or
``package.module:attr``; attr (default ``routes``) names a dict mapping URL patterns to
LiveView subclasses::

    routes = {"/": Counter, "/items/:id": Item}

Template files are looked up, in order, in ``templates/`` next to the module that defines the
view class, next to that module, then in the app's ``template_dirs`` (a module attribute; relative
paths are relative to the app's directory), ``templates/`` next to the app and the app's directory.

The page's layout (the outer HTML of the page, see docs/writing-views.md) is a template name found
on the same path: the app module's ``layout`` (default: none, the server's own page), which a view
overrides with a class attribute ``layout = "other.html"`` or ``layout = None``.
"""

import importlib
import importlib.util
import os
import sys

from liveactor.view import LiveView

__all__ = ["load", "reload", "resolve_view", "template_dirs_for", "layout_for"]


class AppError(Exception):
    """The app spec cannot be loaded (missing file, no routes, a route that is not a LiveView)."""


def _split(spec):
    # "C:\\x.py" does not occur on Debian; a colon separates the attribute.
    if ":" in spec:
        target, attr = spec.rsplit(":", 1)
        if not attr.isidentifier():
            raise AppError("invalid attribute %r in app spec %r" % (attr, spec))
    else:
        target, attr = spec, "routes"
    return target, attr


def _purge(directory):
    """Forgets modules loaded from files under directory, so a reload re-imports them."""
    directory = os.path.join(os.path.realpath(directory), "")
    for name, module in list(sys.modules.items()):
        if name == "liveactor" or name.startswith("liveactor."):
            continue  # the runtime's own package keeps its state (the installed host)
        path = getattr(module, "__file__", None)
        if path and os.path.realpath(path).startswith(directory):
            del sys.modules[name]
            _drop_bytecode(path)


def _drop_bytecode(path):
    # A .pyc records the source's mtime in whole seconds and its size: an edit within the same
    # second that keeps the size would load stale code. Reloads always compile from source.
    try:
        os.remove(importlib.util.cache_from_source(path))
    except (OSError, ValueError, NotImplementedError):
        pass


def load(spec, reload=False):
    """Imports the app. Returns a dict: routes (list of (pattern, class)), app_dir, module,
    template_dirs (app-level), watch (directories to watch for --reload), layout,
    content_security_policy (the module's, or None)."""
    target, attr = _split(spec)
    if target.endswith(".py") or os.sep in target:
        path = os.path.realpath(target)
        if not os.path.isfile(path):
            raise AppError("app file not found: %s" % target)
        app_dir = os.path.dirname(path)
        if reload:
            _purge(app_dir)
            _drop_bytecode(path)
        if app_dir not in sys.path:
            sys.path.insert(0, app_dir)
        name = os.path.splitext(os.path.basename(path))[0]
        # Import under its plain name (so "from app import X" in helpers sees the same module)
        # unless that name is taken by something else on sys.path.
        existing = sys.modules.get(name)
        if existing is not None and os.path.realpath(getattr(existing, "__file__", "") or "") != path:
            name = "_liveactor_app_" + name
        module_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
    else:
        if os.getcwd() not in sys.path and "" not in sys.path:
            sys.path.insert(0, os.getcwd())
        if reload and target in sys.modules:
            top = sys.modules[target]
            _purge(os.path.dirname(os.path.realpath(top.__file__)))
        module = importlib.import_module(target)
        app_dir = os.path.dirname(os.path.realpath(module.__file__))

    routes = getattr(module, attr, None)
    if routes is None:
        raise AppError("%s has no %r (expected a dict like {\"/\": MyView})" % (spec, attr))
    if not isinstance(routes, dict) or not routes:
        raise AppError("%s.%s must be a non-empty dict of URL pattern -> LiveView subclass"
                       % (module.__name__, attr))
    pairs = []
    for pattern, view in routes.items():
        if not isinstance(pattern, str) or not pattern.startswith("/"):
            raise AppError("route %r: the pattern must be a str starting with '/'" % (pattern,))
        if not (isinstance(view, type) and issubclass(view, LiveView)):
            raise AppError("route %r: %r is not a LiveView subclass" % (pattern, view))
        pairs.append((pattern, view))

    layout = getattr(module, "layout", None)
    _check_layout(layout, "%s.layout" % module.__name__)
    for _, view in pairs:
        if "layout" in _class_attrs(view):
            _check_layout(view.layout, "%s.%s.layout" % (view.__module__, view.__qualname__))

    csp = getattr(module, "content_security_policy", None)
    if csp is not None and not isinstance(csp, str):
        raise AppError("%s.content_security_policy must be a str (\"\" sends none), not %r"
                       % (module.__name__, csp))
    dirs = []
    for d in getattr(module, "template_dirs", ()) or ():
        dirs.append(os.path.normpath(os.path.join(app_dir, d)))
    dirs += [os.path.join(app_dir, "templates"), app_dir]
    watch = sorted({app_dir} | {_module_dir(v) for _, v in pairs})
    return {
        "routes": pairs,
        "app_dir": app_dir,
        "module": module.__name__,
        "template_dirs": [d for d in dirs if os.path.isdir(d)],
        "watch": watch,
        "layout": layout,
        "content_security_policy": csp,
    }


def _class_attrs(cls):
    names = set()
    for klass in cls.__mro__:
        if klass is LiveView:
            break
        names.update(vars(klass))
    return names


def _check_layout(layout, where):
    if layout is not None and (not isinstance(layout, str) or not layout or '"' in layout):
        raise AppError("%s must be a template name like \"layout.html\" or None, not %r" % (where, layout))


def layout_for(cls, app_layout):
    """The layout template name of cls's pages ("" for none): its own (or a base class's below
    LiveView) ``layout`` attribute if it has one, else the app's."""
    layout = cls.layout if "layout" in _class_attrs(cls) else app_layout
    return layout or ""


def resolve_view(name):
    """The LiveView subclass that "module.Class" names (``{% live_render %}``'s nested views):
    the longest importable module prefix, then attributes (``module.Outer.Inner`` works too).
    Raises AppError when nothing by that name is a LiveView subclass."""
    parts = name.split(".") if isinstance(name, str) else []
    if len(parts) < 2 or not all(p.isidentifier() for p in parts):
        raise AppError("%r is not a \"module.Class\" name" % (name,))
    for i in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:i])
        module = sys.modules.get(module_name)
        if module is None:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as e:
                if e.name is not None and (module_name + ".").startswith(e.name + "."):
                    continue  # not a module: try a shorter prefix
                raise
        view = module
        for attr in parts[i:]:
            view = getattr(view, attr, None)
        if isinstance(view, type) and issubclass(view, LiveView):
            return view
        raise AppError("%s is not a LiveView subclass (found %r in %s)" % (name, view, module_name))
    raise AppError("no module for the view %s" % name)


def _module_dir(cls):
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    return os.path.dirname(os.path.realpath(path)) if path else os.getcwd()


def template_dirs_for(cls, app_dirs=()):
    """Directories searched for cls.template_name, in order (see the module docstring)."""
    here = _module_dir(cls)
    dirs = [os.path.join(here, "templates"), here] + [d for d in app_dirs]
    seen, out = set(), []
    for d in dirs:
        if d not in seen and os.path.isdir(d):
            seen.add(d)
            out.append(d)
    return out
