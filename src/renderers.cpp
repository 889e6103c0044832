// Renderers: one localized view of each diagnosis (Chinese fields with a
// visible English fallback), laid out three ways.
#include "errlens/renderers.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "diagnosis_view.hpp"
#include "terminal_text.hpp"

namespace errlens {

namespace {

using detail::DeadEndView;
using detail::Localized;
using detail::make_view;
using detail::match_kind_name;
using detail::percent;
using detail::printable;
using detail::score_text;
using detail::View;
using detail::WorkaroundView;

// ---- text ------------------------------------------------------------------

class TextWriter {
  public:
    TextWriter(const RenderOptions& o) : o_(o) {}

    std::string style(std::string_view text, const char* code) const {
        if (!o_.color) {
            return std::string(text);
        }
        return std::string(code) + std::string(text) + "\x1b[0m";
    }

    /// Wrapped paragraph at `indent` columns; `first` replaces the indent of the first line.
    void paragraph(std::string_view text, int indent, std::string_view first = {},
                   int first_width = -1) {
        std::string clean = printable_keep_newlines(text);
        int w = std::max(20, o_.width - indent);
        bool first_line = true;
        for (const auto& line : detail::wrap(clean, w)) {
            if (first_line && !first.empty()) {
                out_ += std::string(first);
                int fw = first_width >= 0 ? first_width : detail::display_width(first);
                out_ += std::string(std::max(0, indent - fw), ' ');
            } else {
                out_ += std::string(indent, ' ');
            }
            out_ += line + "\n";
            first_line = false;
        }
    }

    /// Lines kept as they are (commands), indented, not wrapped.
    void verbatim(std::string_view text, int indent) {
        out_ += detail::map_lines(text, [&](std::string_view l) {
            return l.empty() ? std::string() : std::string(indent, ' ') + printable(l);
        });
        out_ += "\n";
    }

    void heading(Label which) {
        out_ += "\n" + style(label(o_.language, which), "\x1b[1;36m") + "\n";
    }
    void raw(std::string_view s) { out_ += s; }
    std::string take() { return std::move(out_); }

    std::string fallback_mark(const Localized& l) const {
        if (!l.fallback) {
            return l.text;
        }
        return std::string(label(o_.language, Label::english_fallback)) + l.text;
    }

  private:
    static std::string printable_keep_newlines(std::string_view text) {
        return detail::map_lines(text, printable);
    }

