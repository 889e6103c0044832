// Loaders and writer for the two JSON layouts: the flat record (the project's
// own, after the seed) and the nested canon layout of the public catalogue.
// A field of the wrong type rejects its record with the field's JSON pointer;
// the other records in the file still load.
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "errlens/loaders.hpp"
#include "json_source.hpp"

namespace errlens {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

/// Reads typed fields of one JSON object, recording a problem per bad field.
class FieldReader {
  public:
    FieldReader(const json& object, std::string pointer, std::string_view source, int line,
                std::vector<Problem>& problems)
        : object_(object),
          pointer_(std::move(pointer)),
          source_(source),
          line_(line),
          problems_(problems) {}

    bool ok() const { return ok_; }
    const json& object() const { return object_; }
    std::string pointer(std::string_view key) const { return pointer_ + "/" + std::string(key); }

    void error(std::string field, std::string message) {
        problems_.push_back({Severity::error,
                             std::string(source_),
                             line_,
                             0,
                             std::move(field),
                             std::move(message),
                             {}});
        ok_ = false;
    }
    void warning(std::string field, std::string message) {
        problems_.push_back({Severity::warning,
                             std::string(source_),
                             line_,
                             0,
                             std::move(field),
                             std::move(message),
                             {}});
    }

    const json* get(std::string_view key) {
        auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }

    std::string text(std::string_view key, bool required = false) {
        const json* v = get(key);
        if (v == nullptr || v->is_null()) {
            if (required) {
                error(pointer(key), "required field is missing");
            }
            return {};
        }
        if (!v->is_string()) {
            error(pointer(key), "must be a string, not " + std::string(v->type_name()));
            return {};
        }
        std::string s = v->get<std::string>();
        if (required && s.empty()) {
            error(pointer(key), "required field is empty");
        }
        return s;
    }

    std::optional<std::string> nullable_text(std::string_view key) {
        const json* v = get(key);
        if (v == nullptr || v->is_null()) {
            return std::nullopt;
        }
        if (!v->is_string()) {
            error(pointer(key), "must be a string or null, not " + std::string(v->type_name()));
            return std::nullopt;
        }
        return v->get<std::string>();
    }

    /// A fraction in 0..1 (success and fail rates, confidence).
    std::optional<double> fraction(std::string_view key) {
        const json* v = get(key);
        if (v == nullptr || v->is_null()) {
            return std::nullopt;
        }
        if (!v->is_number()) {
            error(pointer(key), "must be a number from 0 to 1, not " + std::string(v->type_name()));
            return std::nullopt;
        }
        double d = v->get<double>();
        if (!(d >= 0.0 && d <= 1.0)) {
            error(pointer(key), "must be a number from 0 to 1, not " + v->dump());
            return std::nullopt;
        }
        return d;
    }

    std::optional<long long> count(std::string_view key) {
        const json* v = get(key);
        if (v == nullptr || v->is_null()) {
            return std::nullopt;
        }
        if (!v->is_number_integer() || v->get<long long>() < 0) {
            error(pointer(key), "must be a whole number of at least 0, not " + v->dump());
            return std::nullopt;
        }
        return v->get<long long>();
    }

    std::vector<std::string> text_list(std::string_view key) {
        std::vector<std::string> out;
        const json* v = get(key);
        if (v == nullptr || v->is_null()) {
            return out;
        }
        if (!v->is_array()) {
            error(pointer(key), "must be an array of strings, not " + std::string(v->type_name()));
            return out;
        }
        for (std::size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_string()) {
                error(pointer(key) + "/" + std::to_string(i),
                      "must be a string, not " + std::string((*v)[i].type_name()));
                continue;
            }
            out.push_back((*v)[i].get<std::string>());
        }
        return out;
    }

    /// Array of objects: calls `each(reader)` for every element.
    template <typename Each>
    void objects(std::string_view key, Each each) {
        const json* v = get(key);
        if (v == nullptr || v->is_null()) {
            return;
        }
        if (!v->is_array()) {
            error(pointer(key), "must be an array, not " + std::string(v->type_name()));
            return;
        }
        for (std::size_t i = 0; i < v->size(); ++i) {
            std::string p = pointer(key) + "/" + std::to_string(i);
            const json& element = (*v)[i];
            if (!element.is_object()) {
                each_scalar(element, p, each);
                continue;
            }
            FieldReader inner(element, p, source_, line_, problems_);
            each(inner);
            ok_ = ok_ && inner.ok();
        }
    }

