#!/usr/bin/python3
"""What a Python template filter costs: a page with 1,000 filter calls rendered with a built-in
filter, with a Python filter (liveactor.template) and with a Python simple tag, and the same pages
rendered by Django (Debian's python3-django) in the same process as the peer. Run by
bench/template/run (needs liveactor._native: LIVEACTOR_NATIVE_PATH).

The liveactor render releases the GIL and each Python filter call takes it back (GilGuard),
converts the value to Python and the result back; "per call" is the page's time minus the
built-in page's, divided by the number of calls. Prints a table; the last line is JSON.
"""
import gc
import json
import os
import statistics
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "pybridge"))

import django
from django.conf import settings

CALLS = 1000


def shout(value):
    return str(value).upper() + "!"


def badge(name, n):
    return "%s#%s" % (name, n)


# Django: the same functions in a Django tag library
django_lib = types.ModuleType("bench_django_lib")
sys.modules["bench_django_lib"] = django_lib
settings.configure(TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                               "OPTIONS": {"libraries": {"benchlib": "bench_django_lib"}}}])
from django import template as django_template  # noqa: E402

django_lib.register = django_template.Library()
django_lib.register.filter("shout", shout)
django_lib.register.simple_tag(badge)
django.setup()
from django.template import engines  # noqa: E402

from liveactor import template  # noqa: E402
from liveactor.runtime import Runtime  # noqa: E402

lib = template.Library("benchlib")
lib.filter("shout", shout)
lib.simple_tag(badge)

PAGES = {
    "built-in filter (upper)": "{% load benchlib %}<ul>{% for r in rows %}<li>{{ r.name|upper }}</li>{% endfor %}</ul>",
    "Python filter": "{% load benchlib %}<ul>{% for r in rows %}<li>{{ r.name|shout }}</li>{% endfor %}</ul>",
    "Python simple tag": "{% load benchlib %}<ul>{% for r in rows %}<li>{% badge r.name r.id %}</li>{% endfor %}</ul>",
}
CONTEXT = {"rows": [{"id": i, "name": "item %d" % i} for i in range(CALLS)]}


def median_ms(fn, runs):
    fn()  # warm: compile, import
    gc.collect()  # start each series clean: the other engine's garbage is not this one's cost
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main():
    rt = Runtime(routes={})
    try:
        results = {}
        for name, src in PAGES.items():
            ours = median_ms(lambda: template.render_string(src, CONTEXT), 60)
            tmpl = engines["django"].from_string(src)
            theirs = median_ms(lambda: tmpl.render(CONTEXT), 60)
            assert template.render_string(src, CONTEXT) == tmpl.render(CONTEXT), name
            results[name] = (ours, theirs)
    finally:
        rt.close()
    base_ours, base_theirs = results["built-in filter (upper)"]
    print("%-44s %14s %14s %14s %14s" % ("page: 1,000 calls", "liveactor ms", "per call us", "django ms", "django/call us"))
    for name, (ours, theirs) in results.items():
        extra = name != "built-in filter (upper)"
        print("%-44s %14.3f %14s %14.3f %14s" % (
            name, ours, "%.3f" % ((ours - base_ours) * 1000 / CALLS) if extra else "-",
            theirs, "%.3f" % ((theirs - base_theirs) * 1000 / CALLS) if extra else "-"))
    print(json.dumps({"calls": CALLS, **{name: {"liveactor_ms": round(o, 4), "django_ms": round(t, 4)}
                                         for name, (o, t) in results.items()}}))


if __name__ == "__main__":
    main()
