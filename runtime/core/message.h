#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace LiveActor {

/// A type-erased, move-only message: any C++ value, e.g. `ref.tell(Increment{5})`.
///
/// Values up to 48 bytes with a noexcept move constructor are stored inline (no allocation);
/// larger ones go to the heap. The receiving handler asks for the type it expects:
///
///     if (auto *inc = msg.as<Increment>()) { m_count += inc->by; return {}; }
///
/// The type test is one pointer comparison (no RTTI, no string compares). Types are matched
/// exactly (after decay): `as<Base>()` does not match a `Derived`. A Message is owned by whoever
/// holds it; it is not thread-safe itself, but moving it between threads through a mailbox is the
/// normal use. clone() copies it if the stored type is copy-constructible (pub/sub fan-out).
class Message
{
public:
    static constexpr std::size_t InlineSize = 48;

    Message() noexcept = default;

    template<typename T, typename D = std::decay_t<T>>
        requires(!std::is_same_v<D, Message>)
    Message(T &&value) // NOLINT: implicit on purpose, so tell(MyStruct{…}) works
    {
        if constexpr (fitsInline<D>()) {
            ::new (static_cast<void *>(m_storage)) D(std::forward<T>(value));
        } else {
            D *heap = new D(std::forward<T>(value));
            ::new (static_cast<void *>(m_storage)) D *(heap);
        }
        m_ops = &s_ops<D>;
    }

    Message(Message &&other) noexcept { moveFrom(other); }
    Message &operator=(Message &&other) noexcept
    {
        if (this != &other) {
            reset();
            moveFrom(other);
        }
        return *this;
    }
    Message(const Message &) = delete;
    Message &operator=(const Message &) = delete;
    ~Message() { reset(); }

    /// The stored value if it is exactly a T, else nullptr.
    template<typename T>
    T *as() noexcept
    {
        using D = std::decay_t<T>;
        if (m_ops != &s_ops<D>)
            return nullptr;
        return ptr<D>();
    }
    template<typename T>
    const T *as() const noexcept
    {
        return const_cast<Message *>(this)->as<T>();
    }
    template<typename T>
    bool is() const noexcept
    {
        return m_ops == &s_ops<std::decay_t<T>>;
    }

    bool isEmpty() const noexcept { return m_ops == nullptr; }
    /// Destroys the value; the message becomes empty.
    void reset() noexcept
    {
        if (m_ops) {
            m_ops->destroy(m_storage);
            m_ops = nullptr;
        }
    }
    /// A copy, or an empty Message if the stored type is not copy-constructible.
    Message clone() const
    {
        Message copy;
        if (m_ops && m_ops->copy) {
            m_ops->copy(copy.m_storage, m_storage);
            copy.m_ops = m_ops;
        }
        return copy;
    }
    /// The stored C++ type's name as the compiler spells it (diagnostics only; "" when empty).
    const char *typeName() const noexcept { return m_ops ? m_ops->name() : ""; }
    /// sizeof the stored type (0 when empty): a size estimate for traces, not counting heap data
    /// the value points to.
    std::size_t valueSize() const noexcept { return m_ops ? m_ops->size : 0; }

private:
    struct Ops
    {
        void (*move)(void *dst, void *src) noexcept; // move-construct dst from src, destroy src
        void (*destroy)(void *p) noexcept;
        void (*copy)(void *dst, const void *src);    // null if not copyable
        const char *(*name)() noexcept;
        std::size_t size;
    };

    template<typename D>
    static constexpr bool fitsInline()
    {
        return sizeof(D) <= InlineSize && alignof(D) <= alignof(std::max_align_t)
            && std::is_nothrow_move_constructible_v<D>;
    }

    template<typename D>
    D *ptr() noexcept
    {
        if constexpr (fitsInline<D>())
            return std::launder(reinterpret_cast<D *>(m_storage));
        else
            return *std::launder(reinterpret_cast<D **>(m_storage));
    }

    template<typename D>
    static const char *nameOf() noexcept
    {
        return __PRETTY_FUNCTION__;
    }

    template<typename D>
    static constexpr Ops makeOps()
    {
        Ops ops{};
        if constexpr (fitsInline<D>()) {
            ops.move = [](void *dst, void *src) noexcept {
                D *s = std::launder(reinterpret_cast<D *>(src));
                ::new (dst) D(std::move(*s));
                s->~D();
            };
            ops.destroy = [](void *p) noexcept { std::launder(reinterpret_cast<D *>(p))->~D(); };
            if constexpr (std::is_copy_constructible_v<D>)
                ops.copy = [](void *dst, const void *src) {
                    ::new (dst) D(*std::launder(reinterpret_cast<const D *>(src)));
                };
        } else {
            ops.move = [](void *dst, void *src) noexcept {
                ::new (dst) D *(*std::launder(reinterpret_cast<D **>(src)));
            };
            ops.destroy = [](void *p) noexcept { delete *std::launder(reinterpret_cast<D **>(p)); };
            if constexpr (std::is_copy_constructible_v<D>)
                ops.copy = [](void *dst, const void *src) {
                    ::new (dst) D *(new D(**std::launder(reinterpret_cast<D *const *>(src))));
                };
        }
        ops.name = &nameOf<D>;
        ops.size = sizeof(D);
        return ops;
    }

    // One Ops object per type; its address is the type's identity.
    template<typename D>
    static constexpr Ops s_ops = makeOps<D>();

    void moveFrom(Message &other) noexcept
    {
        if (other.m_ops) {
            other.m_ops->move(m_storage, other.m_storage);
            m_ops = other.m_ops;
            other.m_ops = nullptr;
        }
    }

    alignas(std::max_align_t) unsigned char m_storage[InlineSize];
    const Ops *m_ops = nullptr;
};

} // namespace LiveActor
