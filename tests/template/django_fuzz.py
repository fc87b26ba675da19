#!/usr/bin/python3
"""Differential fuzzing against Django (Debian's python3-django), used by tst_djangodiff.

    django_fuzz.py SEED COUNT

Prints COUNT JSON lines {"t": template, "c": context, "out": Django's output} for random
templates built from a grammar of the features liveactor implements. Cases on which Django
raises (it does for some filter/argument combinations) are not printed.
"""
import json
import random
import sys

import django
from django.conf import settings

# The same named templates are registered on the C++ side (tst_djangodiff.cpp).
LOCMEM = {
    "inc.html": "<i>{{ a|default:'-' }}|{{ s|upper }}</i>{% for x in l %}{{ x|length }}{% endfor %}",
    "base.html": "<html>{% block head %}H{{ n }}{% endblock %}|{% block body %}B{% endblock %}</html>",
    "alt.html": "<body>{% block body %}A{% endblock %}{% block head %}{% endblock %}</body>",
    "sub/rel.html": "{% include '../inc.html' %}<r>{{ n }}</r>",
}
settings.configure(TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                               "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", LOCMEM)]}}])
django.setup()
from django.template import engines

E = engines["django"]
seed, count = int(sys.argv[1]), int(sys.argv[2])
R = random.Random(seed)

STRINGS = ["", "a", "Hello World", "<b>x</b>", "it's \"q\" & co", "héllo ✓", "  spaced  out ", "line1\nline2\n\nline3",
           "http://example.com/?a=1&b=2", "3", "-2.5", "UPPER lower", "a-b_c d"]


def rvalue(depth=0):
    k = R.randrange(10 if depth < 2 else 6)
    if k == 0: return None
    if k == 1: return R.choice([True, False])
    if k == 2: return R.randrange(-3, 1500)
    if k == 3: return R.choice([0.0, 1.5, -2.25, 3.14159, 100.0, 0.1, 1e-7, 12345.678])
    if k in (4, 5): return R.choice(STRINGS)
    if k in (6, 7): return [rvalue(depth + 1) for _ in range(R.randrange(4))]
    return {kk: rvalue(depth + 1) for kk in R.sample(["k", "name", "n", "x"], R.randrange(1, 4))}


def context():
    c = {v: rvalue() for v in ["a", "b", "c"]}
    c["s"] = R.choice(STRINGS)
    c["n"] = R.randrange(-5, 30)
    c["f"] = R.choice([0.0, 1.5, -2.25, 3.14159, 2.5, 1000.0])
    c["l"] = [R.choice(STRINGS + [1, 2, 3]) for _ in range(R.randrange(5))]
    c["d"] = {"k": R.choice(STRINGS), "n": R.randrange(10), "l": [1, 2]}
    c["u"] = [{"name": R.choice(STRINGS), "age": R.randrange(60), "tags": R.sample(["x", "y", "z"], R.randrange(3))}
              for _ in range(R.randrange(4))]
    c.update(tag_context())
    return c


VARS = ["a", "b", "c", "s", "n", "f", "l", "d", "d.k", "d.n", "d.l", "d.l.1", "l.0", "u", "u.0.name", "missing", "d.missing"]
STRING_FILTERS = ["upper", "lower", "capfirst", "title", "escape", "force_escape", "safe", "striptags", "slugify",
                  "linebreaks", "linebreaksbr", "wordcount", "length", "make_list", "urlencode", "escapejs", "first",
                  "last", "urlize", "default_if_none:'none'", "default:'dflt'", "cut:' '", "center:9", "ljust:6",
                  "rjust:6", "truncatechars:5", "truncatewords:2", "slice:':2'", "slice:'1:'", "join:', '",
                  "yesno", "yesno:'y,n'", "pluralize", "length_is:2", "add:'x'", "add:2", "floatformat",
                  "floatformat:2", "floatformat:'-1'", "filesizeformat", "stringformat:'s'", "default:s"]