    void warn_unknown(const std::set<std::string_view>& known) {
        for (auto it = object_.begin(); it != object_.end(); ++it) {
            if (known.count(it.key()) == 0) {
                warning(pointer(it.key()), "unknown field (ignored)");
            }
        }
    }

  private:
    // Elements given as a bare string (transition graph ids, version names)
    // are read through a one-key object so that the same code handles both.
    template <typename Each>
    void each_scalar(const json& element, const std::string& p, Each each) {
        if (element.is_string()) {
            json wrapped = {{"", element}};
            FieldReader inner(wrapped, p, source_, line_, problems_);
            inner.scalar_ = true;
            each(inner);
            ok_ = ok_ && inner.ok();
            return;
        }
        error(p, "must be an object, not " + std::string(element.type_name()));
    }

  public:
    /// True when the element was a bare string, read as the key "".
    bool scalar() const { return scalar_; }

  private:
    const json& object_;
    std::string pointer_;
    std::string_view source_;
    int line_;
    std::vector<Problem>& problems_;
    bool ok_ = true;
    bool scalar_ = false;
};

void read_related(FieldReader& graph, std::string_view key, std::vector<RelatedError>& out) {
    graph.objects(key, [&](FieldReader& r) {
        RelatedError e;
        if (r.scalar()) {
            e.error_id = r.text("", true);
        } else {
            e.error_id = r.text("error_id", true);
            e.probability = r.fraction("probability");
            e.condition = r.text("condition");
            e.distinction = r.text("distinction");
        }
        out.push_back(std::move(e));
    });
}

void read_workarounds(FieldReader& r, std::vector<Workaround>& out, bool warn_unknown) {
    r.objects("workarounds", [&](FieldReader& w) {
        Workaround x;
        x.action = w.text("action", true);
        x.success_rate = w.fraction("success_rate");
        x.how = w.text("how");
        x.condition = w.text("condition");
        x.sources = w.text_list("sources");
        x.condition_zh = w.text("condition_zh");
        if (warn_unknown) {
            w.warn_unknown(
                {"action", "success_rate", "how", "condition", "sources", "condition_zh"});
        }
        out.push_back(std::move(x));
    });
}

void read_dead_ends(FieldReader& r, std::vector<DeadEnd>& out, bool warn_unknown) {
    r.objects("dead_ends", [&](FieldReader& d) {
        DeadEnd x;
        x.action = d.text("action");
        x.why_fails = d.text("why_fails");
        if (x.action.empty() && x.why_fails.empty()) {
            d.error(d.pointer("why_fails"), "a dead end needs an action or a why_fails");
        }
        x.fail_rate = d.fraction("fail_rate");
        x.condition = d.text("condition");
        x.sources = d.text_list("sources");
        x.action_zh = d.text("action_zh");
        x.why_fails_zh = d.text("why_fails_zh");
        x.condition_zh = d.text("condition_zh");
        if (warn_unknown) {
            d.warn_unknown({"action", "why_fails", "fail_rate", "condition", "sources", "action_zh",
                            "why_fails_zh", "condition_zh"});
        }
        out.push_back(std::move(x));
    });
}

std::optional<std::string> read_resolvable(FieldReader& r, std::string_view key) {
    const json* v = r.get(key);
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    if (v->is_boolean()) {
        return v->get<bool>() ? "true" : "false";
    }
    if (v->is_string()) {
        return v->get<std::string>();
    }
    r.error(r.pointer(key), "must be \"true\", \"false\", \"partial\" or a boolean");
    return std::nullopt;
}

