// Internal: one place that parses JSON text and turns nlohmann's byte offset
// into a line, column and caret snippet.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "errlens/problem.hpp"

namespace errlens {

std::optional<nlohmann::json> parse_json_source(std::string_view source, std::string_view text,
                                                std::vector<Problem>& problems);

}  // namespace errlens

#include "errlens/loaders.hpp"

namespace errlens {

/// The loaders behind load_flat_json / load_canon_json, on an already parsed document.
LoadResult load_flat_json_value(std::string_view source, const nlohmann::json& doc);
LoadResult load_canon_json_value(std::string_view source, const nlohmann::json& doc);

/// A JSON object with an `error` object and no top-level `signature`.
bool is_canon_json(const nlohmann::json& doc);

}  // namespace errlens
