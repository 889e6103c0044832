// Format detection: one place decides which loader reads a text, from its
// content, so a record's file extension never decides how it is read.
#include "errlens/loaders.hpp"

#include "json_source.hpp"

namespace errlens {

namespace {

std::string_view skip_space_and_bom(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                             text.front() == '\r')) {
        text.remove_prefix(1);
    }
    return text;
}

bool looks_like_text_page(std::string_view text) {
    bool has_id = false;
    bool has_root_cause = false;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        has_id = has_id || line.substr(0, 3) == "ID:";
        has_root_cause = has_root_cause || line == "Root Cause";
        if (nl == std::string_view::npos) {
            break;
        }
        start = nl + 1;
    }
    return has_id || has_root_cause;
}

}  // namespace

DetectedFormat detect_format(std::string_view text) {
    std::string_view body = skip_space_and_bom(text);
    if (!body.empty() && (body.front() == '{' || body.front() == '[')) {
        std::vector<Problem> ignored;
        auto doc = parse_json_source("", body, ignored);
        if (doc && is_canon_json(*doc)) {
            return DetectedFormat::canon_json;
        }
        return DetectedFormat::flat_json;
    }
    return looks_like_text_page(text) ? DetectedFormat::text_page : DetectedFormat::unknown;
}

LoadResult load_records(std::string_view source, std::string_view text) {
    std::string_view body = skip_space_and_bom(text);
    if (!body.empty() && (body.front() == '{' || body.front() == '[')) {
        LoadResult result;
        // Parse the text as given so that error lines and columns are the file's.
        std::string_view json_text = text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
        auto doc = parse_json_source(source, json_text, result.problems);
        if (!doc) {
            result.records_seen = 1;
            return result;
        }
        return is_canon_json(*doc) ? load_canon_json_value(source, *doc)
                                   : load_flat_json_value(source, *doc);
    }
    if (looks_like_text_page(text)) {
        return load_text_page(source, text);
    }
    LoadResult result;
    result.records_seen = 1;
    result.problems.push_back(
        {Severity::error,
         std::string(source),
         1,
         0,
         "",
         "not an error record: expected JSON (a flat record or a canon record) or a text page "
         "with `ID:` and `Root Cause`",
         {}});
    return result;
}

}  // namespace errlens
