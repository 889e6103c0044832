#include "errlens/validation.hpp"

#include <algorithm>
#include <set>

namespace errlens {

namespace {

const std::set<std::string, std::less<>> k_tiers = {"ai_generated", "reproduced", "human_reviewed",
                                                    "auto_generated"};

bool contains_cjk(std::string_view s) {
    // Any character in U+3400..U+9FFF (3-byte UTF-8 lead bytes E3..E9).
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xE3 && c <= 0xE9) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<Problem> validate_records(const Matcher& matcher) {
    std::vector<Problem> out;
    const auto& records = matcher.catalogue().records();
    std::vector<std::size_t> hits;
    std::string cleaned;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const Record& r = records[i];
        auto problem = [&](std::string field, std::string message, std::string snippet = {}) {
            out.push_back({Severity::error, r.source, r.source_line, 0, std::move(field),
                           "`" + r.id + "`: " + std::move(message), std::move(snippet)});
        };
        auto required = [&](const std::string& value, const char* field) {
            if (value.empty()) {
                problem(std::string("/") + field, "required field is empty");
            }
        };
        required(r.domain, "domain");
        required(r.category, "category");
        required(r.root_cause, "root_cause");
        if (!k_tiers.count(r.verification_tier)) {
            problem(
                "/verification_tier",
                "must be one of ai_generated, reproduced, human_reviewed, auto_generated, not `" +
                    r.verification_tier + "`");
        }
        if (r.verification_tier == "reproduced" && (!r.reproduction || r.reproduction->empty())) {
            problem("/reproduction", "a reproduced record must say how it was reproduced");
        }
        if (!r.signature_zh || !contains_cjk(*r.signature_zh)) {
            problem("/signature_zh", "Chinese signature is missing");
        }
        if (!contains_cjk(r.root_cause_zh)) {
            problem("/root_cause_zh", "Chinese root cause is missing");
        }
        if (r.workarounds.empty()) {
            problem("/workarounds", "a record needs at least one workaround");
        }
        if (r.workarounds_zh.size() != r.workarounds.size()) {
            problem("/workarounds_zh", "has " + std::to_string(r.workarounds_zh.size()) +
                                           " entries for " + std::to_string(r.workarounds.size()) +
                                           " workarounds");
        }
        for (std::size_t k = 0; k < r.workarounds.size(); ++k) {
            if (!r.workarounds[k].condition.empty() &&
                !contains_cjk(r.workarounds[k].condition_zh)) {
                problem("/workarounds/" + std::to_string(k) + "/condition_zh",
                        "Chinese is missing");
            }
        }
        for (std::size_t k = 0; k < r.workarounds_zh.size(); ++k) {
            if (!contains_cjk(r.workarounds_zh[k])) {
                problem("/workarounds_zh/" + std::to_string(k), "is not Chinese");
            }
        }
        for (std::size_t k = 0; k < r.dead_ends.size(); ++k) {
            const DeadEnd& d = r.dead_ends[k];
            // A dead end that is only a command stays untranslated.
            if (!d.action.empty() && !contains_cjk(d.action_zh) && d.action_zh != d.action) {
                problem("/dead_ends/" + std::to_string(k) + "/action_zh", "Chinese is missing");
            }
            if (!d.why_fails.empty() && !contains_cjk(d.why_fails_zh)) {
                problem("/dead_ends/" + std::to_string(k) + "/why_fails_zh", "Chinese is missing");
            }
            if (!d.condition.empty() && !contains_cjk(d.condition_zh)) {
                problem("/dead_ends/" + std::to_string(k) + "/condition_zh", "Chinese is missing");
            }
        }
        if (!matcher.compiled(i)) {
            problem("/regex", "RE2 cannot compile the regex", effective_regex(r));
            continue;
        }
        if (r.examples.empty()) {
            problem("/examples", "no examples: nothing shows the regex matches the real wording");
        }
        for (std::size_t k = 0; k < r.examples.size(); ++k) {
            hits.clear();
            clean_line(r.examples[k], cleaned);
            matcher.match_line(cleaned, hits);
            if (std::find(hits.begin(), hits.end(), i) == hits.end()) {
                problem("/examples/" + std::to_string(k), "the regex does not match this example",
                        r.examples[k]);
                continue;
            }
            // The record must also be the first answer for its own example.
            auto ranked = diagnose_message(matcher, r.examples[k]);
            if (!ranked.empty() && ranked[0].record != &r) {
                problem("/examples/" + std::to_string(k),
                        "matches, but `" + ranked[0].record->id +
                            "` ranks first for this example (make one of the two regexes more "
                            "specific)",
                        r.examples[k]);
            }
        }
        for (std::size_t k = 0; k < r.non_examples.size(); ++k) {
            hits.clear();
            clean_line(r.non_examples[k], cleaned);
            matcher.match_line(cleaned, hits);
            if (std::find(hits.begin(), hits.end(), i) != hits.end()) {
                problem("/non_examples/" + std::to_string(k),
                        "the regex matches this near miss, which it must not", r.non_examples[k]);
            }
        }
    }
    return out;
}

}  // namespace errlens
