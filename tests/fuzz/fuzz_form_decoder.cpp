// FormDecoder: a urlencoded form body (decodeQuery), a form field name (keyPath) and a whole
// `event` payload (decodeFormEvent). The input is the urlencoded value; after a NUL byte comes
// the `_target` name; an input that is itself a JSON object is also decoded as a payload.

#include "fuzzsupport.h"

#include "liveview/formdecoder.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

int depth(const QJsonValue &value)
{
    int deepest = 0;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            deepest = std::max(deepest, depth(it.value()));
        return deepest + 1;
    }
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray())
            deepest = std::max(deepest, depth(v));
        return deepest + 1;
    }
    return 0;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::silenceQtLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);
    const qsizetype nul = input.indexOf('\0');
    const QByteArray query = nul < 0 ? input : input.left(nul);
    const QString target = nul < 0 ? QString() : QString::fromUtf8(input.mid(nul + 1));

    auto decoded = FormDecoder::decodeQuery(query);
    if (decoded)
        Fuzz::require(depth(*decoded) <= FormDecoder::maxDepth + 1, "decodeQuery keeps to maxDepth");
    else
        Fuzz::require(decoded.error().code == ErrorCode::Parse, "decodeQuery fails with Parse");

    (void)FormDecoder::keyPath(target);

    QJsonObject meta;
    if (nul >= 0)
        meta.insert(u"_target"_s, target);
    const QJsonObject form{{u"type"_s, u"form"_s}, {u"event"_s, u"save"_s},
                           {u"value"_s, QString::fromUtf8(query)}, {u"meta"_s, meta}};
    (void)FormDecoder::decodeFormEvent(form);

    const QJsonDocument json = QJsonDocument::fromJson(input);
    if (json.isObject())
        (void)FormDecoder::decodeFormEvent(json.object());
    return 0;
}