std::optional<Record> read_flat_record(const json& object, const std::string& pointer,
                                       std::string_view source, int line,
                                       std::vector<Problem>& problems) {
    FieldReader r(object, pointer, source, line, problems);
    Record rec;
    rec.source = std::string(source);
    rec.source_line = line;
    rec.format = RecordFormat::flat_json;
    rec.id = r.text("id", true);
    rec.signature = r.text("signature", true);
    rec.signature_zh = r.nullable_text("signature_zh");
    rec.regex = r.nullable_text("regex");
    rec.domain = r.text("domain");
    rec.category = r.text("category");
    rec.subcategory = r.nullable_text("subcategory");
    rec.root_cause = r.text("root_cause");
    rec.root_cause_type = r.nullable_text("root_cause_type");
    rec.root_cause_zh = r.text("root_cause_zh");
    r.objects("versions", [&](FieldReader& v) {
        VersionNote n;
        if (v.scalar()) {
            n.version = v.nullable_text("");
        } else {
            n.version = v.nullable_text("version");
            n.introduced = v.nullable_text("introduced");
            n.deprecated = v.nullable_text("deprecated");
            n.removed = v.nullable_text("removed");
            n.behavior_change = v.nullable_text("behavior_change");
            n.status = v.nullable_text("status");
            v.warn_unknown(
                {"version", "introduced", "deprecated", "removed", "behavior_change", "status"});
        }
        rec.versions.push_back(std::move(n));
    });
    if (const json* os = r.get("os_specific"); os != nullptr && !os->is_null()) {
        if (os->is_object()) {
            rec.os_specific_json = os->dump();
        } else {
            r.error(r.pointer("os_specific"), "must be an object");
        }
    }
    read_dead_ends(r, rec.dead_ends, true);
    read_workarounds(r, rec.workarounds, true);
    rec.workarounds_zh = r.text_list("workarounds_zh");
    if (const json* g = r.get("transition_graph"); g != nullptr && !g->is_null()) {
        if (g->is_object()) {
            FieldReader graph(*g, r.pointer("transition_graph"), source, line, problems);
            read_related(graph, "leads_to", rec.transition_graph.leads_to);
            read_related(graph, "preceded_by", rec.transition_graph.preceded_by);
            read_related(graph, "frequently_confused_with",
                         rec.transition_graph.frequently_confused_with);
            graph.warn_unknown({"leads_to", "preceded_by", "frequently_confused_with"});
            if (!graph.ok()) {
                r.error(r.pointer("transition_graph"), "has errors (see above)");
            }
        } else {
            r.error(r.pointer("transition_graph"), "must be an object");
        }
    }
    rec.official_doc_url = r.nullable_text("official_doc_url");
    rec.official_doc_section = r.nullable_text("official_doc_section");
    rec.error_code = r.nullable_text("error_code");
    rec.verification_tier = r.text("verification_tier");
    rec.confidence = r.fraction("confidence");
    rec.fix_success_rate = r.fraction("fix_success_rate");
    rec.resolvable = read_resolvable(r, "resolvable");
    rec.first_seen = r.nullable_text("first_seen");
    rec.last_confirmed = r.nullable_text("last_confirmed");
    rec.last_updated = r.nullable_text("last_updated");
    rec.evidence_count = r.count("evidence_count");
    rec.tags = r.text_list("tags");
    if (auto locale = r.nullable_text("locale")) {
        rec.locale = *locale;
    }
    rec.aliases = r.text_list("aliases");
    rec.examples = r.text_list("examples");
    rec.non_examples = r.text_list("non_examples");
    rec.reproduction = r.nullable_text("reproduction");
    rec.source_url = r.nullable_text("source_url");
    r.warn_unknown({"id",
                    "signature",
                    "signature_zh",
                    "regex",
                    "domain",
                    "category",
                    "subcategory",
                    "root_cause",
                    "root_cause_type",
                    "root_cause_zh",
                    "versions",
                    "os_specific",
                    "dead_ends",
                    "workarounds",
                    "workarounds_zh",
                    "transition_graph",
                    "official_doc_url",
                    "official_doc_section",
                    "error_code",
                    "verification_tier",
                    "confidence",
                    "fix_success_rate",
                    "resolvable",
                    "first_seen",
                    "last_confirmed",
                    "last_updated",
                    "evidence_count",
                    "tags",
                    "locale",
                    "aliases",
                    "examples",
                    "non_examples",
                    "reproduction",
                    "source_url"});
    if (!r.ok()) {
        return std::nullopt;
    }
    return rec;
}

