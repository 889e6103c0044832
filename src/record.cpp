#include "errlens/record.hpp"

#include <re2/re2.h>

#include <cctype>
#include <tuple>

namespace errlens {

namespace {
auto data_tie(const Record& r) {
    return std::tie(r.id, r.signature, r.signature_zh, r.regex, r.domain, r.category, r.subcategory,
                    r.root_cause, r.root_cause_type, r.root_cause_zh, r.versions,
                    r.os_specific_json, r.dead_ends, r.workarounds, r.workarounds_zh,
                    r.transition_graph, r.official_doc_url, r.official_doc_section, r.error_code,
                    r.verification_tier, r.confidence, r.fix_success_rate, r.resolvable,
                    r.first_seen, r.last_confirmed, r.last_updated, r.evidence_count, r.tags,
                    r.locale, r.aliases, r.examples, r.non_examples, r.reproduction, r.source_url);
}
}  // namespace

bool Record::same_data(const Record& other) const {
    return data_tie(*this) == data_tie(other);
}

std::string regex_from_signature(const std::string& signature) {
    std::string out;
    std::size_t i = 0;
    std::size_t end = signature.size();
    while (i < end && std::isspace(static_cast<unsigned char>(signature[i]))) {
        ++i;
    }
    while (end > i && std::isspace(static_cast<unsigned char>(signature[end - 1]))) {
        --end;
    }
    while (i < end) {
        if (std::isspace(static_cast<unsigned char>(signature[i]))) {
            while (i < end && std::isspace(static_cast<unsigned char>(signature[i]))) {
                ++i;
            }
            out += "\\s+";
            continue;
        }
        std::size_t j = i;
        while (j < end && !std::isspace(static_cast<unsigned char>(signature[j]))) {
            ++j;
        }
        out += RE2::QuoteMeta(signature.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string effective_regex(const Record& record) {
    if (record.regex && !record.regex->empty()) {
        return *record.regex;
    }
    return regex_from_signature(record.signature);
}

}  // namespace errlens
