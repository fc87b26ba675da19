"""Streams (Phoenix's stream/4): long or endless lists the server does not keep.

A view calls ``self.stream(name, items)`` and friends; the template iterates
``{% for dom_id, item in streams.NAME %}`` inside a ``phx-update="stream"`` container whose
children carry ``id="{{ dom_id }}"``. Each render sends only what was queued since the last one
(inserts, deletes, a reset) and forgets it: the browser keeps the items in its DOM, the server's
memory stays flat however many items a view streams.

How it works: the ``streams`` assign maps each stream's name to a ``StreamBatch`` — the operations
queued since the last render. The native side converts a batch to a stream comprehension (see
runtime/template/stream.h) and, after every render, the view swaps each batch for an empty one
without marking ``streams`` changed (as ``temporary_assigns`` do), so nothing stays queued or kept.
"""

import collections.abc
import copy

__all__ = ["StreamBatch", "Streams"]


class StreamBatch:
    """What one render sends for one stream. Read by the native side (runtime/python/pyconvert):
    ``ref`` (str), ``inserts`` (list of (dom_id, item, at, limit, update_only)), ``deletes``
    (list of DOM ids), ``reset`` (bool)."""

    __slots__ = ("ref", "inserts", "deletes", "reset")

    def __init__(self, ref):
        self.ref = ref
        self.inserts = []
        self.deletes = []
        self.reset = False

    def __repr__(self):
        return "<stream %s: %d inserts, %d deletes%s>" % (
            self.ref, len(self.inserts), len(self.deletes), ", reset" if self.reset else "")

    def insert(self, dom_id, item, at, limit, update_only):
        # one node per DOM id: a later insert of the same id replaces an earlier one
        self.inserts = [i for i in self.inserts if i[0] != dom_id]
        self.inserts.append((dom_id, item, at, limit, update_only))

    def delete(self, dom_id):
        self.inserts = [i for i in self.inserts if i[0] != dom_id]
        if dom_id not in self.deletes:
            self.deletes.append(dom_id)


class _Stream:
    __slots__ = ("ref", "dom_id", "used")

    def __init__(self, ref):
        self.ref = ref
        self.dom_id = None
        self.used = False


def _check_name(name):
    if not isinstance(name, str) or not name:
        raise TypeError("stream name must be a non-empty str, got %r" % (name,))


def _check_at(at):
    if isinstance(at, bool) or not isinstance(at, int) or at < -1:
        raise ValueError("stream at= must be an int >= -1 (-1 appends, 0 prepends), got %r" % (at,))


def _check_limit(limit):
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise ValueError("stream limit= must be None or an int (negative keeps the last ones), got %r"
                         % (limit,))


def _certainly_pruned(count, at, limit):
    """How many of count items inserted at `at` one by one the client would drop at once: with
    limit=-N appended, or limit=N prepended, only the last N can stay. Those are never sent."""
    if limit is None:
        return 0
    if (at == -1 and limit < 0) or (at == 0 and limit > 0):
        return max(0, count - abs(limit))
    return 0


