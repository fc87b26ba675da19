"""Views that resume: what ``persist`` keeps, in which record, and when a record applies.

The runtime stores the record this module makes (a JSON text) in Redis after a handled message
and hands it back at the next join of the same session and topic. Python owns the record's
content and the app fingerprint; the runtime owns the key (an HMAC of server secret material,
so a client cannot choose whose state it resumes) and the transport. A record whose fingerprint
differs from the running class (another template or another class source) is ignored: state
from another app version would not match its code.
"""

import hashlib
import inspect
import json
from typing import Any

_VERSION = 1


def validate(cls) -> None:
    """Raises TypeError when cls.persist is neither None/False, True nor a list of assign names."""
    spec = cls.__dict__.get("persist")
    if spec is None or isinstance(spec, bool):
        return
    if not isinstance(spec, (list, tuple)) or not all(isinstance(n, str) for n in spec):
        raise TypeError("%s.persist must be True, False or a list of assign names, not %r"
                        % (cls.__name__, spec))
    private = [n for n in spec if not n or n[0] == "_"]
    if private:
        raise TypeError("%s.persist names private attributes %r: only public assigns are kept"
                        % (cls.__name__, private))


def kept_names(cls) -> frozenset[str] | bool | None:
    """What a class keeps, for the runtime's change check: None (nothing), True (every public
    assign) or the declared names. Inherited declarations count."""
    spec = cls.persist
    if not spec:
        return None
    return True if spec is True else frozenset(spec)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def fingerprint(cls) -> str:
    """A hash of the class's template (inline source or file name) and of its source code, so a
    deployment of another version does not resume this one's state. Computed once per class."""
    cached = cls.__dict__.get("_la_fingerprint")
    if cached is not None:
        return cached
    h = hashlib.sha256()
    for part in (cls.__module__, cls.__qualname__, cls.template or "", cls.template_name or ""):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for klass in cls.__mro__:
        if klass.__module__.startswith("liveactor"):
            break  # the framework's own classes change with the runtime, not the app
        try:
            h.update(inspect.getsource(klass).encode("utf-8", "surrogatepass"))
        except (OSError, TypeError):
            h.update(klass.__qualname__.encode())  # no source (e.g. defined in a REPL)
    cls._la_fingerprint = h.hexdigest()[:32]
    return cls._la_fingerprint


def record(view) -> str | None:
    """The JSON text to store for view, or None when it keeps nothing. With ``persist = True``
    assigns that are not JSON-able are left out; a name listed explicitly that is not JSON-able is
    a TypeError (it would silently never resume). One json.dumps of the whole state: only when
    that fails are the values checked one by one."""
    spec = type(view).persist
    if not spec:
        return None
    if spec is True:
        kept = view.assigns
    else:
        d = view.__dict__
        kept = {n: d[n] for n in spec if n in d}
    temporaries = type(view).temporary_assigns
    if temporaries:
        # The runtime reads the record before the render resets these: keep what the page keeps.
        for name in temporaries.keys() & kept.keys():
            kept[name] = temporaries[name]
    try:
        return _dumps(view, kept)
    except (TypeError, ValueError, RecursionError):
        pass
    bad = [n for n, v in kept.items() if not _jsonable(v)]
    if bad and spec is not True:
        raise TypeError("%s.persist: assigns %r are not JSON-able" % (type(view).__name__, bad))
    return _dumps(view, {k: v for k, v in kept.items() if k not in bad})


# One encoder for every record: json.dumps builds a new encoder per call, which costs more than
# encoding a small state. CPython's C encoder is used directly where it exists.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _c_encoder():
    if json.encoder.c_make_encoder is None:
        return None
    return json.encoder.c_make_encoder({}, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
                                       False, False, True)


_C_ENCODER = _c_encoder()


def _encode(value) -> str:
    global _C_ENCODER
    if _C_ENCODER is None:
        return _ENCODER.encode(value)
    try:
        return "".join(_C_ENCODER(value, 0))
    except BaseException:
        _C_ENCODER = _c_encoder()  # its circular-reference markers may be left filled
        raise


def _dumps(view, kept: dict[str, Any]) -> str:
    """{"v":…,"fp":…,"state":kept} as text; the part before the state is made once per class."""
    cls = type(view)
    head = cls.__dict__.get("_la_record_head")
    if head is None:
        head = _encode({"v": _VERSION, "fp": fingerprint(cls), "state": None})[:-len("null}")]
        cls._la_record_head = head
    return head + _encode(kept) + "}"


def load(cls, text: str | bytes) -> dict[str, Any] | None:
    """The state in a stored record if it belongs to this version of cls, else None (also for a
    damaged record: resuming is an optimisation, a fresh mount is always correct)."""
    try:
        rec = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(rec, dict) or rec.get("v") != _VERSION or not isinstance(rec.get("state"), dict):
        return None
    if rec.get("fp") != fingerprint(cls):
        return None
    return rec["state"]
