// The in-memory error record. Every field of the flat JSON seed layout has a
// home here (nullable ones as std::optional) so that load -> export round trips
// keep what was read; the errlens extensions are marked.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace errlens {

/// One row of a record's version table.
struct VersionNote {
    std::optional<std::string> version;
    std::optional<std::string> introduced;
    std::optional<std::string> deprecated;
    std::optional<std::string> removed;
    std::optional<std::string> behavior_change;
    std::optional<std::string> status;
    bool operator==(const VersionNote&) const = default;
};

/// A fix that works, with an estimate of how often.
struct Workaround {
    std::string action;
    std::optional<double> success_rate;  ///< 0..1
    std::string how;
    std::string condition;
    std::vector<std::string> sources;
    std::string condition_zh;  ///< ext
    bool operator==(const Workaround&) const = default;
};

/// A fix people try that does not work, and why.
struct DeadEnd {
    std::string action;  ///< may be empty (seed quirk)
    std::string why_fails;
    std::optional<double> fail_rate;  ///< 0..1
    std::string condition;
    std::vector<std::string> sources;
    std::string action_zh;     ///< ext
    std::string why_fails_zh;  ///< ext
    std::string condition_zh;  ///< ext
    bool operator==(const DeadEnd&) const = default;
};

/// An edge of the transition graph: another record's id and what links them.
struct RelatedError {
    std::string error_id;
    std::optional<double> probability;
    std::string condition;
    std::string distinction;
    bool operator==(const RelatedError&) const = default;
};

struct TransitionGraph {
    std::vector<RelatedError> leads_to;
    std::vector<RelatedError> preceded_by;
    std::vector<RelatedError> frequently_confused_with;
    bool operator==(const TransitionGraph&) const = default;
};

/// Which layout a record was read from.
enum class RecordFormat { flat_json, text_page, canon_json };

/// One known error. Field names follow the flat JSON layout.
///
/// A new field here (or in the structs above) must also be: written and read
/// in src/snapshot.cpp, with k_snapshot_format_version bumped (snapshots are
/// how the embedded and cached catalogues load, and would silently drop it);
/// listed in header_fields (src/snapshot.cpp) if the matcher reads it;
/// compared in same_data (src/record.cpp); and set in all_fields_record() in
/// tests/test_snapshot.cpp. snapshot.cpp's size checks fail to compile until then.
struct Record {
    std::string id;
    std::string signature;
    std::optional<std::string> signature_zh;
    std::optional<std::string> regex;
    std::string domain;
    std::string category;
    std::optional<std::string> subcategory;
    std::string root_cause;
    std::optional<std::string> root_cause_type;
    std::string root_cause_zh;
    std::vector<VersionNote> versions;
    std::string os_specific_json = "{}";  ///< shape varies between sources: kept as compact JSON
    std::vector<DeadEnd> dead_ends;
    std::vector<Workaround> workarounds;
    std::vector<std::string> workarounds_zh;
    TransitionGraph transition_graph;
    std::optional<std::string> official_doc_url;
    std::optional<std::string> official_doc_section;
    std::optional<std::string> error_code;
    std::string verification_tier;
    std::optional<double> confidence;
    std::optional<double> fix_success_rate;
    std::optional<std::string> resolvable;  ///< "true", "false", "partial"
    std::optional<std::string> first_seen;
    std::optional<std::string> last_confirmed;
    std::optional<std::string> last_updated;
    std::optional<long long> evidence_count;
    std::vector<std::string> tags;
    std::string locale = "en";
    std::vector<std::string> aliases;
    // errlens extensions
    std::vector<std::string> examples;      ///< lines the regex must match
    std::vector<std::string> non_examples;  ///< lines the regex must not match
    std::optional<std::string> reproduction;
    std::optional<std::string> source_url;

    /// Where the record was read from (not part of the record's data).
    std::string source;
    int source_line = 0;
    RecordFormat format = RecordFormat::flat_json;

    /// Equality of the record's data; where it was read from is ignored.
    bool same_data(const Record& other) const;
};

/// The regex to compile: the record's own, or one derived from its signature.
std::string effective_regex(const Record& record);

/// A pattern matching the signature literally, whitespace runs as `\s+`.
std::string regex_from_signature(const std::string& signature);

}  // namespace errlens
