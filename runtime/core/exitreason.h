#pragma once

#include <QMetaType>
#include <QString>

namespace LiveActor {

/// Why an actor stopped. The OTP vocabulary: Normal and Shutdown are *normal* exits (a transient
/// child is not restarted for them, links ignore them); every other kind is *abnormal*.
/// A plain value type; copy it freely across threads.
struct ExitReason
{
    enum class Kind {
        Normal,    ///< the actor stopped itself (Actor::stop()) or finished
        Shutdown,  ///< graceful shutdown requested by a parent, supervisor, operator or the system
        Killed,    ///< killed: immediately, without draining (message "killed" unless told)
        Error,     ///< a handler returned an Error; message = Error::toString()
        Exception, ///< a handler threw; message = what()
        Linked,    ///< a linked actor exited abnormally and this one did not trap exits
        NoProc,    ///< (in Down/ExitSignal only) the watched actor was already gone
    };

    Kind kind = Kind::Normal;
    QString message;

    static ExitReason normal() { return {Kind::Normal, {}}; }
    static ExitReason shutdown(QString message = {}) { return {Kind::Shutdown, std::move(message)}; }
    static ExitReason killed(QString message = QStringLiteral("killed")) { return {Kind::Killed, std::move(message)}; }
    static ExitReason error(QString message) { return {Kind::Error, std::move(message)}; }
    static ExitReason exception(QString message) { return {Kind::Exception, std::move(message)}; }

    /// true for Normal and Shutdown.
    bool isNormal() const { return kind == Kind::Normal || kind == Kind::Shutdown; }
    bool isAbnormal() const { return !isNormal(); }
    /// "normal", "shutdown", "killed", "error", "exception", "linked", "noproc".
    QString kindName() const;
    /// "kind" or "kind: message".
    QString toString() const;
    bool operator==(const ExitReason &other) const = default;
};

} // namespace LiveActor

Q_DECLARE_METATYPE(LiveActor::ExitReason)
