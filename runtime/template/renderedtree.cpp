#include "template/renderedtree.h"

#include "template/rendernode_p.h"
#include "template/escaping.h"
#include "template/stream.h"

#include <QHash>

#include <charconv>
#include <functional>

namespace LiveActor {

using namespace TemplateDetail;

namespace TemplateDetail {

static bool isVoidTag(QByteArrayView name)
{
    static const char *const tags[] = {"area", "base", "br", "col", "command", "embed", "hr", "img",
                                       "input", "keygen", "link", "meta", "param", "source",
                                       "track", "wbr"};
    for (const char *t : tags)
        if (name.compare(QByteArrayView(t), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Whether statics (with a marker where each dynamic goes) form exactly one element, so the node
// may carry "r":1. Conservative: anything unusual answers false (the flag is only an optimization,
// but a wrong one makes the client throw "malformed html").
static bool computeRoot(const QList<QByteArray> &parts)
{
    QByteArray s;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (i)
            s.append('\x01');
        s.append(parts[i]);
    }
    qsizetype i = 0;
    const qsizetype n = s.size();
    while (i < n && isSpace(s[i]))
        ++i;
    if (i >= n || s[i] != '<' || i + 1 >= n)
        return false;
    const char first = s[i + 1];
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')))
        return false;
    int depth = 0;
    bool started = false;
    while (i < n) {
        if (started && depth == 0) {
            // only whitespace may follow the element
            while (i < n && isSpace(s[i]))
                ++i;
            return i == n;
        }
        const char c = s[i];
        if (c == '<') {
            if (s.mid(i, 4) == "<!--") {
                const qsizetype e = s.indexOf("-->", i + 4);
                if (e < 0)
                    return false;
                i = e + 3;
                continue;
            }
            const bool closing = i + 1 < n && s[i + 1] == '/';
            qsizetype j = i + (closing ? 2 : 1);
            const qsizetype nameStart = j;
            while (j < n && !isSpace(s[j]) && s[j] != '>' && s[j] != '/' && s[j] != '\x01')
                ++j;
            const QByteArray name = s.mid(nameStart, j - nameStart);
            if (name.isEmpty())
                return false;
            // scan to the end of the tag, honouring quotes
            char quote = 0;
            while (j < n) {
                const char d = s[j];
                if (quote) {
                    if (d == quote)
                        quote = 0;
                } else if (d == '"' || d == '\'') {
                    quote = d;
                } else if (d == '>') {
                    break;
                }
                ++j;
            }
            if (j >= n)
                return false;
            const bool selfClosing = s[j - 1] == '/';
            i = j + 1;
            started = true;
            if (closing) {
                --depth;
                if (depth < 0)
                    return false;
            } else if (!selfClosing && !isVoidTag(name)) {
                ++depth;
                const QByteArray lower = name.toLower();
                if (lower == "script" || lower == "style" || lower == "textarea" || lower == "title") {
                    const qsizetype e = s.toLower().indexOf(QByteArray("</" + lower), i);
                    if (e < 0)
                        return false;
                    i = e;
                }
            }
            continue;
        }
        if (depth == 0)
            return false;
        ++i;
    }
    return started && depth == 0;
}

void Statics::finalize()
{
    json = "[";
    quint64 h = 1469598103934665603ULL;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (i)
            json.append(',');
        appendJsonString(json, parts[i]);
        for (char c : parts[i]) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ULL;
        }
        h ^= 0xff;
        h *= 1099511628211ULL;
    }
    json.append(']');
    fingerprint = h ^ quint64(parts.size());
    root = computeRoot(parts);
}

// A component's root element carries data-phx-component="cid", as the client stamps it (after
// leading whitespace and comments, right after the tag name).
static void appendComponentHtml(QByteArray &out, const RNode &node, int cid)
{
    QByteArray html;
    appendHtml(html, node);
    qsizetype i = 0;
    for (;;) {
        while (i < html.size() && isSpace(html[i]))
            ++i;
        if (!html.mid(i, 4).startsWith("<!--"))
            break;
        const qsizetype e = html.indexOf("-->", i + 4);
        if (e < 0)
            break;
        i = e + 3;
    }
    qsizetype j = i + 1;
    while (j < html.size() && !isSpace(html[j]) && html[j] != '>' && html[j] != '/')
        ++j;
    out.append(html.constData(), j);
    out.append(" data-phx-component=\"");
    out.append(QByteArray::number(cid));
    out.append('"');
    out.append(html.constData() + j, html.size() - j);
}

// Set by toHtml(components): where a component's current tree comes from.
thread_local const std::function<RenderedTree(int)> *tl_components = nullptr;

void appendHtml(QByteArray &out, const Dyn &d)
{
    if (d.cid) {
        const RenderedTree current = tl_components ? (*tl_components)(d.cid) : RenderedTree();
        if (!current.isNull())
            appendComponentHtml(out, *current.root(), d.cid);
        else if (d.node)
            appendComponentHtml(out, *d.node, d.cid);
    } else if (d.node) {
        appendHtml(out, *d.node);
    } else if (d.comp) {
        const auto &parts = d.comp->statics->parts;
        for (const auto &ep : d.comp->entries) {
            const REntry &e = *ep;
            out.append(parts[0]);
            for (size_t i = 0; i < size_t(e.dyns.size()); ++i) {
                appendHtml(out, e.dyns[i]);
                out.append(parts[qsizetype(i) + 1]);
            }
        }
    } else {
        out.append(d.str);
    }
}

void appendHtml(QByteArray &out, const RNode &node)
{
    const auto &parts = node.statics->parts;
    out.append(parts[0]);
    for (size_t i = 0; i < size_t(node.dyns.size()); ++i) {
        appendHtml(out, node.dyns[i]);
        out.append(parts[qsizetype(i) + 1]);
    }
}

} // namespace TemplateDetail

namespace {

// Per-message encoder state: statics are written once into the message's root "p" map and
// referenced by index ("s": n), as LiveView 1.1 servers do — a branch or row template repeated
// in many entries costs its statics once per message.
struct Enc
{
    QHash<quint64, int> index;
    QByteArray templates; // the members of "p"

