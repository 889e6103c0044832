// Internal: text for a terminal. Log lines can hold anything (invalid UTF-8,
// NUL, control bytes), and Chinese takes two columns a character, so
// renderers sanitize and measure here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace errlens::detail {

/// Valid UTF-8 with control characters and invalid bytes shown as U+FFFD, tabs as spaces.
std::string printable(std::string_view text);

/// Terminal columns: East Asian wide and fullwidth characters count two.
int display_width(std::string_view utf8);

/// Greedy word wrap to `width` columns; CJK text may break between any two
/// characters; a word longer than the width stands on its own line.
std::vector<std::string> wrap(std::string_view text, int width);

/// `fn` applied to each line of `text` (without its '\n'), joined again with '\n'.
template <typename Fn>
std::string map_lines(std::string_view text, Fn fn) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t nl = text.find('\n', start);
        out += fn(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
        if (nl == std::string_view::npos) {
            break;
        }
        out += '\n';
        start = nl + 1;
    }
    return out;
}

/// At most `width` columns, with "…" when cut.
std::string truncate(std::string_view text, int width);

}  // namespace errlens::detail
