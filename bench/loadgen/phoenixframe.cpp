#include "phoenixframe.h"

namespace LiveActor::Bench {

namespace {

struct Cursor
{
    const char *p;
    const char *end;

    void ws() { while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p; }
    bool eat(char c) { ws(); if (p < end && *p == c) { ++p; return true; } return false; }

    /// A JSON string; out = its raw contents (escapes kept).
    bool string(std::string_view *out)
    {
        ws();
        if (p >= end || *p != '"')
            return false;
        const char *s = ++p;
        while (p < end && *p != '"')
            p += (*p == '\\') ? 2 : 1;
        if (p >= end)
            return false;
        if (out)
            *out = std::string_view(s, p - s);
        ++p;
        return true;
    }

    /// null or a string; isNull tells which.
    bool stringOrNull(std::string_view *out, bool *isNull)
    {
        ws();
        if (end - p >= 4 && std::string_view(p, 4) == "null") {
            p += 4;
            *isNull = true;
            return true;
        }
        *isNull = false;
        return string(out);
    }

    /// A ref element (null or a string) and the comma after it; raw = its JSON token.
    bool refElement(std::string_view *raw, std::string_view *out, bool *isNull)
    {
        ws();
        const char *start = p;
        if (!stringOrNull(out, isNull))
            return false;
        *raw = std::string_view(start, p - start);
        return eat(',');
    }

    /// Skips any JSON value.
    bool skip()
    {
        ws();
        if (p >= end)
            return false;
        if (*p == '"')
            return string(nullptr);
        if (*p == '{' || *p == '[') {
            int depth = 0;
            while (p < end) {
                const char c = *p;
                if (c == '"') {
                    if (!string(nullptr))
                        return false;
                    continue;
                }
                ++p;
                if (c == '{' || c == '[')
                    ++depth;
                else if ((c == '}' || c == ']') && --depth == 0)
                    return true;
            }
            return false;
        }
        while (p < end && *p != ',' && *p != '}' && *p != ']')
            ++p;
        return true;
    }
};

} // namespace

bool PhoenixFrame::parse(std::string_view text, PhoenixFrame *out)
{
    Cursor c{text.data(), text.data() + text.size()};
    std::string_view s;
    bool isNull = false;
    if (!c.eat('[') || !c.refElement(&out->joinRefJson, &s, &isNull))   // join_ref
        return false;
    if (!c.refElement(&out->refJson, &s, &isNull))                    // ref
        return false;
    out->hasRef = !isNull && !s.empty();
    out->ref = 0;
    for (char ch : s) {
        if (ch < '0' || ch > '9') {
            out->hasRef = false;
            break;
        }
        out->ref = out->ref * 10 + std::uint64_t(ch - '0');
    }
    if (!c.string(&out->topic) || !c.eat(',') || !c.string(&out->event) || !c.eat(','))
        return false;
    c.ws();
    const char *payloadStart = c.p;
    out->status = {};
    if (c.eat('{')) {
        // Walk the top-level keys only: a "status" inside a diff must not count.
        if (!c.eat('}')) {
            do {
                std::string_view key;
                if (!c.string(&key) || !c.eat(':'))
                    return false;
                if (key == "status") {
                    c.ws();
                    if (!c.string(&out->status))
                        return false;
                } else if (!c.skip()) {
                    return false;
                }
            } while (c.eat(','));
            if (!c.eat('}'))
                return false;
        }
    } else if (!c.skip()) {
        return false;
    }
    out->payload = std::string_view(payloadStart, c.p - payloadStart);
    return true;
}

} // namespace LiveActor::Bench
