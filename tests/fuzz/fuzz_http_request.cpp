// HttpRequest::parse over a connection's worth of bytes, as the server reads them: requests are
// taken from the front while complete (pipelining), then a WebSocket upgrade is checked by the
// handshake code. Small limits so the 413/431 paths are reachable.

#include "fuzzsupport.h"

#include "liveview/httprequest.h"
#include "liveview/websockethandshake.h"

using namespace LiveActor;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::silenceQtLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);
    qsizetype offset = 0;
    for (int i = 0; i < 32 && offset < input.size(); ++i) {
        const QByteArray rest = input.mid(offset);
        qsizetype consumed = -1;
        auto parsed = HttpRequest::parse(rest, &consumed, 2048, 8192);
        if (!parsed) {
            const int status = HttpRequest::errorStatus(parsed.error());
            Fuzz::require(status >= 400 && status < 600, "a parse error maps to a 4xx/5xx status");
            (void)HttpResponse::errorPage(status, parsed.error().message).serialize(false);
            return 0;
        }
        if (!*parsed)
            return 0; // incomplete: the server reads more
        Fuzz::require(consumed > 0 && consumed <= rest.size(), "consumed is within the buffer");
        const HttpRequest &request = **parsed;
        Fuzz::require(request.body.size() <= 8192, "the body limit holds");
        (void)request.keepAlive();
        (void)originAllowed(request, {u"https://allowed.example"_s}, {});
        if (request.isWebSocketUpgrade()) {
            const HandshakePolicy policy{.allowedOrigins = {u"http://allowed.example"_s},
                                         .openSockets = 1, .maxConnections = 10, .peerSockets = 0, .maxPerPeer = 4};
            auto accepted = acceptWebSocket(request, policy);
            if (!accepted)
                (void)accepted.error().response().serialize(false);
        }
        offset += consumed;
    }
    return 0;
}
