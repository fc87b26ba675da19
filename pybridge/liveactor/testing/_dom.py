"""The page as a browser would hold it: the view's HTML parsed with lxml, CSS selectors through
cssselect, and what the phoenix_live_view 1.1 client reads from elements to build an event
(phx-value-* attributes, a form's fields).

Every render the view answers is the whole page fragment as the client would patch it from the
diffs (the server renders it from the same tree); the one thing the client keeps from its own
DOM is the content of ``phx-update="ignore"`` containers, which Dom.update keeps as well.
"""

import json
import re
from urllib.parse import urlencode

try:
    import lxml.html
    from lxml.cssselect import CSSSelector, ExpressionError, SelectorSyntaxError
except ImportError as exc:  # pragma: no cover - depends on the machine
    raise ImportError("liveactor.testing needs lxml and cssselect (Debian: apt-get install "
                      "python3-lxml python3-cssselect)") from exc

__all__ = ["Dom", "select", "outer_html", "text_of", "click_value", "form_fields", "encode_form",
           "click_event"]

_CHECKABLE = ("checkbox", "radio")
_selectors = {}


def _selector(css):
    compiled = _selectors.get(css)
    if compiled is None:
        try:
            compiled = CSSSelector(css, translator="html")
        except (SelectorSyntaxError, ExpressionError) as exc:
            raise ValueError("invalid CSS selector %r: %s" % (css, exc)) from None
        _selectors[css] = compiled
    return compiled


def outer_html(el):
    # tail=False: the text after the element belongs to its parent
    return lxml.html.tostring(el, encoding="unicode", with_tail=False)


def text_of(el):
    return el.text_content()


def _text_matches(el, text):
    if text is None:
        return True
    if isinstance(text, re.Pattern):
        return text.search(text_of(el)) is not None
    return str(text) in text_of(el)


def select(root, css, text=None):
    """Elements under root (not root itself) matching css and, if given, containing text (a str,
    or a compiled regex searched in the element's text content)."""
    return [el for el in _selector(css)(root) if el is not root and _text_matches(el, text)]


class Dom:
    """The current page fragment: a <div> root around the view's HTML."""

    def __init__(self, html=""):
        self.root = self._parse(html)

    @staticmethod
    def _parse(html):
        return lxml.html.fragment_fromstring(html or "", create_parent="div")

    def update(self, html):
        new = self._parse(html)
        for el in new.iterfind('.//*[@phx-update="ignore"]'):
            el_id = el.get("id")
            if not el_id:
                continue
            old = self.root.find('.//*[@id="%s"]' % el_id) if '"' not in el_id else None
            if old is None or old.get("phx-update") != "ignore":
                continue
            # the client keeps the container's children and its attributes but data-*
            kept = _copy(old)
            for name, value in el.attrib.items():
                if name.startswith("data-"):
                    kept.set(name, value)
            kept.tail = el.tail
            el.getparent().replace(el, kept)
        self.root = new

    def html(self):
        inner = [self.root.text or ""]
        inner += [lxml.html.tostring(child, encoding="unicode") for child in self.root]
        return "".join(inner)


def _copy(el):
    return lxml.html.fragment_fromstring(outer_html(el))


# ---- what the client sends


def _phx_value(el):
    """phx-value-* attributes, then the element's value as the 1.1 client reads el.value."""
    meta = {}
    for name, value in el.attrib.items():
        if name.startswith("phx-value-"):
            meta[name[len("phx-value-"):]] = value
    tag = el.tag
    if tag in ("button", "input", "textarea", "select", "option"):
        value = _field_value(el)
        if not (tag == "input" and el.get("type", "").lower() in _CHECKABLE and el.get("checked") is None):
            meta["value"] = value
    return meta


def click_value(el, extra=None):
    value = _phx_value(el)
    value.update(extra or {})
    return value


def click_event(binding):
    """The event name of a phx-click (or other) binding: a plain name, or the first "push" of a
    JS command list; None when the JS commands push nothing."""
    binding = binding.strip()
    if not binding.startswith("["):
        return binding, {}
    try:
        ops = json.loads(binding)
    except ValueError:
        return binding, {}
    for op in ops:
        if isinstance(op, list) and len(op) == 2 and op[0] == "push":
            args = op[1] or {}
            return args.get("event"), dict(args.get("value") or {})
    return None, {}


