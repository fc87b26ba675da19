#pragma once

// Private: the native rendered tree. Statics are produced by the compiler and shared by every
// tree rendered from the same template; dynamics are UTF-8, already escaped.

#include "template/value.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QVarLengthArray>

#include <memory>
#include <vector>

namespace LiveActor::TemplateDetail {

struct Statics
{
    QList<QByteArray> parts;   ///< N+1 UTF-8 strings for N dynamics
    QByteArray json;           ///< pre-encoded JSON array `[…]` of the parts
    quint64 fingerprint = 0;   ///< hash of the parts and of the node kind
    bool root = false;         ///< output is a single element → "r":1
    void finalize();           ///< computes json, fingerprint and root from parts
};

struct RNode;
struct RComp;
struct Dyn;

/// Dynamics of a node or an entry; small lists stay inline (no allocation for a typical row).
using DynList = QVarLengthArray<Dyn, 2>;

/// A loop entry's key: an integer (index, or an integer key value) or bytes (any other value).
struct LoopKey
{
    qint64 number = 0;
    QByteArray bytes; ///< empty for integer keys; otherwise a type tag followed by the text
    bool operator==(const LoopKey &o) const { return number == o.number && bytes == o.bytes; }
};
inline size_t qHash(const LoopKey &k, size_t seed = 0) { return k.bytes.isEmpty() ? ::qHash(k.number, seed) : ::qHash(k.bytes, seed); }

/// One dynamic: a string, a nested node, a comprehension, or a live component (exactly one is
/// set; an empty string with no node/comp/cid is ""). A component is sent as its cid; node then
/// holds the component's tree as rendered with this tree, for toHtml() only.
struct Dyn
{
    QByteArray str;
    std::shared_ptr<const RNode> node;
    std::shared_ptr<RComp> comp;
    int cid = 0;
    bool isString() const { return !node && !comp && !cid; }
};

struct RNode
{
    std::shared_ptr<const Statics> statics;
    DynList dyns;
    const void *templateId = nullptr; ///< set on the top node: the Compiled that produced it
};

struct REntry
{
    LoopKey key;
    DynList dyns;
    Value item; ///< the loop item, kept so an unchanged (identical) item can reuse this entry
};

struct RComp
{
    std::shared_ptr<const Statics> statics;
    /// Shared so a re-render can reuse the entries of unchanged items and the diff can skip
    /// them by pointer.
    std::vector<std::shared_ptr<const REntry>> entries;
    /// What the client holds: false when this comprehension was last sent as "" (first render
    /// while empty), so a later non-empty render must be sent in full.
    mutable bool clientHasObject = false;
    /// A stream's comprehension (the loop iterated a StreamBatch): its ref and wire tuple. The
    /// encoders send its entries once and then drop them, so the server keeps no stream items; a
    /// later encoding sends no entries and the idle tuple.
    bool stream = false;
    QString streamRef;
    QByteArray streamTuple; ///< empty: nothing to do (the idle tuple)
    bool isStream() const { return stream; }
};

void appendHtml(QByteArray &out, const RNode &node);
void appendHtml(QByteArray &out, const Dyn &dyn);

} // namespace LiveActor::TemplateDetail
