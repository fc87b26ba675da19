"""A tag library for test_template_libs.py: Django's `register` pattern and liveactor's
module-level decorators mixed, as an app's templatetags/<name>.py would be."""

from liveactor import mark_safe, template

register = template.Library()


@register.filter
def shout(value, suffix="!"):
    return str(value).upper() + suffix


@register.filter(is_safe=True)
def stars(value):
    return "*" + str(value) + "*"


@register.filter(needs_autoescape=True)
def bold(value, autoescape=True):
    text = str(value)
    if autoescape:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return mark_safe("<b>%s</b>" % text)


@register.filter("times")
def repeat(value, n):
    return str(value) * int(n)


@template.filter(name="explode")
def explode(value):
    raise ValueError("cannot explode %r" % (value,))


@register.simple_tag
def greet(name, punctuation="."):
    return "Hello <%s>%s" % (name, punctuation)


@template.simple_tag(takes_context=True)
def whoami(context, prefix=""):
    return prefix + str(context.get("user", "nobody"))


@register.inclusion_tag("lacard.html")
def card(title, items=()):
    return {"title": title, "items": list(items)}


@register.filter
def count_calls(value):
    count_calls.n += 1
    return value


count_calls.n = 0
