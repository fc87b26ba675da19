#pragma once

#include <QByteArray>

#include <functional>
#include <memory>

namespace LiveActor {

namespace TemplateDetail {
struct RNode;
}

/// The result of rendering a Template: LiveView's statics/dynamics tree, kept native.
///
/// Each node has statics (shared with the compiled template, fingerprinted at compile time) and
/// dynamics: an escaped HTML string, a nested node (an `if` branch, a dynamic include) or a
/// comprehension (a `for` loop: shared statics, one dynamics list per item, each item keyed by the
/// `key` expression of `{% for x in xs key x.id %}` or by its index).
///
/// - toHtml(): the page fragment, byte-identical to Django's render of the same template/context
///   (a live component's root element also carries `data-phx-component="cid"`).
/// - toJson(): the full LiveView 1.1 "rendered" object for a join (literal "s" arrays, no "p";
///   `"r":1` on nodes whose output is a single element; numbers as strings; an empty
///   comprehension as "").
/// - diff(old, now): the minimal 1.1 diff object that turns the client's copy of old into now.
///   It is "{}" when nothing changed. Both JSON forms are written by a direct encoder; the result
///   is one JSON object, so a caller can splice `"t":…` or `"e":…` in after the opening brace.
///
/// diff() records in `now` what the client holds (an empty comprehension first sent as "" must be
/// re-sent in full when it fills), so always diff against the tree whose JSON or diff was last
/// sent for the same view, in order. Trees are immutable apart from that record and share nodes;
/// copying is cheap. Use a tree from one thread at a time.
///
/// A `for` over a StreamBatch (template/stream.h) is a stream comprehension: toJson() and diff()
/// write its entries in full with the `"stream"` tuple and then drop them from the tree (the
/// server keeps no stream items), so encode a tree once; toHtml() before that shows them. Its
/// diff never refers to earlier entries and is left out when the batch has nothing to do.
class RenderedTree
{
public:
    RenderedTree() = default;
    explicit RenderedTree(std::shared_ptr<const TemplateDetail::RNode> root);

    bool isNull() const { return !m_root; }

    /// The rendered HTML (UTF-8).
    QByteArray toHtml() const;
    /// The HTML with each live component as components(cid) has it now (a null tree: as it was
    /// rendered with this tree) — a component re-renders without its parent.
    QByteArray toHtml(const std::function<RenderedTree(int cid)> &components) const;
    /// The full rendered object for a join, e.g. {"0":"1","s":["<p>","</p>"],"r":1}.
    QByteArray toJson() const;
    /// The smallest diff from old (what the client has) to now; "{}" when nothing changed.
    /// A null old, or a root whose statics changed, gives the full form of now — without the
    /// top-level "r", which in a diff message means a hook reply to the client.
    static QByteArray diff(const RenderedTree &old, const RenderedTree &now);

    /// A live component's full object for the "c" map of a message: literal root statics (or,
    /// when staticsRef is not 0, that integer: another component's cid whose statics the client
    /// reuses — positive in the same message, negative already held) and "r":1. A component's
    /// dynamics that are themselves components are written as their cids.
    QByteArray toComponentJson(int staticsRef = 0) const;
    /// A component's diff for its "c" entry: like diff(), but a new or changed root is written
    /// as toComponentJson().
    static QByteArray componentDiff(const RenderedTree &old, const RenderedTree &now);
    /// Whether the output is exactly one element (what a component must render: the client
    /// stamps data-phx-component on it).
    bool hasSingleRoot() const;
    /// Identifies the root's statics: equal for trees rendered from the same template.
    quint64 staticsFingerprint() const;

    /// Number of top-level dynamics (what Template::dynamicDependencies() describes).
    int dynamicCount() const;

    const std::shared_ptr<const TemplateDetail::RNode> &root() const { return m_root; }

private:
    std::shared_ptr<const TemplateDetail::RNode> m_root;
};

} // namespace LiveActor