def var():
    v = R.choice(VARS + ["'lit<'", "3", "1.5"])
    for _ in range(R.randrange(3)):
        v += "|" + R.choice(STRING_FILTERS)
    return v


def cond():
    a = R.choice(VARS)
    r = R.randrange(6)
    if r == 0: return a
    if r == 1: return "not " + a
    if r == 2: return "%s %s %s" % (a, R.choice(["==", "!=", "<", ">", "<=", ">="]), R.choice(VARS + ["3", "'a'"]))
    if r == 3: return "%s in %s" % (R.choice(["'a'", "1", "s"]), R.choice(VARS))
    if r == 4: return "%s is None" % a
    return "%s %s %s" % (a, R.choice(["and", "or"]), R.choice(VARS))


# ---- the rest of Django's built-in tags (filter, ifchanged, regroup, resetcycle, lorem, …) ----

def tag_context():
    return {"p": R.choice(["base.html", "alt.html"]), "il": R.choice([["nope.html", "inc.html"], ["sub/rel.html"]]),
            "csrf_token": R.choice(["", "tok<&", "NOTPROVIDED"]),
            "g": [{"k": R.choice(["a", "b", "<c>"]), "v": R.randrange(4)} for _ in range(R.randrange(6))]}


BLOCK_FILTERS = ["upper", "lower", "force_escape", "title", "length", "cut:' '", "truncatewords:1", "linebreaksbr",
                 "striptags", "slugify", "wordcount", "center:12", "add:'<x>'", "default:'d'", "first"]


def tag_block(depth):
    k = R.randrange(11)
    inner = block(depth + 1) if depth < 2 else "{{ s }}"
    if k == 0:
        return "{%% filter %s %%}%s{%% endfilter %%}" % ("|".join(R.sample(BLOCK_FILTERS, R.randrange(1, 3))), inner)
    if k == 1:
        args = R.choice(["", "x.k", "x.v x.k", "forloop.first", "s"])
        other = R.choice(["", "{% else %}-{{ x.v }}"])
        return "{%% for x in %s %%}{%% ifchanged %s %%}<h>%s</h>%s{%% endifchanged %%}{{ x.v }}{%% endfor %%}" % (
            R.choice(["g", "g|dictsort:'k'", "u", "l"]), args, R.choice(["{{ x.k }}", "{{ x }}", inner]), other)
    if k == 2:
        return "{%% regroup %s by %s as gs %%}{%% for grp in gs %%}<g>{{ grp.grouper }}:%s</g>{%% empty %%}none{%% endfor %%}" % (
            R.choice(["g", "g|dictsort:'k'", "u", "missing", "l"]), R.choice(["k", "v", "k|upper", "name", "age|divisibleby:2"]),
            R.choice(["{{ grp.list|length }}", "{% for i in grp.list %}{{ i.v }}{{ i.name }}{% endfor %}", "{{ grp.list }}"]))
    if k == 3:
        return "{%% for x in g %%}{%% cycle 'a' 'b' 'c' as cy %%}{%% cycle 1 2 %%}{%% if x.v > 1 %%}{%% resetcycle%s %%}{%% endif %%}{%% endfor %%}" % R.choice(["", " cy"])
    if k == 4:
        return R.choice(["{% lorem %}", "{%% lorem %d w %%}" % R.randrange(-2, 20), "{% lorem 1 p %}", "{% lorem d.n w %}",
                         "{% lorem 1 b %}", "{% lorem 0 p %}"])
    if k == 5:
        tag = R.choice(["ifequal", "ifnotequal"])
        return "{%% %s %s %s %%}%s{%% else %%}%s{%% end%s %%}" % (
            tag, R.choice(VARS), R.choice(VARS + ["3", "'a'"]), inner, text(), tag)
    if k == 6:
        return "{%% spaceless %%}%s<a>%s</a>%s<b> %s </b>%s{%% endspaceless %%}" % tuple(
            R.choice(["", " ", "\u2003", "\x1c", "\x85", "\xa0 \n", "\u200b", "\t"]) for _ in range(5))
    if k == 7:
        return R.choice(["{%% templatetag %s %%}" % R.choice(["openblock", "closeblock", "openvariable", "closevariable",
                                                               "openbrace", "closebrace", "opencomment", "closecomment"]),
                         "[{% debug %}]", "{% csrf_token %}", "{% verbatim %}{{ s }}{% if %}{% endverbatim %}"])
    if k == 8:
        return "{% include il %}{% include 'sub/rel.html' %}"
    if k == 9:
        return "{%% autoescape %s %%}{%% firstof %s %s '<f>' %%}%s{%% endautoescape %%}" % (
            R.choice(["on", "off"]), R.choice(VARS), R.choice(VARS), inner)
    return "{%% widthratio %s %s %s %%}" % (R.choice(["n", "f", "d.n", "3"]), R.choice(["30", "d.n", "n"]),
                                            R.choice(["100", "7", "f"]))


