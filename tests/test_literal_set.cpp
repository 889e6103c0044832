// The internal literal automaton (src/literal_set.hpp): the two-lane block
// scan against the one-lane one, on random blocks where literals, escape
// sequences and carriage returns are everywhere and lane B starts and is
// taken over at every kind of position; and texts walked four at a time
// against each walked alone.
#include <cstdint>
#include <string>
#include <vector>

#include "literal_set.hpp"
#include "test_support.hpp"

using errlens::detail::CandidateScan;
using errlens::detail::LiteralSet;

namespace {

struct Random {
    std::uint32_t seed;
    std::uint32_t operator()(std::uint32_t n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 8) % n;
    }
};

/// Lines of a small alphabet, so that literals of two to four letters occur
/// often, with escape sequences (some splitting a literal) and carriage
/// returns; ends with a newline, as the scanner's blocks do.
std::string random_block(Random& random, std::size_t lines) {
    static const std::vector<std::string> pieces = {
        "a", "b", "c", "A", "B", "x", "y", " ", "\r", "\x1b[1;31m", "\x1b[0m", "\x1b]0;t\x07", "é"};
    std::string block;
    for (std::size_t l = 0; l < lines; ++l) {
        std::size_t length = random(60);
        for (std::size_t i = 0; i < length; ++i) {
            // Mostly letters that are in no literal: long runs without one.
            block += random(4) == 0 ? pieces[random(static_cast<std::uint32_t>(pieces.size()))]
                                    : std::string(1, "xyz"[random(3)]);
        }
        block += '\n';
    }
    return block;
}

/// One to four literals of two to four letters of "abc": they occur often.
std::vector<std::string> random_literals(Random& random) {
    std::vector<std::string> literals;
    for (std::uint32_t n = 1 + random(4); n > 0; --n) {
        std::string lit;
        for (std::uint32_t len = 2 + random(3); len > 0; --len) {
            lit += "abc"[random(3)];
        }
        literals.push_back(lit);
    }
    return literals;
}

}  // namespace

TEST_CASE("literal set: the two-lane block scan gives the one-lane scan's answers",
          "[literal_set]") {
    Random random{2026};
    std::size_t answers = 0;
    std::size_t found = 0;
    for (int round = 0; round < 300; ++round) {
        LiteralSet set(random_literals(random));
        std::string block = random_block(random, 1 + random(120));
        for (std::size_t lead : {std::size_t{0}, std::size_t{1}, std::size_t{9}, std::size_t{64},
                                 std::size_t{700}, std::size_t{16} << 10}) {
            CandidateScan scan(set, block, lead);
            std::size_t from = 0;
            while (from < block.size()) {
                std::size_t expected = set.find_candidate(block, from);
                std::size_t got = scan.next(from);
                ++answers;
                if (got != expected) {
                    FAIL_CHECK("round " << round << ", lead " << lead << ", from " << from << ": "
                                        << got << " instead of " << expected);
                    break;
                }
                if (expected == block.size()) {
                    break;
                }
                ++found;
                from = block.find('\n', expected) + 1;
                // Sometimes further on, as the scanner does past a long line.
                if (random(5) == 0 && from < block.size()) {
                    from = block.find('\n', from) + 1;
                }
            }
        }
    }
    CHECK(found > 1000);
    CHECK(answers > found);
}

TEST_CASE("literal set: texts walked four at a time give each text's own finds", "[literal_set]") {
    Random random{1122};
    std::size_t finds = 0;
    for (int round = 0; round < 300; ++round) {
        LiteralSet set(random_literals(random));
        // 0 to 40 texts of 0 to 60 bytes: lanes end at every kind of
        // place, and empty texts are passed over.
        std::vector<std::string> texts;
        for (std::uint32_t n = random(41); n > 0; --n) {
            std::string text;
            for (std::uint32_t len = random(61); len > 0; --len) {
                text += "abcxy"[random(5)];
            }
            texts.push_back(text);
        }
        std::vector<std::string_view> views(texts.begin(), texts.end());
        std::vector<std::vector<std::uint32_t>> expected(texts.size());
        for (std::size_t i = 0; i < texts.size(); ++i) {
            set.for_each_match(texts[i], [&](std::uint32_t lit) { expected[i].push_back(lit); });
            finds += expected[i].size();
        }
        std::vector<std::vector<std::uint32_t>> got(texts.size());
        set.for_each_match_in(views.data(), views.size(),
                              [&](std::size_t i, std::uint32_t lit) { got.at(i).push_back(lit); });
        if (got != expected) {
            FAIL_CHECK("round " << round << ": finds differ");
        }
    }
    CHECK(finds > 1000);
}
