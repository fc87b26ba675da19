#!/usr/bin/python3
"""Differential fuzzing of the tag libraries against Django (Debian's python3-django), used by
tst_djangodiff: i18n (translate/trans, blocktranslate/blocktrans with with/count/plural/context/
trimmed/asvar, _() literals, language, get_current_language), humanize and l10n.

    django_i18n_fuzz.py SEED COUNT

Prints COUNT JSON lines {"t": template, "c": context, "out": Django's output}, like django_fuzz.py.
Django runs with USE_I18N and en-us and messages that no catalog holds, so translations pass
through; what is compared is everything around them (escaping, `%` handling, plural choice,
whitespace trimming, variable scoping).
"""
import copy
import json
import random
import sys

import django
from django.conf import settings

settings.configure(USE_I18N=True, LANGUAGE_CODE="en-us", INSTALLED_APPS=["django.contrib.humanize"],
                   TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}])
django.setup()
from django.template import engines

E = engines["django"]
seed, count = int(sys.argv[1]), int(sys.argv[2])
R = random.Random(seed)

STRINGS = ["", "a", "<b>x</b>", "it's \"q\" & co", "100%", "50%% off", "%(x)s", "héllo ✓", "🎉 party 👍🏽",
           "עברית", "e\u0301", "  spaced \n out  ", "1234567", "-42", "3.5", "x_1"]
NUMBERS = [0, 1, 2, 3, 11, 12, 21, 22, 101, 111, 999999, 1000000, 1234567, 1250000000, -1234, 7, 1.0, 1.5, 1234.5, True]


def context():
    c = {"s": R.choice(STRINGS), "t": R.choice(STRINGS), "n": R.choice(NUMBERS), "m": R.choice(NUMBERS),
         "l": [R.choice(STRINGS) for _ in range(R.randrange(4))], "d": {"k": R.choice(STRINGS), "n": R.choice(NUMBERS)}}
    return c


VARS = ["s", "t", "n", "m", "l", "d.k", "d.n", "missing", "l.0"]
# no |length here: counting astral characters is the built-in filters' business (django_fuzz.py)
FILTERS = ["", "|upper", "|default:'dflt'", "|safe", "|escape", "|intcomma", "|ordinal", "|apnumber",
           "|intword", "|localize", "|unlocalize", "|add:1", "|default:_('none%')"]
TEXTS = ["", " ", "Hello", "a < b & c", "100% sure", "%%", "%s", "\n  line\n   two  \n", "🎉", "«ok»", "it's"]


def lit():
    s = R.choice(TEXTS)
    q = R.choice(["'", '"'])
    return q + s.replace(q, "") + q


def expr(filters=FILTERS):
    base = R.choice(VARS + [lit(), "_(%s)" % lit(), "3"])
    return base + R.choice(filters)


# Django's translated values are lazy strings that int()/float() refuse, so `{% trans s|add:1 %}`
# gives "" there; liveactor's are plain strings: translate only under string filters.
TRANS_FILTERS = ["", "|upper", "|default:'dflt'", "|safe", "|escape", "|localize"]


def message(names):
    out = ""
    for _ in range(R.randrange(1, 5)):
        if R.randrange(3) == 0:
            out += "{{ %s }}" % R.choice(names + ["d.k", "s|upper", "missing"])
        else:
            out += R.choice(TEXTS)
    return out


def trans():
    k = R.randrange(9)
    tag = R.choice(["trans", "translate"])
    if k == 0:
        return "{%% %s %s %%}" % (tag, expr(TRANS_FILTERS))
    if k == 1:
        return "{%% %s %s noop %%}" % (tag, expr())
    if k == 2:
        return "{%% %s %s as v %%}[{{ v }}]" % (tag, expr(TRANS_FILTERS))
    if k == 3:
        return "{%% %s %s context %s %%}" % (tag, lit(), lit())
    block = R.choice(["blocktrans", "blocktranslate"])
    opts = []
    names = ["s", "n"]
    if R.randrange(2):
        opts.append(R.choice(["with a=%s" % expr(), "with a=%s b=%s" % (expr(), expr()), "with %s as a" % R.choice(VARS)]))
        names.append("a")
    plural = R.randrange(2)
    if plural:
        opts.append(R.choice(["count c=%s" % R.choice(["n", "m", "l|length", "1", "2", "d.n"]), "count n as c"]))
        names.append("c")
    if R.randrange(3) == 0:
        opts.append("context %s" % lit())
    if R.randrange(3) == 0:
        opts.append("trimmed")
    asvar = R.randrange(4) == 0
    if asvar:
        opts.append("asvar bv")
    R.shuffle(opts)
    body = message(names)
    if plural:
        body += "{% plural %}" + message(names)
    out = "{%% %s %s %%}%s{%% end%s %%}" % (block, " ".join(opts), body, block)
    return out + ("<{{ bv }}>" if asvar else "")


def block(depth=0):
    out = ""
    for _ in range(R.randrange(1, 5)):
        k = R.randrange(9 if depth < 2 else 6)
        if k in (0, 1, 2):
            out += trans()
        elif k == 3:
            out += "{{ %s }}" % expr()
        elif k == 4:
            out += R.choice(TEXTS)
        elif k == 5:
            out += "{% get_current_language as L %}{{ L }}{% get_current_language_bidi as B %}{{ B }}"
        elif k == 6:
            out += "{%% for s in l %%}{{ forloop.counter }}:%s;{%% endfor %%}" % block(depth + 1)
        elif k == 7:
            out += "{%% autoescape off %%}%s{%% endautoescape %%}" % block(depth + 1)
        else:
            out += "{%% localize %s %%}%s{%% endlocalize %%}" % (R.choice(["on", "off"]), block(depth + 1))
    return out


printed = 0
attempts = 0
while printed < count and attempts < count * 20:
    attempts += 1
    t = "{% load i18n humanize l10n %}" + block()
    c = context()
    try:
        # a copy: Django's Context renders into the dict it is given (`… as v` at the top level
        # writes into it), and the printed context must be the one the render started with
        out = E.from_string(t).render(copy.deepcopy(c))
    except Exception:
        continue
    print(json.dumps({"t": t, "c": c, "out": out}))
    printed += 1
