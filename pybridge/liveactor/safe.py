"""HTML-safe strings: printed by templates without escaping (Django's mark_safe)."""


class Safe(str):
    """A str that is already HTML. Templates print it as is; anything else is escaped.

    Any object with an ``__html__()`` method (markupsafe.Markup, Django's SafeString) is treated
    the same way.
    """

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def mark_safe(text: str) -> Safe:
    """Returns text as a Safe string (no escaping when rendered)."""
    return Safe(text)
