// Internal: an Aho-Corasick automaton over the lowercase literals the matcher
// requires of its patterns, as a dense DFA over an alphabet of byte classes. ASCII upper and
// lower case share a class, so the text is matched case-insensitively without
// lowercasing it first.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace errlens::detail {

class LiteralSet {
  public:
    /// `literals` must be lowercase ASCII-or-UTF-8 bytes; an empty one never matches.
    explicit LiteralSet(const std::vector<std::string>& literals);

    /// Calls `found(literal_index)` for every literal occurring in `text`
    /// (possibly more than once for the same literal).
    template <typename Found>
    void for_each_match(std::string_view text, Found found) const {
        std::uint32_t state = 0;
        const auto* p = reinterpret_cast<const unsigned char*>(text.data());
        const auto* end = p + text.size();
        for (; p != end; ++p) {
            state = next_[state * classes_ + class_of_[*p]];
            if (output_begin_[state] != output_begin_[state + 1]) {
                for (std::uint32_t i = output_begin_[state]; i < output_begin_[state + 1]; ++i) {
                    found(outputs_[i]);
                }
            }
        }
    }

    std::size_t states() const { return output_begin_.size() - 1; }

  private:
    std::array<std::uint16_t, 256> class_of_{};
    std::uint32_t classes_ = 1;
    std::vector<std::uint32_t> next_;          // states * classes_
    std::vector<std::uint32_t> output_begin_;  // states + 1
    std::vector<std::uint32_t> outputs_;
};

}  // namespace errlens::detail