    void writeStatics(QByteArray &out, const Statics &st)
    {
        auto it = index.constFind(st.fingerprint);
        int i;
        if (it == index.constEnd()) {
            i = int(index.size());
            index.insert(st.fingerprint, i);
            if (!templates.isEmpty())
                templates.append(',');
            templates.append('"');
            templates.append(QByteArray::number(i));
            templates.append("\":");
            templates.append(st.json);
        } else {
            i = *it;
        }
        out.append("\"s\":");
        out.append(QByteArray::number(i));
    }
    /// Closes a top-level message object: appends "p" (if any) and the closing brace.
    void finish(QByteArray &out, bool empty)
    {
        if (!templates.isEmpty()) {
            if (!empty)
                out.append(',');
            out.append("\"p\":{");
            out.append(templates);
            out.append('}');
        }
        out.append('}');
    }
};

void appendIndexKey(QByteArray &out, size_t i)
{
    char buf[24];
    buf[0] = '"';
    char *end = std::to_chars(buf + 1, buf + sizeof buf - 2, i).ptr;
    *end++ = '"';
    *end++ = ':';
    out.append(buf, end - buf);
}

void writeFullDyn(Enc &e, QByteArray &out, const Dyn &d);

void writeDynMembers(Enc &e, QByteArray &out, const DynList &dyns)
{
    for (size_t i = 0; i < size_t(dyns.size()); ++i) {
        if (i)
            out.append(',');
        appendIndexKey(out, i);
        writeFullDyn(e, out, dyns[i]);
    }
}

// Writes the members of a full node (no braces).
void writeFullNodeMembers(Enc &e, QByteArray &out, const RNode &n, bool rootFlag)
{
    writeDynMembers(e, out, n.dyns);
    if (!n.dyns.empty())
        out.append(',');
    e.writeStatics(out, *n.statics);
    if (rootFlag && n.statics->root)
        out.append(",\"r\":1");
}

void writeFullNode(Enc &e, QByteArray &out, const RNode &n)
{
    out.append('{');
    writeFullNodeMembers(e, out, n, true);
    out.append('}');
}

// Writes the members `"0":{…},"1":{…},` of every entry (full), for "k".
void writeFullEntries(Enc &e, QByteArray &out, const RComp &c)
{
    for (size_t i = 0; i < c.entries.size(); ++i) {
        appendIndexKey(out, i);
        out.append('{');
        writeDynMembers(e, out, c.entries[i]->dyns);
        out.append("},");
    }
}

// A stream's entries and tuple go out once: afterwards the tree holds neither items nor
// operations, so memory stays flat however much a view streams.
void writeStreamBody(Enc &e, QByteArray &out, RComp &c)
{
    out.append("{\"k\":{");
    writeFullEntries(e, out, c);
    out.append("\"kc\":");
    out.append(QByteArray::number(qulonglong(c.entries.size())));
    out.append('}');
    out.append(",\"stream\":");
    out.append(c.streamTuple.isEmpty() ? StreamBatch::idleTuple(c.streamRef) : c.streamTuple);
    c.entries = {};
    c.streamTuple = QByteArray();
}

void writeFullComp(Enc &e, QByteArray &out, RComp &c)
{
    if (c.isStream()) {
        // always the object form: the client needs the statics and the tuple even while empty
        c.clientHasObject = true;
        writeStreamBody(e, out, c);
        out.append(',');
        e.writeStatics(out, *c.statics);
        out.append('}');
        return;
    }
    if (c.entries.empty()) {
        out.append("\"\"");
        c.clientHasObject = false;
        return;
    }
    c.clientHasObject = true;
    out.append("{\"k\":{");
    writeFullEntries(e, out, c);
    out.append("\"kc\":");
    out.append(QByteArray::number(qulonglong(c.entries.size())));
    out.append("},");
    e.writeStatics(out, *c.statics);
    out.append('}');
}

// A stream diff never refers to what was sent before (the client dropped those entries): it is
// this render's entries in full with the tuple, or nothing when there is nothing to do.
bool diffStream(Enc &e, QByteArray &out, RComp &n)
{
    n.clientHasObject = true;
    if (n.entries.empty() && n.streamTuple.isEmpty())
        return false;
    writeStreamBody(e, out, n);
    out.append('}');
    return true;
}

void writeFullDyn(Enc &e, QByteArray &out, const Dyn &d)
{
    if (d.cid)
        out.append(QByteArray::number(d.cid));
    else if (d.node)
        writeFullNode(e, out, *d.node);
    else if (d.comp)
        writeFullComp(e, out, *d.comp);
    else
        appendJsonString(out, d.str);
}

bool sameStatics(const std::shared_ptr<const Statics> &a, const std::shared_ptr<const Statics> &b)
{
    return a == b || a->fingerprint == b->fingerprint;
}

bool diffDyns(Enc &e, QByteArray &out, const DynList &o, const DynList &n);

// Writes the diff value of one dynamic (no key) into out; returns false (writing nothing) when
// the client's copy is already equal.
bool diffDyn(Enc &e, QByteArray &out, const Dyn &o, const Dyn &n);

bool diffComp(Enc &e, QByteArray &out, const RComp &o, const RComp &n)
{
    const auto &oe = o.entries;
    const auto &ne = n.entries;
    QByteArray body;
    bool moved = false;
    bool any = false;
    QHash<LoopKey, qsizetype> oldIndex;
    bool indexBuilt = false;
    std::vector<bool> movedFrom;
    for (size_t i = 0; i < ne.size(); ++i) {
        qsizetype oldPos = -1;
        if (i < oe.size() && oe[i] == ne[i])
            continue; // the same entry object: reused by the renderer, unchanged
        if (i < oe.size() && oe[i]->key == ne[i]->key) {
            oldPos = qsizetype(i);
        } else {
            if (!indexBuilt) {
                oldIndex.reserve(qsizetype(oe.size()));
                for (size_t j = 0; j < oe.size(); ++j)
                    oldIndex.insert(oe[j]->key, qsizetype(j));
                indexBuilt = true;
            }
            auto it = oldIndex.constFind(ne[i]->key);
            if (it != oldIndex.constEnd())
                oldPos = *it;
            // The client clones each old entry once per diff: two moves from one old position
            // (duplicate keys) would share one object, so a second one is sent as a new entry.
            if (oldPos >= 0 && oldPos != qsizetype(i)) {
                if (movedFrom.empty())
                    movedFrom.resize(oe.size(), false);
                if (movedFrom[size_t(oldPos)])
                    oldPos = -1;
                else
                    movedFrom[size_t(oldPos)] = true;
            }
        }
        if (oldPos < 0) {
            appendIndexKey(body, i);
            body.append('{');
            writeDynMembers(e, body, ne[i]->dyns);
            body.append("},");
            any = true;
            continue;
        }
        QByteArray d;
        const bool changed = oe[size_t(oldPos)] != ne[i] && diffDyns(e, d, oe[size_t(oldPos)]->dyns, ne[i]->dyns);
        if (oldPos == qsizetype(i)) {
            if (changed) {
                appendIndexKey(body, i);
                body.append('{');
                body.append(d);
                body.append("},");
                any = true;
            }
        } else {
            moved = true;
            any = true;
            appendIndexKey(body, i);
            if (changed) {
                body.append('[');
                body.append(QByteArray::number(oldPos));
                body.append(",{");
                body.append(d);
                body.append("}],");
            } else {
                body.append(QByteArray::number(oldPos));
                body.append(',');
            }
        }
    }
    if (!any && ne.size() == oe.size())
        return false;
    out.append("{\"k\":{");
    out.append(body);
    out.append("\"kc\":");
    out.append(QByteArray::number(qulonglong(ne.size())));
    if (moved)
        out.append(",\"km\":true");
    out.append("}}");
    return true;
}

bool diffDyn(Enc &e, QByteArray &out, const Dyn &o, const Dyn &n)
{
    if (n.cid) { // the component's own changes travel in "c"
        if (o.cid == n.cid)
            return false;
        out.append(QByteArray::number(n.cid));
        return true;
    }
    if (n.node) {
        if (o.node == n.node)
            return false;
        if (o.node && sameStatics(o.node->statics, n.node->statics)) {
            QByteArray d;
            if (!diffDyns(e, d, o.node->dyns, n.node->dyns))
                return false;
            out.append('{');
            out.append(d);
            out.append('}');
            return true;
        }
        writeFullNode(e, out, *n.node);
        return true;
    }
    if (n.comp) {
        if (o.comp == n.comp)
            return false;
        if (n.comp->isStream() && o.comp && o.comp->isStream() && o.comp->clientHasObject
            && sameStatics(o.comp->statics, n.comp->statics))
            return diffStream(e, out, *n.comp);
        if (o.comp && !n.comp->isStream() && !o.comp->isStream() && sameStatics(o.comp->statics, n.comp->statics)) {
            if (o.comp->clientHasObject) {
                n.comp->clientHasObject = true;
                return diffComp(e, out, *o.comp, *n.comp);
            }
            if (n.comp->entries.empty()) {
                n.comp->clientHasObject = false;
                return false;
            }
        }
        writeFullComp(e, out, *n.comp);
        return true;
    }
    if (o.isString() && o.str == n.str)
        return false;
    appendJsonString(out, n.str);
    return true;
}

bool diffDyns(Enc &e, QByteArray &out, const DynList &o, const DynList &n)
{
    bool any = false;
    const size_t count = n.size();
    for (size_t i = 0; i < count; ++i) {
        // cheap equality first: most dynamics of most entries are unchanged
        if (i < size_t(o.size())) {
            const Dyn &a = o[i], &b = n[i];
            if (b.cid ? a.cid == b.cid : (b.isString() && a.isString() && a.str == b.str))
                continue;
            if (!b.cid && ((b.node && a.node == b.node) || (b.comp && a.comp == b.comp)))
                continue;
        }
        const qsizetype mark = out.size();
        if (any)
            out.append(',');
        appendIndexKey(out, i);
        const qsizetype valueStart = out.size();
        bool changed;
        if (i < size_t(o.size())) {
            changed = diffDyn(e, out, o[i], n[i]);
        } else {
            writeFullDyn(e, out, n[i]);
            changed = true;
        }
        if (changed && out.size() > valueStart)
            any = true;
        else
            out.truncate(mark);
    }
    return any;
}

} // namespace

RenderedTree::RenderedTree(std::shared_ptr<const RNode> root) : m_root(std::move(root)) { }

QByteArray RenderedTree::toHtml() const
{
    QByteArray out;
    if (m_root)
        appendHtml(out, *m_root);
    return out;
}

QByteArray RenderedTree::toHtml(const std::function<RenderedTree(int cid)> &components) const
{
    const auto *saved = std::exchange(tl_components, &components);
    QByteArray out = toHtml();
    tl_components = saved;
    return out;
}

QByteArray RenderedTree::toJson() const
{
    QByteArray out;
    if (!m_root)
        return "{}";
    out.reserve(1024);
    Enc e;
    out.append('{');
    writeFullNodeMembers(e, out, *m_root, true);
    e.finish(out, false);
    return out;
}

QByteArray RenderedTree::diff(const RenderedTree &old, const RenderedTree &now)
{
    if (!now.m_root)
        return "{}";
    Enc e;
    if (!old.m_root || !sameStatics(old.m_root->statics, now.m_root->statics)) {
        // at the top of a diff "r" means "hook reply" to the client, so the root flag is left out
        QByteArray out;
        out.append('{');
        writeFullNodeMembers(e, out, *now.m_root, false);
        e.finish(out, false);
        return out;
    }
    if (old.m_root == now.m_root)
        return "{}";
    QByteArray d;
    d.reserve(256);
    d.append('{');
    const bool any = diffDyns(e, d, old.m_root->dyns, now.m_root->dyns);
    e.finish(d, !any);
    return d;
}

QByteArray RenderedTree::toComponentJson(int staticsRef) const
{
    if (!m_root)
        return "{}";
    // The root's statics are literal (an integer "s" at a component's root names another
    // component); nested statics go through the component's own "p", which the client resolves
    // per component.
    Enc e;
    QByteArray out;
    out.reserve(256);
    out.append('{');
    writeDynMembers(e, out, m_root->dyns);
    if (!m_root->dyns.empty())
        out.append(',');
    out.append("\"s\":");
    if (staticsRef)
        out.append(QByteArray::number(staticsRef));
    else
        out.append(m_root->statics->json);
    out.append(",\"r\":1");
    e.finish(out, false);
    return out;
}

QByteArray RenderedTree::componentDiff(const RenderedTree &old, const RenderedTree &now)
{
    if (!now.m_root)
        return "{}";
    if (!old.m_root || !sameStatics(old.m_root->statics, now.m_root->statics))
        return now.toComponentJson();
    if (old.m_root == now.m_root)
        return "{}";
    Enc e;
    QByteArray d;
    d.reserve(128);
    d.append('{');
    const bool any = diffDyns(e, d, old.m_root->dyns, now.m_root->dyns);
    e.finish(d, !any);
    return d;
}

bool RenderedTree::hasSingleRoot() const
{
    return m_root && m_root->statics->root;
}

quint64 RenderedTree::staticsFingerprint() const
{
    return m_root ? m_root->statics->fingerprint : 0;
}

int RenderedTree::dynamicCount() const
{
    return m_root ? int(m_root->dyns.size()) : 0;
}

} // namespace LiveActor
