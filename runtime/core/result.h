#pragma once

#include <QString>

#include <expected>
#include <utility>

namespace LiveActor {

/// What kind of failure an Error is. Generic on purpose: every module uses these codes and says
/// the specifics in Error::message.
enum class ErrorCode {
    Unknown,         ///< anything not covered below
    InvalidArgument, ///< the caller passed something that cannot work
    NotFound,        ///< no such actor / child / resource
    Full,            ///< a bounded mailbox or queue is at capacity (back off and retry)
    Closed,          ///< the target is stopped, stopping or a stale incarnation
    Timeout,         ///< an ask, ping or shutdown did not complete in time
    NoReply,         ///< the handler finished without replying to an ask
    Crashed,         ///< a handler threw or returned an error
    Killed,          ///< the actor was killed
    NotSupported,    ///< the operation does not apply to this actor (e.g. restart of an unsupervised one)
    Parse,           ///< malformed input
    Io,              ///< I/O or network failure
    Protocol,        ///< a peer broke a wire protocol
    Internal,        ///< a bug: an invariant did not hold
};

/// Short lower-case name of a code, e.g. "timeout" (used in logs and on the control-plane wire).
QString errorCodeName(ErrorCode code);

/// An error value: a code plus a human-readable message. A plain value type; copy it freely
/// across threads. Errors never cross the event loop as exceptions: functions that can fail
/// return Result<T>.
struct Error
{
    ErrorCode code = ErrorCode::Unknown;
    QString message;

    /// "code: message", e.g. "timeout: ask to view 1b2c… took more than 5000 ms".
    QString toString() const;
    bool operator==(const Error &other) const = default;
};

/// The result of anything that can fail: a T or an Error. Use `if (!r) … r.error()`, `*r`.
/// A std::expected that must not be ignored: every function returning one is [[nodiscard]]
/// (discard on purpose with `(void)`).
template<typename T>
class [[nodiscard]] Result : public std::expected<T, Error>
{
public:
    using std::expected<T, Error>::expected;
    Result(const std::expected<T, Error> &other) : std::expected<T, Error>(other) { }
    Result(std::expected<T, Error> &&other) : std::expected<T, Error>(std::move(other)) { }
};

/// `return fail(ErrorCode::Timeout, u"…"_s);` from a function returning Result<T>.
inline std::unexpected<Error> fail(ErrorCode code, QString message = {})
{
    return std::unexpected<Error>(Error{code, std::move(message)});
}

/// `return fail(err);` to pass an Error on.
inline std::unexpected<Error> fail(Error error)
{
    return std::unexpected<Error>(std::move(error));
}

} // namespace LiveActor