    const RenderOptions& o_;
    std::string out_;
};

void render_versions(TextWriter& w, const Record& r, Language lang) {
    if (r.versions.empty()) {
        return;
    }
    w.heading(Label::versions);
    for (const auto& v : r.versions) {
        std::string row = v.version.value_or("");
        if (v.status) {
            row += " · " + *v.status;
        }
        auto add = [&](Label l, const std::optional<std::string>& value) {
            if (value && !value->empty()) {
                row += " · " + std::string(label(lang, l)) + " " + *value;
            }
        };
        add(Label::introduced, v.introduced);
        add(Label::deprecated, v.deprecated);
        add(Label::removed, v.removed);
        add(Label::notes, v.behavior_change);
        w.paragraph(row, 4, "  - ", 4);
    }
}

void render_related(TextWriter& w, const Record& r, Language lang) {
    const auto& g = r.transition_graph;
    if (g.leads_to.empty() && g.preceded_by.empty() && g.frequently_confused_with.empty()) {
        return;
    }
    w.heading(Label::related);
    auto edges = [&](const std::vector<RelatedError>& list, Label l) {
        if (list.empty()) {
            return;
        }
        std::string ids;
        for (const auto& e : list) {
            ids += (ids.empty() ? "" : ", ") + e.error_id;
        }
        w.paragraph(std::string(label(lang, l)) + std::string(colon(lang)) + ids, 4, "  ", 4);
    };
    edges(g.leads_to, Label::leads_to);
    edges(g.preceded_by, Label::preceded_by);
    edges(g.frequently_confused_with, Label::confused_with);
}

}  // namespace

std::string TextRenderer::render(const Report& report) const {
    const Language lang = options_.language;
    TextWriter w(options_);
    if (report.diagnoses.empty()) {
        w.raw(std::string(label(lang, Label::no_match)) + "\n");
        return w.take();
    }
    std::size_t n = report.diagnoses.size();
    for (std::size_t i = 0; i < n; ++i) {
        const Diagnosis& d = report.diagnoses[i];
        View v = make_view(d, lang);
        const Record& r = *d.record;
        if (i > 0) {
            w.raw("\n");
        }
        std::string counter = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] ";
        std::string evidence = r.evidence_count ? std::to_string(*r.evidence_count)
                                                : std::string(label(lang, Label::unknown));
        std::string meta =
            r.domain + " · " + r.category + " · " + std::string(label(lang, Label::fix_rate)) +
            " " + percent(r.fix_success_rate, lang) + " · " +
            std::string(label(lang, Label::confidence)) + " " + percent(r.confidence, lang) +
            " · " + std::string(label(lang, Label::evidence)) + " " + evidence + " · " +
            tier_name(lang, r.verification_tier);
        w.raw(w.style(counter, "\x1b[1m") + w.style(printable(meta), "\x1b[2m") + "\n");
        w.raw(w.style(printable(r.signature), "\x1b[1m") + "\n");
        if (lang == Language::zh && r.signature_zh && !r.signature_zh->empty()) {
            w.paragraph(*r.signature_zh, 0);
        }
        w.raw("ID: " + r.id + "\n");
        if (d.kind == MatchKind::regex) {
            std::string where = matched_at(lang, d.source, d.line);
            if (d.count > 1) {
                where += (lang == Language::zh ? "" : " ") + lines_matched(lang, d.count);
            }
            w.raw(w.style(where, "\x1b[33m") + "\n");
            w.raw("  > " + detail::truncate(printable(d.text), std::max(20, options_.width - 4)) +
                  "\n");
        } else if (d.kind == MatchKind::similar) {
            w.raw(w.style(std::string(label(lang, Label::matched_similar)) + " · " +
                              score_text(d.score) + "%",
                          "\x1b[33m") +
                  "\n");
        }
        w.heading(Label::root_cause);
        w.paragraph(w.fallback_mark(v.root_cause), 2);
        if (!v.workarounds.empty()) {
            w.heading(Label::workarounds);
            for (std::size_t k = 0; k < v.workarounds.size(); ++k) {
                const auto& wv = v.workarounds[k];
                std::string num = "  " + std::to_string(k + 1) + ". ";
                std::string rate = wv.rate ? "[" + percent(wv.rate, lang) + " " +
                                                 std::string(label(lang, Label::success)) + "] "
                                           : std::string();
                w.paragraph(rate + w.fallback_mark(wv.action), 5, w.style(num, "\x1b[32m"),
                            detail::display_width(num));
                if (!wv.how.empty()) {
                    if (wv.how.find('\n') == std::string::npos) {
                        w.paragraph(wv.how, 7);
                    } else {
                        w.verbatim(wv.how, 7);
                    }
                }
                if (!wv.condition.text.empty()) {
                    w.paragraph(std::string(label(lang, Label::condition)) +
                                    std::string(colon(lang)) + w.fallback_mark(wv.condition),
                                7);
                }
            }
        }
        if (!v.dead_ends.empty()) {
            w.heading(Label::dead_ends);
            for (const auto& dv : v.dead_ends) {
                std::string rate = dv.rate ? "[" + percent(dv.rate, lang) + " " +
                                                 std::string(label(lang, Label::fail)) + "] "
                                           : std::string();
                std::string head =
                    dv.action.text.empty() ? w.fallback_mark(dv.why) : w.fallback_mark(dv.action);
                w.paragraph(rate + head, 5, w.style("  ✗  ", "\x1b[31m"), 5);
                if (!dv.action.text.empty() && !dv.why.text.empty()) {
                    w.paragraph(std::string(label(lang, Label::why)) + std::string(colon(lang)) +
                                    w.fallback_mark(dv.why),
                                7);
                }
            }
        }
        render_versions(w, r, lang);
        if (r.official_doc_url) {
            w.raw("\n");
            std::string head =
                std::string(label(lang, Label::documentation)) + std::string(colon(lang));
            w.paragraph(*r.official_doc_url, 2, w.style(head, "\x1b[1;36m"),
                        detail::display_width(head));
        }
        render_related(w, r, lang);
        if (r.reproduction) {
            w.heading(Label::reproduction);
            w.verbatim(*r.reproduction, 2);
        }
        if (r.source_url) {
            std::string head = std::string(label(lang, Label::source)) + std::string(colon(lang));
            w.paragraph(*r.source_url, 2, head, detail::display_width(head));
        }
    }
    if (report.omitted > 0) {
        w.raw("\n… " + std::to_string(report.omitted) + " " +
              std::string(label(lang, Label::omitted)) + "\n");
    }
    return w.take();
}

