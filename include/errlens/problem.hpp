// Problems found in data (catalogue files, logs) are values, not exceptions:
// loaders and the matcher collect every one with its location so the CLI can
// report them all at once, and the library never prints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace errlens {

enum class Severity { error, warning };

/// One problem in a named source, located as precisely as the source allows.
struct Problem {
    Severity severity = Severity::error;
    std::string source;   ///< file name as given (or "data/aws/x.json" for embedded records)
    int line = 0;         ///< 1-based; 0 when unknown
    int column = 0;       ///< 1-based; 0 when unknown
    std::string field;    ///< JSON pointer (`/workarounds/2/success_rate`) or section name
    std::string message;  ///< what is wrong, one sentence, no trailing period
    std::string snippet;  ///< the offending source line, for a caret under `column`
};

/// `source:line:column: field: message` with the parts that are known.
std::string format_location(const Problem& problem);

/// The full report: location, severity, message, then the snippet with a caret.
std::string format_problem(const Problem& problem);

/// 1-based line and column of a byte offset, plus the text of that line.
struct TextPosition {
    int line = 1;
    int column = 1;
    std::string line_text;
};
TextPosition position_of(std::string_view text, std::size_t offset);

}  // namespace errlens