class Streams:
    """The stream functions of LiveView (a mixin; state lives in ``__dict__`` under ``_la_``)."""

    def stream_configure(self, name, dom_id=None):
        """Sets how a stream makes DOM ids: ``dom_id(item) -> str`` (default: ``"<name>-<id>"``
        from ``item.id`` or ``item["id"]``). Only before the stream's first use."""
        _check_name(name)
        if dom_id is not None and not callable(dom_id):
            raise TypeError("stream_configure(%r): dom_id must be callable, got %r" % (name, dom_id))
        s = self._la_stream(name)
        if s.used:
            raise ValueError("stream_configure(%r): the stream is already in use; configure it "
                             "before its first stream() or stream_insert()" % name)
        s.dom_id = dom_id

    def stream(self, name, items, at=-1, limit=None, reset=False):
        """Inserts items (any iterable; the stream is created on first use). ``at``: -1 appends,
        0 prepends (several items one by one, so they end up reversed), n inserts at index n;
        ``limit``: the client keeps at most that many (negative: the last ones, for appends);
        ``reset=True`` empties the stream on the client first."""
        _check_name(name)
        if isinstance(items, (str, bytes, collections.abc.Mapping)) or not isinstance(items, collections.abc.Iterable):
            raise TypeError("stream(%r): items must be a list or another iterable of items, got %s"
                            % (name, type(items).__name__))
        _check_at(at)
        _check_limit(limit)
        if not isinstance(reset, bool):
            raise TypeError("stream(%r): reset= must be a bool, got %r" % (name, reset))
        s = self._la_stream(name)
        items = list(items)
        ids = [self._la_dom_id(name, s, item) for item in items]  # all or nothing: check first
        batch = self._la_batch(name, s)
        if reset:
            batch.inserts, batch.deletes, batch.reset = [], [], True
        skip = _certainly_pruned(len(items), at, limit)
        for dom_id, item in zip(ids[skip:], items[skip:]):
            batch.insert(dom_id, item, at, limit, False)

    def stream_insert(self, name, item, at=-1, limit=None, update_only=False):
        """Inserts or updates one item (an item whose DOM id the client has is updated in place;
        with ``update_only=True`` an unknown one is not added)."""
        _check_name(name)
        _check_at(at)
        _check_limit(limit)
        s = self._la_stream(name)
        dom_id = self._la_dom_id(name, s, item)
        self._la_batch(name, s).insert(dom_id, item, at, limit, bool(update_only))

    def stream_delete(self, name, item):
        """Removes the item's DOM node (found by the item's DOM id)."""
        _check_name(name)
        s = self._la_stream(name)
        dom_id = self._la_dom_id(name, s, item)
        self._la_batch(name, s).delete(dom_id)

    def stream_delete_by_dom_id(self, name, dom_id):
        """Removes the node with this DOM id (e.g. the id a phx-click sent back)."""
        _check_name(name)
        if not isinstance(dom_id, str) or not dom_id:
            raise TypeError("stream_delete_by_dom_id(%r): dom_id must be a non-empty str, got %r" % (name, dom_id))
        s = self._la_stream(name)
        self._la_batch(name, s).delete(dom_id)

    # ---- runtime side

    def _la_stream(self, name):
        d = self.__dict__
        streams = d.get("_la_streams")
        if streams is None:
            streams = d["_la_streams"] = {}
            # the runtime resets `streams` after each render, as it does temporary assigns
            d["_la_commands"].append(("temporaries",))
        s = streams.get(name)
        if s is None:
            s = streams[name] = _Stream(self._la_stream_ref(len(streams)))
            self._la_pending(name, s)
        return s

    def _la_stream_ref(self, index):
        """The client's id of this owner's index-th stream: unique on the page. A view's streams
        are "0", "1", …; a live component would answer "<cid>-<index>", as Phoenix does."""
        return str(index)

    def _la_pending(self, name, s):
        """The stream's batch for the next render (``streams`` is marked changed)."""
        d = self.__dict__
        current = d.get("streams")
        if not isinstance(current, dict):
            current = d["streams"] = {}
        batch = current.get(name)
        if batch is None:
            batch = current[name] = StreamBatch(s.ref)
        d["_la_changed"].add("streams")
        return batch

    def _la_batch(self, name, s):
        s.used = True
        return self._la_pending(name, s)

    def _la_dom_id(self, name, s, item):
        if s.dom_id is not None:
            dom_id = s.dom_id(item)
            if not isinstance(dom_id, str) or not dom_id:
                raise ValueError("stream %r: dom_id(%r) returned %r, not a non-empty str" % (name, item, dom_id))
            return dom_id
        if isinstance(item, collections.abc.Mapping):
            key = item.get("id")
        else:
            key = getattr(item, "id", None)
        if key is None:
            raise ValueError("stream %r: the item %r has no id (an `id` attribute or key); give it one "
                             "or call stream_configure(%r, dom_id=...)" % (name, item, name))
        return "%s-%s" % (name, key)

    def _la_streams_rendered(self):
        """After a render: every batch becomes an empty one (nothing kept, nothing re-sent);
        returns [("streams", value)] for the runtime, or [] for a view without streams."""
        d = self.__dict__
        streams = d.get("_la_streams")
        if not streams:
            return []
        idle = {name: StreamBatch(s.ref) for name, s in streams.items()}
        d["streams"] = idle
        d["_la_snapshots"]["streams"] = (idle, copy.copy(idle))
        return [("streams", idle)]
