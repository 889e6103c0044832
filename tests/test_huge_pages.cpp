// prefer_huge_pages: the heap that later allocations come from carries the
// kernel's huge page advice ("hg" in /proc/self/smaps). CTest runs each test
// case in a process of its own, which matters here: the advice is for the
// whole process, and the case without it comes first.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "errlens/huge_pages.hpp"

namespace {

bool have_huge_pages() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return false;  // the sanitizer's allocator replaces glibc's
#else
    return std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled") &&
           std::filesystem::exists("/proc/self/smaps");
#endif
}

/// The VmFlags of the mapping holding `p`, from /proc/self/smaps; empty if none.
std::string flags_of_mapping(const void* p) {
    auto at = reinterpret_cast<std::uintptr_t>(p);
    std::ifstream smaps("/proc/self/smaps");
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        std::uintptr_t begin = 0;
        std::uintptr_t end = 0;
        char dash = 0;
        std::istringstream head(line);
        if (head >> std::hex >> begin >> dash >> end && dash == '-' &&
            line.find(':') > line.find(' ')) {
            inside = begin <= at && at < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return line.substr(8) + " ";
        }
    }
    return "";
}

}  // namespace

TEST_CASE("huge pages: without the request the heap carries no advice") {
    if (!have_huge_pages()) {
        std::cout << "SKIPPED: no transparent huge pages here, or a sanitizer's allocator\n";
        return;
    }
    std::vector<char> block(4 << 20, 'x');
    std::string flags = flags_of_mapping(block.data());
    REQUIRE_FALSE(flags.empty());
    CHECK(flags.find(" hg ") == std::string::npos);
}

TEST_CASE("huge pages: after the request what malloc gives carries the advice") {
    if (!have_huge_pages()) {
        std::cout << "SKIPPED: no transparent huge pages here, or a sanitizer's allocator\n";
        return;
    }
    REQUIRE(errlens::prefer_huge_pages());
    CHECK(errlens::prefer_huge_pages());  // once: a second call changes nothing
    // Blocks come from the heap's top, the advised reserve (its first bytes
    // may lie just before it, in the heap as it was: the middle is looked
    // at); small ones may reuse memory freed before the request, until that
    // runs out, as it soon does for a catalogue's many strings.
    for (std::size_t size : {std::size_t{4} << 20, std::size_t{40} << 20}) {
        std::vector<char> block(size, 'x');
        std::string flags = flags_of_mapping(block.data() + size / 2);
        INFO("block of " << size << " bytes, VmFlags:" << flags);
        REQUIRE_FALSE(flags.empty());
        CHECK(flags.find(" hg ") != std::string::npos);
        CHECK(block.back() == 'x');
    }
    std::vector<std::string> strings(100000, std::string(40, 'x'));
    std::string flags = flags_of_mapping(strings.back().data());
    INFO("the last of 100,000 strings, VmFlags:" << flags);
    CHECK(flags.find(" hg ") != std::string::npos);
}
