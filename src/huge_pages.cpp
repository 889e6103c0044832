#include "errlens/huge_pages.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace errlens {

bool advise_huge_pages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Only a whole 2 MB page inside the range can be one.
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto at = reinterpret_cast<std::uintptr_t>(data);
    const auto begin = (at + huge - 1) & ~(huge - 1);
    const auto end = (at + bytes) & ~(huge - 1);
    return end > begin && madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
#else
    (void)data;
    (void)bytes;
    return false;
#endif
}

bool prefer_huge_pages() {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
    static std::once_flag once;
    static bool requested = false;
    std::call_once(once, [] {
        // glibc's own switch for this (the glibc.malloc.hugetlb tunable) is
        // read from the environment at start-up only. The same effect: grow
        // the heap by a large reserve once, and advise it. The advice must
        // come after the growth (it is for pages mapped), and the kernel does
        // not carry it over to the heap's next growth, a mapping of its own.
        // malloc serves blocks of any size from the heap's top while it is
        // large enough, and trims it back to no less than the pad; blocks
        // under the mmap threshold (the largest it takes) grow the heap.
        constexpr int k_reserve = 1 << 30;
        constexpr int k_default = 128 << 10;  // both settings' (mallopt(3))
        constexpr std::uintptr_t k_huge = std::uintptr_t{2} << 20;
        if (mallopt(M_MMAP_THRESHOLD, 32 << 20) == 0 || mallopt(M_TOP_PAD, k_reserve) == 0) {
            return;  // not glibc's allocator (a sanitizer's, say)
        }
        // At the start of a program the heap's free top is small: this grows
        // it by the reserve, and the block sits at the old top. It is freed
        // last (the heap may then shrink by a little, never below the pad).
        const auto grown_from = reinterpret_cast<std::uintptr_t>(sbrk(0));
        void* probe = std::malloc(std::size_t{1} << 20);
        const auto at = reinterpret_cast<std::uintptr_t>(probe);
        const auto end = reinterpret_cast<std::uintptr_t>(sbrk(0));
        if (at == 0 || end < grown_from + k_reserve / 2 || at < grown_from - (1 << 20) ||
            at + k_huge > end) {
            // The heap did not grow by the reserve, or the block is not on
            // it (no address space for it, or another allocator): growing
            // the heap by 1 GB each time would only fail again.
            mallopt(M_TOP_PAD, k_default);
            mallopt(M_MMAP_THRESHOLD, k_default);
        } else {
            requested = advise_huge_pages(probe, end - at);
        }
        std::free(probe);
    });
    return requested;
#else
    return false;
#endif
}

}  // namespace errlens