def _field_value(el):
    tag = el.tag
    if tag == "textarea":
        return el.text or ""
    if tag == "select":
        chosen = [o for o in el.iter("option") if o.get("selected") is not None]
        if not chosen:
            options = list(el.iter("option"))
            chosen = options[:1]
        return _option_value(chosen[0]) if chosen else ""
    if tag == "option":
        return _option_value(el)
    if tag == "input" and el.get("type", "").lower() in _CHECKABLE:
        return el.get("value", "on")
    return el.get("value", "")


def _option_value(option):
    value = option.get("value")
    return value if value is not None else (option.text or "").strip()


def _form_elements(form):
    """The form's named, enabled controls in document order (inside it, or form="its id")."""
    controls = [el for el in form.iter("input", "select", "textarea", "button")]
    form_id = form.get("id")
    if form_id:
        page = form.getroottree().getroot()
        controls += [el for el in page.iter("input", "select", "textarea", "button")
                     if el.get("form") == form_id and el not in controls]
    return [el for el in controls if el.get("name") and el.get("disabled") is None]


def form_fields(form):
    """The names of the form's controls (what form data may set)."""
    return {el.get("name") for el in _form_elements(form) if el.tag != "button"}


def form_pairs(form, submitter=None):
    """(name, value) pairs as FormData collects them: unchecked boxes, buttons (but the submitter)
    and file inputs are left out; a multiple select gives one pair per selected option."""
    pairs = []
    for el in _form_elements(form):
        name = el.get("name")
        kind = el.get("type", "").lower()
        if el.tag == "button" or (el.tag == "input" and kind in ("submit", "button", "reset", "image")):
            if el is submitter:
                pairs.append((name, el.get("value", "")))
            continue
        if el.tag == "input" and kind == "file":
            continue
        if el.tag == "input" and kind in _CHECKABLE and el.get("checked") is None:
            continue
        if el.tag == "select" and el.get("multiple") is not None:
            pairs += [(name, _option_value(o)) for o in el.iter("option") if o.get("selected") is not None]
            continue
        pairs.append((name, _field_value(el)))
    return pairs


def flatten(data, prefix=""):
    """{"user": {"name": "a"}, "tags": ["x"]} → [("user[name]", "a"), ("tags[]", "x")]."""
    out = []
    for key, value in data.items():
        name = "%s[%s]" % (prefix, key) if prefix else str(key)
        if isinstance(value, dict):
            out += flatten(value, name)
        elif isinstance(value, (list, tuple)):
            list_name = name if name.endswith("[]") else name + "[]"
            out += [(list_name, _scalar(v)) for v in value]
        else:
            out.append((name, _scalar(value)))
    return out


def _scalar(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def encode_form(form, data=None, submitter=None):
    """The URL-encoded body the client sends: the form's current fields with data (a dict,
    nested for "a[b]" names) set over them. ValueError names a field the form does not have."""
    pairs = form_pairs(form, submitter)
    known = form_fields(form)
    # a list for a field named without "[]" (a plain multiple select) keeps the field's name
    given = [(name[:-2] if name.endswith("[]") and name not in known and name[:-2] in known else name, value)
             for name, value in flatten(data or {})]
    unknown = sorted({name for name, _ in given if name not in known})
    if unknown:
        raise ValueError("the form has no field named %s (its fields: %s)"
                         % (", ".join(repr(n) for n in unknown), ", ".join(sorted(known)) or "none"))
    # the given values take the place of the field's current ones, in document order
    overridden = {}
    for name, value in given:
        overridden.setdefault(name, []).append(value)
    merged = []
    for name in dict.fromkeys([n for n, _ in pairs] + list(overridden)):
        if name in overridden:
            merged += [(name, v) for v in overridden[name]]
        else:
            merged += [(n, v) for n, v in pairs if n == name]
    return urlencode(merged), list(overridden)
