#include "errlens/problem.hpp"

#include <algorithm>

namespace errlens {

std::string format_location(const Problem& problem) {
    std::string out = problem.source;
    if (problem.line > 0) {
        out += ':' + std::to_string(problem.line);
        if (problem.column > 0) {
            out += ':' + std::to_string(problem.column);
        }
    }
    if (!problem.field.empty()) {
        out += out.empty() ? "" : ": ";
        out += problem.field;
    }
    return out;
}

std::string format_problem(const Problem& problem) {
    std::string out = format_location(problem);
    out += out.empty() ? "" : ": ";
    out += problem.severity == Severity::error ? "error: " : "warning: ";
    out += problem.message;
    if (!problem.snippet.empty()) {
        out += "\n  " + problem.snippet;
        if (problem.column > 0) {
            // Tabs stay tabs so the caret lines up under them in a terminal.
            std::string pad;
            for (int i = 0; i + 1 < problem.column && i < static_cast<int>(problem.snippet.size());
                 ++i) {
                pad += problem.snippet[i] == '\t' ? '\t' : ' ';
            }
            out += "\n  " + pad + "^ near here";
        }
    }
    return out;
}

TextPosition position_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    TextPosition pos;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++pos.line;
            line_start = i + 1;
        }
    }
    pos.column = static_cast<int>(offset - line_start) + 1;
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) {
        line_end = text.size();
    }
    pos.line_text = std::string(text.substr(line_start, line_end - line_start));
    if (!pos.line_text.empty() && pos.line_text.back() == '\r') {
        pos.line_text.pop_back();
    }
    return pos;
}

}  // namespace errlens