// ---- JSON ------------------------------------------------------------------

std::string JsonRenderer::render(const Report& report) const {
    nlohmann::ordered_json matches = nlohmann::ordered_json::array();
    for (const Diagnosis& d : report.diagnoses) {
        matches.push_back(detail::match_json(d, options_.language));
    }
    nlohmann::ordered_json doc;
    doc["matches"] = std::move(matches);
    if (report.omitted > 0) {
        doc["omitted"] = report.omitted;
    }
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// ---- Markdown --------------------------------------------------------------

namespace {
std::string md_inline_code(std::string_view text) {
    std::string s = printable(text);
    // A backtick inside needs a longer fence.
    std::string fence = s.find('`') == std::string::npos ? "`" : "``";
    return fence + (fence.size() > 1 ? " " : "") + s + (fence.size() > 1 ? " " : "") + fence;
}

/// Text inside a list item: continuation lines indented so the item holds together.
std::string md_fallback(const Localized& l, Language lang, std::string_view indent = "   ") {
    std::string text =
        l.fallback ? std::string(label(lang, Label::english_fallback)) + l.text : l.text;
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') {
            out += indent;
        }
    }
    return out;
}
}  // namespace

std::string MarkdownRenderer::render(const Report& report) const {
    const Language lang = options_.language;
    std::string out;
    if (report.diagnoses.empty()) {
        return std::string(label(lang, Label::no_match)) + "\n";
    }
    for (std::size_t i = 0; i < report.diagnoses.size(); ++i) {
        const Diagnosis& d = report.diagnoses[i];
        View v = make_view(d, lang);
        const Record& r = *d.record;
        if (i > 0) {
            out += "\n";
        }
        out += "### " + std::to_string(i + 1) + ". " + md_inline_code(r.signature) + "\n\n";
        if (lang == Language::zh && r.signature_zh) {
            out += *r.signature_zh + "\n\n";
        }
        out += "`" + r.id + "` · " + r.domain + " · " + r.category + " · " +
               std::string(label(lang, Label::fix_rate)) + " " + percent(r.fix_success_rate, lang) +
               " · " + std::string(label(lang, Label::confidence)) + " " +
               percent(r.confidence, lang) + " · " + tier_name(lang, r.verification_tier) + "\n\n";
        if (d.kind == MatchKind::regex) {
            out += "**" + matched_at(lang, d.source, d.line) + "**";
            if (d.count > 1) {
                out += (lang == Language::zh ? "" : " ") + lines_matched(lang, d.count);
            }
            out +=
                std::string(colon(lang)) + md_inline_code(detail::truncate(d.text, 300)) + "\n\n";
        } else if (d.kind == MatchKind::similar) {
            out += "*" + std::string(label(lang, Label::matched_similar)) + " · " +
                   score_text(d.score) + "%*\n\n";
        }
        out += "**" + std::string(label(lang, Label::root_cause)) + "** " +
               md_fallback(v.root_cause, lang) + "\n\n";
        if (!v.workarounds.empty()) {
            out += "**" + std::string(label(lang, Label::workarounds)) + "**\n\n";
            for (std::size_t k = 0; k < v.workarounds.size(); ++k) {
                const auto& wv = v.workarounds[k];
                out += std::to_string(k + 1) + ". ";
                if (wv.rate) {
                    out += "**" + percent(wv.rate, lang) + "** ";
                }
                out += md_fallback(wv.action, lang) + "\n";
                if (!wv.how.empty() && wv.how.find('\n') == std::string::npos) {
                    // One line of prose or a command: a paragraph of the item.
                    out += "   " + wv.how + "\n";
                } else if (!wv.how.empty()) {
                    // Several lines are a script: keep them as they are.
                    out += "   ```\n" +
                           detail::map_lines(
                               wv.how, [](std::string_view l) { return "   " + std::string(l); }) +
                           "\n   ```\n";
                }
            }
            out += "\n";
        }
        if (!v.dead_ends.empty()) {
            out += "**" + std::string(label(lang, Label::dead_ends)) + "**\n\n";
            for (const auto& dv : v.dead_ends) {
                out += "- ";
                if (dv.rate) {
                    out += "**" + percent(dv.rate, lang) + " " +
                           std::string(label(lang, Label::fail)) + "** ";
                }
                if (!dv.action.text.empty()) {
                    out += md_fallback(dv.action, lang, "  ") + " — ";
                }
                out += md_fallback(dv.why, lang, "  ") + "\n";
            }
            out += "\n";
        }
        if (r.official_doc_url) {
            out += "**" + std::string(label(lang, Label::documentation)) + "** <" +
                   *r.official_doc_url + ">\n\n";
        }
        const auto& g = r.transition_graph;
        if (!g.leads_to.empty() || !g.preceded_by.empty() || !g.frequently_confused_with.empty()) {
            out += "**" + std::string(label(lang, Label::related)) + "**";
            std::string sep = " ";
            auto edges = [&](const std::vector<RelatedError>& list, Label l) {
                if (list.empty()) {
                    return;
                }
                out += sep + std::string(label(lang, l)) + std::string(colon(lang));
                for (std::size_t k = 0; k < list.size(); ++k) {
                    out += (k > 0 ? ", `" : "`") + list[k].error_id + "`";
                }
                sep = lang == Language::zh ? "；" : "; ";
            };
            edges(g.leads_to, Label::leads_to);
            edges(g.preceded_by, Label::preceded_by);
            edges(g.frequently_confused_with, Label::confused_with);
            out += "\n\n";
        }
        if (r.source_url) {
            out += std::string(label(lang, Label::source)) + std::string(colon(lang)) + "<" +
                   *r.source_url + ">\n\n";
        }
    }
    if (report.omitted > 0) {
        out += "… " + std::to_string(report.omitted) + " " +
               std::string(label(lang, Label::omitted)) + "\n";
    }
    return out;
}

std::unique_ptr<Renderer> make_renderer(OutputFormat format, const RenderOptions& options) {
    switch (format) {
        case OutputFormat::json:
            return std::make_unique<JsonRenderer>(options);
        case OutputFormat::markdown:
            return std::make_unique<MarkdownRenderer>(options);
        case OutputFormat::github:
            return std::make_unique<GithubRenderer>(options);
        case OutputFormat::gitlab:
            return std::make_unique<GitlabCodeQualityRenderer>(options);
        case OutputFormat::sarif:
            return std::make_unique<SarifRenderer>(options);
        case OutputFormat::jsonl:
            return std::make_unique<JsonLinesRenderer>(options);
        case OutputFormat::junit:
            return std::make_unique<JunitRenderer>(options);
        case OutputFormat::text:
            break;
    }
    return std::make_unique<TextRenderer>(options);
}

}  // namespace errlens
