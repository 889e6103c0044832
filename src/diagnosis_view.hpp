// Internal: what every renderer shows of a diagnosis, localized once: the
// Chinese field where there is one, else the English one marked as fallback.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "errlens/labels.hpp"
#include "errlens/matcher.hpp"

namespace errlens::detail {

/// A text in the chosen language, or the English one when Chinese is missing.
struct Localized {
    std::string text;
    bool fallback = false;
};

Localized pick(Language lang, const std::string& en, const std::string& zh);

struct WorkaroundView {
    Localized action;
    std::string how;  ///< English detail; empty when the Chinese text covers it
    std::optional<double> rate;
    Localized condition;
};

struct DeadEndView {
    Localized action;
    Localized why;
    std::optional<double> rate;
};

/// Everything a renderer shows of one diagnosis, already localized.
struct View {
    const Diagnosis* d;
    const Record* r;
    Localized root_cause;
    std::vector<WorkaroundView> workarounds;
    std::vector<DeadEndView> dead_ends;
    std::vector<std::string> fallback_fields;
};

View make_view(const Diagnosis& d, Language lang);

/// "84%", or the word for unknown.
std::string percent(const std::optional<double>& f, Language lang);

/// "regex", "similar" or "id".
std::string match_kind_name(MatchKind k);

/// A score without trailing zeros.
std::string score_text(double score);

/// One match as the JSON renderers write it (`--format json` and `jsonl`).
nlohmann::ordered_json match_json(const Diagnosis& d, Language lang);

}  // namespace errlens::detail
