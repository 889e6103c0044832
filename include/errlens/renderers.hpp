// Renderers turn diagnoses (data) into what a person or a program reads:
// terminal text, one JSON document, or Markdown, in English or Chinese. They
// are pure functions of their input and options, so golden files can pin them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "errlens/labels.hpp"
#include "errlens/matcher.hpp"

namespace errlens {

enum class OutputFormat { text, json, markdown, github, gitlab, sarif, jsonl, junit };

struct RenderOptions {
    Language language = Language::en;
    bool color = false;  ///< ANSI colour (text only)
    int width = 80;      ///< wrap width in terminal columns (text only)
    /// GitHub: paths under this directory are made relative in `file=` (GITHUB_WORKSPACE).
    std::string workspace;
};

/// What a run found, ready to render.
struct Report {
    std::vector<Diagnosis> diagnoses;  ///< best first
    std::size_t omitted = 0;           ///< cut by --max
};

class Renderer {
  public:
    virtual ~Renderer() = default;
    virtual std::string render(const Report& report) const = 0;
};

/// For a terminal: a block per diagnosis, wrapped, optionally coloured.
class TextRenderer : public Renderer {
  public:
    explicit TextRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;

  private:
    RenderOptions options_;
};

/// `{"matches": [...]}`, best first, texts in the chosen language.
class JsonRenderer : public Renderer {
  public:
    explicit JsonRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;

  private:
    RenderOptions options_;
};

/// For an issue, a pull request or a CI summary.
class MarkdownRenderer : public Renderer {
  public:
    explicit MarkdownRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;

  private:
    RenderOptions options_;
};

/// GitHub Actions workflow commands: `::error` per matched record, `::warning`
/// per similar one, root causes before their consequences, at most 10 of each
/// (GitHub shows no more per step). Each names `file=`/`line=` when the log
/// line names a source location. Use github_step_summary() for the full list.
class GithubRenderer : public Renderer {
  public:
    static constexpr std::size_t k_max_errors = 10;
    static constexpr std::size_t k_max_warnings = 10;
    explicit GithubRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;

  private:
    RenderOptions options_;
};

/// The Markdown for $GITHUB_STEP_SUMMARY: a table of every diagnosis, then each
/// with workarounds and dead ends, cut (with a note of what was cut) to stay
/// under `max_bytes` (GitHub drops a step summary over 1 MiB).
std::string github_step_summary(const Report& report, const RenderOptions& options,
                                std::size_t max_bytes = 1024 * 1024 - 4096);

/// GitLab Code Quality report (the CodeClimate subset GitLab reads): one
/// finding per diagnosis with a fingerprint stable across runs.
class GitlabCodeQualityRenderer : public Renderer {
  public:
    explicit GitlabCodeQualityRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;

  private:
    RenderOptions options_;
};

/// SARIF 2.1.0: one rule per catalogue record found, one result per diagnosis.
class SarifRenderer : public Renderer {
  public:
    explicit SarifRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;

  private:
    RenderOptions options_;
};

/// One JSON object per line per diagnosis (render_one() streams them as found).
class JsonLinesRenderer : public Renderer {
  public:
    explicit JsonLinesRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;
    /// One diagnosis as one line of JSON, `\n`-terminated.
    std::string render_one(const Diagnosis& diagnosis) const;

  private:
    RenderOptions options_;
};

/// JUnit XML: one failed test case per diagnosis (one passing case when none).
class JunitRenderer : public Renderer {
  public:
    explicit JunitRenderer(RenderOptions options) : options_(options) {}
    std::string render(const Report& report) const override;

  private:
    RenderOptions options_;
};

/// The order for CI annotations: a record that `leads_to` another found record
/// (or that another lists as `preceded_by`) comes before it; otherwise rank order.
std::vector<Diagnosis> causes_first(const std::vector<Diagnosis>& diagnoses);

/// A 32-hex-digit fingerprint of a diagnosis (record id and input file, not the
/// line number), stable across runs.
std::string fingerprint(const Diagnosis& diagnosis);

/// Where a log line points in the source: `src/a.c:12:5: error`, `File "x.py", line 3`,
/// `at f (lib/x.js:10:2)`. Empty path when the line names none.
struct SourceLocation {
    std::string path;
    std::size_t line = 0;
};
SourceLocation source_location_in(std::string_view log_line);

/// Folds a CI log: GitHub `::group::`, or a GitLab collapsible section.
enum class FoldStyle { none, github, gitlab };
std::string fold(FoldStyle style, std::string_view title, std::string_view body,
                 long long unix_time = 0);

std::unique_ptr<Renderer> make_renderer(OutputFormat format, const RenderOptions& options);

}  // namespace errlens
