// Loaders turn text into records. They take the text and a source name, never
// a path, so tests and the embedded catalogue use them exactly as files do;
// which layout a text holds is detected from its content.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "errlens/problem.hpp"
#include "errlens/record.hpp"

namespace errlens {

/// Records read from one source and every problem met on the way. A record
/// that could not be read is absent from `records` and has at least one
/// error in `problems`.
struct LoadResult {
    std::vector<Record> records;
    std::vector<Problem> problems;
    /// Records found in the source, loaded or not (so counts add up).
    std::size_t records_seen = 0;
};

enum class DetectedFormat { flat_json, canon_json, text_page, unknown };

/// Picks the layout from content: JSON with a top-level `error` object is a
/// canon record, other JSON holds flat records, a page with `ID:` and
/// `Root Cause` is a text page.
DetectedFormat detect_format(std::string_view text);

/// Detects the layout and loads with the matching loader.
LoadResult load_records(std::string_view source, std::string_view text);

/// The flat JSON layout: one record object or an array of them.
LoadResult load_flat_json(std::string_view source, std::string_view text);

/// The nested layout of the deadends.dev catalogue (`error.signature`, `verdict.summary`, ...).
LoadResult load_canon_json(std::string_view source, std::string_view text);

/// The text page layout.
LoadResult load_text_page(std::string_view source, std::string_view text);

/// The flat JSON layout, 2-space indented, seed field order, extensions only when set.
std::string to_json(const Record& record);

/// Several records as one JSON array.
std::string to_json(const std::vector<const Record*>& records);

/// The text page layout; load_text_page reads it back to the same record.
std::string to_text_page(const Record& record);

}  // namespace errlens