def text():
    return R.choice(["", " ", "<p>", "</p>", "x & y", "<li class='c'>", "\n", "é"])


def block(depth=0):
    out = ""
    for _ in range(R.randrange(1, 5)):
        k = R.randrange(14 if depth < 2 else 3)
        if k == 0:
            out += text()
        elif k in (1, 2):
            out += "{{ %s }}" % var()
        elif k == 3:
            out += "{%% if %s %%}%s{%% elif %s %%}%s{%% else %%}%s{%% endif %%}" % (
                cond(), block(depth + 1), cond(), block(depth + 1), block(depth + 1))
        elif k == 4:
            out += "{%% for x in %s %%}[{{ x }}{{ forloop.counter }}%s]{%% empty %%}E{%% endfor %%}" % (
                R.choice(["l", "u", "s", "d.l", "missing"]), block(depth + 1))
        elif k == 5:
            out += "{%% for p in u %%}{%% cycle 'o' 'e' %%}:{{ p.name|%s }}{%% for t in p.tags %%}{{ t }}{%% endfor %%}{%% endfor %%}" % R.choice(STRING_FILTERS)
        elif k == 6:
            out += "{%% with w=%s %%}{{ w }}%s{%% endwith %%}" % (var(), block(depth + 1))
        elif k == 7:
            out += "{%% firstof %s %s 'fb' %%}" % (R.choice(VARS), R.choice(VARS))
        elif k == 8:
            out += "{%% autoescape %s %%}%s{%% endautoescape %%}" % (R.choice(["on", "off"]), block(depth + 1))
        elif k == 9:
            out += "{%% spaceless %%}<a> %s </a> <b>x</b>{%% endspaceless %%}" % block(depth + 1)
        elif k == 10:
            out += R.choice(["{%% widthratio n 30 %s %%}" % R.choice(["100", "7"]),
                             "{% include 'inc.html' %}",
                             "{%% include 'inc.html' with a=%s only %%}" % R.choice(VARS),
                             "{%% with s=%s %%}{%% include 'inc.html' %%}{%% endwith %%}" % var()])
        elif k == 11:
            out += "{%% for k, v in d.items %%}{{ k }}={{ v%s }};{%% endfor %%}" % R.choice(["", "|length", "|upper"])
        else:
            out += tag_block(depth)
    return out


printed = 0
attempts = 0
while printed < count and attempts < count * 20:
    attempts += 1
    t = block()
    if R.randrange(5) == 0:
        parent = R.choice(["'base.html'", "p", "p|default:'alt.html'"])
        t = "{%% extends %s %%}{%% block body %%}%s{{ block.super }}{%% endblock %%}" % (parent, t)
    c = context()
    try:
        out = E.from_string(t).render(c)
    except Exception:
        continue
    print(json.dumps({"t": t, "c": c, "out": out}))
    printed += 1
