#include "diagnosis_view.hpp"

#include <cmath>
#include <cstdio>

#include "terminal_text.hpp"

namespace errlens::detail {

Localized pick(Language lang, const std::string& en, const std::string& zh) {
    if (lang == Language::zh && !zh.empty()) {
        return {zh, false};
    }
    return {en, lang == Language::zh && !en.empty()};
}

View make_view(const Diagnosis& d, Language lang) {
    const Record& r = *d.record;
    View v{&d, &r, pick(lang, r.root_cause, r.root_cause_zh), {}, {}, {}};
    if (v.root_cause.fallback) {
        v.fallback_fields.push_back("root_cause");
    }
    for (std::size_t i = 0; i < r.workarounds.size(); ++i) {
        const Workaround& w = r.workarounds[i];
        std::string zh = i < r.workarounds_zh.size() ? r.workarounds_zh[i] : std::string();
        WorkaroundView wv{
            pick(lang, w.action, zh), {}, w.success_rate, pick(lang, w.condition, w.condition_zh)};
        if (lang == Language::en || wv.action.fallback) {
            // The seed repeats the action as `how`: show it once.
            wv.how = w.how == w.action ? std::string() : w.how;
        }
        if (wv.action.fallback || wv.condition.fallback) {
            v.fallback_fields.push_back("workarounds/" + std::to_string(i));
        }
        v.workarounds.push_back(std::move(wv));
    }
    for (std::size_t i = 0; i < r.dead_ends.size(); ++i) {
        const DeadEnd& de = r.dead_ends[i];
        DeadEndView dv{pick(lang, de.action, de.action_zh),
                       pick(lang, de.why_fails, de.why_fails_zh), de.fail_rate};
        if (dv.action.fallback || dv.why.fallback) {
            v.fallback_fields.push_back("dead_ends/" + std::to_string(i));
        }
        v.dead_ends.push_back(std::move(dv));
    }
    return v;
}

std::string percent(const std::optional<double>& f, Language lang) {
    if (!f) {
        return std::string(label(lang, Label::unknown));
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f%%", std::round(*f * 100.0));
    return buf;
}

std::string match_kind_name(MatchKind k) {
    switch (k) {
        case MatchKind::regex:
            return "regex";
        case MatchKind::similar:
            return "similar";
        case MatchKind::lookup:
            return "id";
    }
    return "regex";
}

std::string score_text(double score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", score);
    return buf;
}

nlohmann::ordered_json match_json(const Diagnosis& d, Language lang) {
    using nlohmann::ordered_json;
    auto nullable = [](const std::optional<double>& v) {
        return v ? ordered_json(*v) : ordered_json(nullptr);
    };
    View v = make_view(d, lang);
    const Record& r = *d.record;
    ordered_json m;
    m["id"] = r.id;
    m["domain"] = r.domain;
    m["category"] = r.category;
    m["signature"] = r.signature;
    if (lang == Language::zh && r.signature_zh) {
        m["signature_zh"] = *r.signature_zh;
    }
    m["match"] = match_kind_name(d.kind);
    m["score"] = d.score;
    if (d.kind == MatchKind::regex) {
        if (!d.source.empty()) {
            m["file"] = d.source;
        }
        m["line"] = d.line;
        m["count"] = d.count;
        // Invalid UTF-8 in a log line must not break the JSON document.
        m["text"] = printable(d.text);
    }
    m["lang"] = lang == Language::zh ? "zh" : "en";
    m["root_cause"] = v.root_cause.text;
    ordered_json ws = ordered_json::array();
    for (const auto& wv : v.workarounds) {
        ws.push_back({{"action", wv.action.text},
                      {"how", wv.how},
                      {"success_rate", nullable(wv.rate)},
                      {"condition", wv.condition.text}});
    }
    m["workarounds"] = std::move(ws);
    ordered_json ds = ordered_json::array();
    for (const auto& dv : v.dead_ends) {
        ds.push_back({{"action", dv.action.text},
                      {"why_fails", dv.why.text},
                      {"fail_rate", nullable(dv.rate)}});
    }
    m["dead_ends"] = std::move(ds);
    m["fix_success_rate"] = nullable(r.fix_success_rate);
    m["confidence"] = nullable(r.confidence);
    m["evidence_count"] =
        r.evidence_count ? ordered_json(*r.evidence_count) : ordered_json(nullptr);
    m["verification_tier"] = r.verification_tier;
    m["official_doc_url"] =
        r.official_doc_url ? ordered_json(*r.official_doc_url) : ordered_json(nullptr);
    auto ids = [](const std::vector<RelatedError>& list) {
        ordered_json a = ordered_json::array();
        for (const auto& e : list) {
            a.push_back(e.error_id);
        }
        return a;
    };
    m["related"] = {{"leads_to", ids(r.transition_graph.leads_to)},
                    {"preceded_by", ids(r.transition_graph.preceded_by)},
                    {"frequently_confused_with", ids(r.transition_graph.frequently_confused_with)}};
    if (!v.fallback_fields.empty()) {
        m["english_fallback"] = v.fallback_fields;
    }
    return m;
}

}  // namespace errlens::detail