std::optional<Record> read_canon_record(const json& object, std::string_view source,
                                        std::vector<Problem>& problems) {
    FieldReader r(object, "", source, 1, problems);
    Record rec;
    rec.source = std::string(source);
    rec.source_line = 1;
    rec.format = RecordFormat::canon_json;
    rec.id = r.text("id", true);
    rec.source_url = r.nullable_text("url");
    const json* error = r.get("error");
    if (error == nullptr || !error->is_object()) {
        r.error("/error", "required object is missing");
        return std::nullopt;
    }
    FieldReader e(*error, "/error", source, 1, problems);
    rec.signature = e.text("signature", true);
    rec.regex = e.nullable_text("regex");
    rec.domain = e.text("domain");
    rec.category = e.text("category");
    rec.first_seen = e.nullable_text("first_seen");
    rec.last_confirmed = e.nullable_text("last_confirmed");
    if (const json* env = r.get("environment"); env != nullptr && env->is_object()) {
        auto runtime = env->find("runtime");
        if (runtime != env->end() && runtime->is_object()) {
            std::string name = runtime->value("name", "");
            std::string range = runtime->value("version_range", "");
            if (!name.empty()) {
                VersionNote note;
                note.version = range.empty() ? name : name + " " + range;
                rec.versions.push_back(std::move(note));
            }
        }
        auto os = env->find("os");
        if (os != env->end() && os->is_string() && !os->get<std::string>().empty()) {
            rec.os_specific_json = json{{os->get<std::string>(), ""}}.dump();
        }
    }
    if (const json* verdict = r.get("verdict"); verdict != nullptr && verdict->is_object()) {
        FieldReader v(*verdict, "/verdict", source, 1, problems);
        rec.root_cause = v.text("summary");
        rec.fix_success_rate = v.fraction("fix_success_rate");
        rec.confidence = v.fraction("confidence");
        rec.last_updated = v.nullable_text("last_updated");
        rec.resolvable = read_resolvable(v, "resolvable");
        if (!v.ok()) {
            return std::nullopt;
        }
    }
    read_dead_ends(r, rec.dead_ends, false);
    read_workarounds(r, rec.workarounds, false);
    if (const json* g = r.get("transition_graph"); g != nullptr && g->is_object()) {
        FieldReader graph(*g, "/transition_graph", source, 1, problems);
        read_related(graph, "leads_to", rec.transition_graph.leads_to);
        read_related(graph, "preceded_by", rec.transition_graph.preceded_by);
        read_related(graph, "frequently_confused_with",
                     rec.transition_graph.frequently_confused_with);
        if (!graph.ok()) {
            return std::nullopt;
        }
    }
    if (const json* meta = r.get("metadata"); meta != nullptr && meta->is_object()) {
        FieldReader m(*meta, "/metadata", source, 1, problems);
        rec.evidence_count = m.count("evidence_count");
        rec.verification_tier = m.text("review_status");
        if (!m.ok()) {
            return std::nullopt;
        }
    }
    if (!r.ok() || !e.ok()) {
        return std::nullopt;
    }
    return rec;
}

ordered_json nullable(const std::optional<std::string>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}
ordered_json nullable(const std::optional<double>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json related_json(const std::vector<RelatedError>& edges) {
    ordered_json out = ordered_json::array();
    for (const auto& e : edges) {
        ordered_json j;
        j["error_id"] = e.error_id;
        if (e.probability) {
            j["probability"] = *e.probability;
        }
        if (!e.condition.empty()) {
            j["condition"] = e.condition;
        }
        if (!e.distinction.empty()) {
            j["distinction"] = e.distinction;
        }
        out.push_back(std::move(j));
    }
    return out;
}

ordered_json record_json(const Record& r) {
    ordered_json j;
    j["id"] = r.id;
    j["signature"] = r.signature;
    j["signature_zh"] = nullable(r.signature_zh);
    j["regex"] = nullable(r.regex);
    j["domain"] = r.domain;
    j["category"] = r.category;
    j["subcategory"] = nullable(r.subcategory);
    j["root_cause"] = r.root_cause;
    j["root_cause_type"] = nullable(r.root_cause_type);
    j["root_cause_zh"] = r.root_cause_zh;
    j["versions"] = ordered_json::array();
    for (const auto& v : r.versions) {
        j["versions"].push_back({{"version", nullable(v.version)},
                                 {"introduced", nullable(v.introduced)},
                                 {"deprecated", nullable(v.deprecated)},
                                 {"removed", nullable(v.removed)},
                                 {"behavior_change", nullable(v.behavior_change)},
                                 {"status", nullable(v.status)}});
    }
    j["os_specific"] = ordered_json::parse(r.os_specific_json);
    j["dead_ends"] = ordered_json::array();
    for (const auto& d : r.dead_ends) {
        ordered_json x = {{"action", d.action},
                          {"why_fails", d.why_fails},
                          {"fail_rate", nullable(d.fail_rate)},
                          {"condition", d.condition},
                          {"sources", d.sources}};
        if (!d.action_zh.empty()) {
            x["action_zh"] = d.action_zh;
        }
        if (!d.why_fails_zh.empty()) {
            x["why_fails_zh"] = d.why_fails_zh;
        }
        if (!d.condition_zh.empty()) {
            x["condition_zh"] = d.condition_zh;
        }
        j["dead_ends"].push_back(std::move(x));
    }
    j["workarounds"] = ordered_json::array();
    for (const auto& w : r.workarounds) {
        ordered_json x = {{"action", w.action},
                          {"success_rate", nullable(w.success_rate)},
                          {"how", w.how},
                          {"condition", w.condition},
                          {"sources", w.sources}};
        if (!w.condition_zh.empty()) {
            x["condition_zh"] = w.condition_zh;
        }
        j["workarounds"].push_back(std::move(x));
    }
    j["workarounds_zh"] = r.workarounds_zh;
    j["transition_graph"] = {
        {"leads_to", related_json(r.transition_graph.leads_to)},
        {"preceded_by", related_json(r.transition_graph.preceded_by)},
        {"frequently_confused_with", related_json(r.transition_graph.frequently_confused_with)}};
    j["official_doc_url"] = nullable(r.official_doc_url);
    j["official_doc_section"] = nullable(r.official_doc_section);
    j["error_code"] = nullable(r.error_code);
    j["verification_tier"] = r.verification_tier;
    j["confidence"] = nullable(r.confidence);
    j["fix_success_rate"] = nullable(r.fix_success_rate);
    j["resolvable"] = nullable(r.resolvable);
    j["first_seen"] = nullable(r.first_seen);
    j["last_confirmed"] = nullable(r.last_confirmed);
    j["last_updated"] = nullable(r.last_updated);
    j["evidence_count"] =
        r.evidence_count ? ordered_json(*r.evidence_count) : ordered_json(nullptr);
    j["tags"] = r.tags;
    j["locale"] = r.locale;
    j["aliases"] = r.aliases;
    if (!r.examples.empty()) {
        j["examples"] = r.examples;
    }
    if (!r.non_examples.empty()) {
        j["non_examples"] = r.non_examples;
    }
    if (r.reproduction) {
        j["reproduction"] = *r.reproduction;
    }
    if (r.source_url) {
        j["source_url"] = *r.source_url;
    }
    return j;
}

}  // namespace

