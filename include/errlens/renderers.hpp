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

enum class OutputFormat { text, json, markdown };

struct RenderOptions {
    Language language = Language::en;
    bool color = false;  ///< ANSI colour (text only)
    int width = 80;      ///< wrap width in terminal columns (text only)
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

std::unique_ptr<Renderer> make_renderer(OutputFormat format, const RenderOptions& options);

}  // namespace errlens