std::optional<json> parse_json_source(std::string_view source, std::string_view text,
                                      std::vector<Problem>& problems) {
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // nlohmann reports a byte count just past the offending byte.
        std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        TextPosition pos = position_of(text, offset);
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..."
        auto colon = what.find(": ", what.find("parse error"));
        std::string message = colon == std::string::npos ? what : what.substr(colon + 2);
        problems.push_back({Severity::error, std::string(source), pos.line, pos.column, "",
                            "invalid JSON: " + message, pos.line_text});
        return std::nullopt;
    }
}

LoadResult load_flat_json_value(std::string_view source, const json& doc) {
    LoadResult result;
    auto load_one = [&](const json& object, const std::string& pointer) {
        ++result.records_seen;
        if (!object.is_object()) {
            result.problems.push_back({Severity::error,
                                       std::string(source),
                                       0,
                                       0,
                                       pointer.empty() ? "/" : pointer,
                                       "a record must be a JSON object",
                                       {}});
            return;
        }
        int line = pointer.empty() ? 1 : 0;
        if (auto rec = read_flat_record(object, pointer, source, line, result.problems)) {
            result.records.push_back(std::move(*rec));
        }
    };
    if (doc.is_array()) {
        for (std::size_t i = 0; i < doc.size(); ++i) {
            load_one(doc[i], "/" + std::to_string(i));
        }
    } else {
        load_one(doc, "");
    }
    return result;
}

LoadResult load_canon_json_value(std::string_view source, const json& doc) {
    LoadResult result;
    result.records_seen = 1;
    if (!doc.is_object()) {
        result.problems.push_back({Severity::error,
                                   std::string(source),
                                   1,
                                   0,
                                   "/",
                                   "a canon record must be a JSON object",
                                   {}});
        return result;
    }
    if (auto rec = read_canon_record(doc, source, result.problems)) {
        result.records.push_back(std::move(*rec));
    }
    return result;
}

bool is_canon_json(const json& doc) {
    if (!doc.is_object()) {
        return false;
    }
    auto error = doc.find("error");
    return error != doc.end() && error->is_object() && !doc.contains("signature");
}

LoadResult load_flat_json(std::string_view source, std::string_view text) {
    LoadResult failed;
    failed.records_seen = 1;
    auto doc = parse_json_source(source, text, failed.problems);
    return doc ? load_flat_json_value(source, *doc) : failed;
}

LoadResult load_canon_json(std::string_view source, std::string_view text) {
    LoadResult failed;
    failed.records_seen = 1;
    auto doc = parse_json_source(source, text, failed.problems);
    return doc ? load_canon_json_value(source, *doc) : failed;
}

std::string to_json(const Record& record) {
    return record_json(record).dump(2) + "\n";
}

std::string to_json(const std::vector<const Record*>& records) {
    ordered_json array = ordered_json::array();
    for (const Record* r : records) {
        array.push_back(record_json(*r));
    }
    return array.dump(2) + "\n";
}

}  // namespace errlens
