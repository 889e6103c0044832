// One options struct and one run function per subcommand (CLI11's
// subcom_in_files pattern). Nothing here decides what matches or how a
// diagnosis reads: that is the library's.
#include "commands.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "errlens/catalogue.hpp"
#include "errlens/loaders.hpp"
#include "errlens/matcher.hpp"
#include "errlens/renderers.hpp"
#include "errlens/validation.hpp"

namespace errlens::cli {

namespace {

enum class ColorMode { automatic, always, never };
enum class LangMode { automatic, en, zh };
enum class ExportFormat { json, text, markdown };
enum class FailOn { regex, similar, never };

struct CommonOptions {
    std::vector<std::string> catalogs;
    bool no_builtin = false;
    bool no_cache = false;
    LangMode lang = LangMode::automatic;
    OutputFormat format = OutputFormat::text;
    ColorMode color = ColorMode::automatic;
    std::size_t max = 0;
    FailOn fail_on = FailOn::similar;
    bool exit_zero = false;
    bool group = false;
};

struct DiagnoseOptions {
    std::vector<std::string> message;
};
struct ScanOptions {
    std::vector<std::string> files;
    unsigned jobs = 1;
};
struct ShowOptions {
    std::vector<std::string> ids;
};
struct ListOptions {
    std::string domain;
};
struct ExportOptions {
    ExportFormat to = ExportFormat::json;
    std::vector<std::string> ids;
    std::string out_dir;
};
struct ValidateOptions {
    std::vector<std::string> paths;
};

// ---- shared steps ------------------------------------------------------------

RenderOptions render_options(const CommonOptions& o) {
    RenderOptions r;
    r.language = o.lang == LangMode::zh ? Language::zh
                 : o.lang == LangMode::en
                     ? Language::en
                     : language_from_locale(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"),
                                            std::getenv("LANG"));
    bool tty = isatty(STDOUT_FILENO) != 0;
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    bool env_allows = (no_color == nullptr || no_color[0] == '\0') &&
                      !(term != nullptr && std::strcmp(term, "dumb") == 0);
    r.color =
        o.color == ColorMode::always || (o.color == ColorMode::automatic && tty && env_allows);
    int width = 0;
    winsize ws{};
    if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        width = ws.ws_col;
    } else if (const char* cols = std::getenv("COLUMNS"); cols != nullptr) {
        width = std::atoi(cols);
    }
    r.width = width >= 40 ? std::min(width, 200) : 80;
    if (const char* ws = std::getenv("GITHUB_WORKSPACE"); ws != nullptr && ws[0] != '\0') {
        r.workspace = ws;
    } else if (const char* dir = std::getenv("CI_PROJECT_DIR"); dir != nullptr && dir[0] != '\0') {
        r.workspace = dir;
    }
    return r;
}

bool env_is(const char* name, const char* value) {
    const char* v = std::getenv(name);
    return v != nullptr && std::strcmp(v, value) == 0;
}

/// Which fold --group uses: the CI system the run is in (or the format asked for).
FoldStyle fold_style(const CommonOptions& o) {
    if (o.format == OutputFormat::github || env_is("GITHUB_ACTIONS", "true")) {
        return FoldStyle::github;
    }
    if (env_is("GITLAB_CI", "true")) {
        return FoldStyle::gitlab;
    }
    return FoldStyle::none;
}

void print_problems(const std::vector<Problem>& problems, std::size_t max_shown) {
    std::size_t shown = 0;
    for (const auto& p : problems) {
        if (shown == max_shown) {
            std::cerr << "errlens: … and " << problems.size() - shown << " more\n";
            break;
        }
        std::cerr << format_problem(p) << "\n";
        ++shown;
    }
}

/// Where parsed --catalog files are kept between runs: $ERRLENS_CACHE_DIR, else
/// $XDG_CACHE_HOME/errlens, else $HOME/.cache/errlens; empty (no cache) when none is set.
std::string cache_dir() {
    auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return v == nullptr ? std::string() : std::string(v);
    };
    if (std::string dir = env("ERRLENS_CACHE_DIR"); !dir.empty()) {
        return dir;
    }
    // The XDG spec says a relative XDG_CACHE_HOME is invalid and to be ignored.
    if (std::string xdg = env("XDG_CACHE_HOME"); !xdg.empty() && xdg.front() == '/') {
        return xdg + "/errlens";
    }
    if (std::string home = env("HOME"); !home.empty()) {
        return home + "/.cache/errlens";
    }
    return {};
}

CatalogueOptions catalogue_options(const CommonOptions& o, bool builtin,
                                   const std::vector<std::string>& paths) {
    CatalogueOptions options;
    options.builtin = builtin;
    options.paths = paths;
    if (!o.no_cache) {
        options.cache_dir = cache_dir();
    }
    return options;
}

/// ` (see them with: errlens validate PATH...)` for the catalogue paths given.
std::string validate_hint(const CommonOptions& o) {
    std::string hint = " (see them with: errlens validate";
    for (const auto& p : o.catalogs) {
        hint += ' ' + p;
    }
    return hint + ")";
}

struct LoadedCatalogue {
    CatalogueLoad load;
    bool input_error = false;
    std::unique_ptr<Matcher> matcher_;

    /// Made when first needed: show, list and export never match.
    const Matcher& matcher() {
        if (matcher_ == nullptr) {
            matcher_ = std::make_unique<Matcher>(load.catalogue);
        }
        return *matcher_;
    }
};

/// Loads the catalogue the options name and reports its problems on stderr:
/// errors one by one, warnings as a count with where to see them. One per run,
/// and never freed: freeing thousands of records one by one at exit costs a
/// one-line message more than matching it (the pointer keeps it reachable).
LoadedCatalogue& load(const CommonOptions& o) {
    static LoadedCatalogue* kept = nullptr;
    kept = new LoadedCatalogue;
    LoadedCatalogue& c = *kept;
    c.load = load_catalogue(catalogue_options(o, !o.no_builtin, o.catalogs));
    std::vector<Problem> errors;
    std::size_t warnings = 0;
    for (const auto& p : c.load.problems) {
        if (p.severity == Severity::error) {
            errors.push_back(p);
        } else {
            ++warnings;
        }
    }
    // Regexes compile on first use: the ones RE2 rejects are reported after
    // the run that met them (report_regex_problems), and all by `validate`.
    print_problems(errors, 10);
    if (!errors.empty()) {
        std::cerr << "errlens: " << c.load.counts.records_rejected
                  << " record(s) could not be loaded; the other " << c.load.counts.records_loaded
                  << " were\n";
    }
    if (warnings > 0) {
        std::cerr << "errlens: " << warnings << " warning(s) about the catalogue";
        if (!o.catalogs.empty()) {
            std::cerr << validate_hint(o);
        }
        std::cerr << "\n";
    }
    c.input_error = c.load.counts.unreadable_files > 0;
    if (c.load.catalogue.empty()) {
        std::cerr << "errlens: the catalogue is empty"
                  << (o.no_builtin && o.catalogs.empty() ? " (--no-builtin without --catalog)" : "")
                  << "\n";
        c.input_error = true;
    }
    return c;
}

/// Records whose regex RE2 rejected, among those the run needed: a warning
/// line; `errlens validate` lists them all.
void report_regex_problems(const CommonOptions& o, const Matcher& matcher) {
    auto problems = matcher.problems_met();
    if (problems.empty()) {
        return;
    }
    std::cerr << "errlens: " << problems.size()
              << " record(s) have a regex RE2 cannot compile, found by id and similarity only"
              << validate_hint(o) << "\n";
}

/// The exit status for what was found: --fail-on decides what counts.
int exit_for(const CommonOptions& o, const std::vector<Diagnosis>& diagnoses) {
    if (o.exit_zero || o.fail_on == FailOn::never) {
        return k_exit_nothing_found;
    }
    for (const auto& d : diagnoses) {
        if (d.kind != MatchKind::similar || o.fail_on == FailOn::similar) {
            return k_exit_found;
        }
    }
    return k_exit_nothing_found;
}

/// Appends the Markdown summary to $GITHUB_STEP_SUMMARY when GitHub provides one.
void write_step_summary(const CommonOptions& o, const Report& full) {
    const char* path = std::getenv("GITHUB_STEP_SUMMARY");
    if (o.format != OutputFormat::github || path == nullptr || path[0] == '\0') {
        return;
    }
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << github_step_summary(full, render_options(o));
    if (!out) {
        std::cerr << "errlens: " << path << ": cannot write the step summary\n";
    }
}

/// Renders and prints what was found. `already_streamed`: JSON Lines were
/// printed as the diagnoses were found.
int emit(const CommonOptions& o, std::vector<Diagnosis> diagnoses, bool already_streamed = false) {
    int status = exit_for(o, diagnoses);
    Report full{diagnoses, 0};
    Report report;
    if (o.max > 0 && diagnoses.size() > o.max) {
        report.omitted = diagnoses.size() - o.max;
        diagnoses.resize(o.max);
    }
    report.diagnoses = std::move(diagnoses);
    RenderOptions ro = render_options(o);
    if (!already_streamed) {
        std::cout << make_renderer(o.format, ro)->render(report);
    }
    if (o.group) {
        // The human-readable report, folded, for whoever reads the CI log.
        RenderOptions plain = ro;
        plain.color = false;
        std::string title = "errlens: " + std::to_string(report.diagnoses.size() + report.omitted) +
                            " " + (ro.language == Language::zh ? "个已知错误" : "known error(s)");
        std::cout << fold(fold_style(o), title, TextRenderer(plain).render(report),
                          static_cast<long long>(std::time(nullptr)));
    }
    write_step_summary(o, full);
    std::cout.flush();
    return status;
}

int merge_exit(int result, bool error) {
    return error ? k_exit_error : result;
}

// ---- subcommands --------------------------------------------------------------

int run_diagnose(const CommonOptions& o, const DiagnoseOptions& d) {
    LoadedCatalogue& c = load(o);
    if (c.load.catalogue.empty()) {
        return k_exit_error;
    }
    std::string message;
    for (const auto& part : d.message) {
        message += (message.empty() ? "" : " ") + part;
    }
    auto found = diagnose_message(c.matcher(), message);
    report_regex_problems(o, c.matcher());
    return merge_exit(emit(o, std::move(found)), c.input_error);
}

int run_scan(const CommonOptions& o, const ScanOptions& s) {
    LoadedCatalogue& c = load(o);
    if (c.load.catalogue.empty()) {
        return k_exit_error;
    }
    std::vector<std::string> files = s.files.empty() ? std::vector<std::string>{"-"} : s.files;
    std::vector<Diagnosis> all;
    bool error = c.input_error;
    JsonLinesRenderer streamer(render_options(o));
    bool stream = o.format == OutputFormat::jsonl && o.max == 0;
    std::function<void(const Diagnosis&)> on_found;
    if (stream) {
        on_found = [&](const Diagnosis& d) {
            std::cout << streamer.render_one(d);
            std::cout.flush();
        };
    }
    unsigned jobs = s.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : s.jobs;
    for (auto& scanned : scan_files(c.matcher(), files, jobs, on_found)) {
        if (!scanned.error.empty()) {
            std::cerr << "errlens: "
                      << (scanned.source == "-" ? "(standard input)" : scanned.source)
                      << ": cannot read: " << scanned.error << "\n";
            error = true;
        }
        all.insert(all.end(), std::make_move_iterator(scanned.diagnoses.begin()),
                   std::make_move_iterator(scanned.diagnoses.end()));
    }
    if (files.size() > 1) {
        rank(all);
    }
    report_regex_problems(o, c.matcher());
    return merge_exit(emit(o, std::move(all), stream), error);
}

void report_unknown_id(const Catalogue& catalogue, const std::string& id) {
    std::cerr << "errlens: no record has the id `" << id << "`";
    auto close = catalogue.suggest(id);
    if (!close.empty()) {
        std::cerr << "; did you mean";
        for (std::size_t i = 0; i < close.size(); ++i) {
            std::cerr << (i == 0 ? " " : ", ") << close[i];
        }
        std::cerr << "?";
    }
    std::cerr << "\n";
}

/// Every record, by id: whole, or only its header fields (Catalogue::header).
std::vector<const Record*> all_by_id(const Catalogue& catalogue, bool whole) {
    std::vector<const Record*> out;
    for (std::size_t i = 0; i < catalogue.size(); ++i) {
        out.push_back(whole ? &catalogue.record(i) : &catalogue.header(i));
    }
    std::sort(out.begin(), out.end(),
              [](const Record* a, const Record* b) { return a->id < b->id; });
    return out;
}

/// The records named by `ids` (all when empty), or nullopt after reporting unknown ids.
std::optional<std::vector<const Record*>> select(const Catalogue& catalogue,
                                                 const std::vector<std::string>& ids) {
    if (ids.empty()) {
        return all_by_id(catalogue, true);
    }
    std::vector<const Record*> out;
    bool ok = true;
    for (const auto& id : ids) {
        if (const Record* r = catalogue.find(id)) {
            out.push_back(r);
        } else {
            report_unknown_id(catalogue, id);
            ok = false;
        }
    }
    if (!ok) {
        return std::nullopt;
    }
    return out;
}

int run_show(const CommonOptions& o, const ShowOptions& s) {
    LoadedCatalogue& c = load(o);
    auto records = select(c.load.catalogue, s.ids);
    if (!records) {
        return k_exit_error;
    }
    std::vector<Diagnosis> diagnoses;
    for (const Record* r : *records) {
        diagnoses.push_back({r, MatchKind::lookup, 0, "", 0, "", 0});
    }
    Report report{std::move(diagnoses), 0};
    std::cout << make_renderer(o.format, render_options(o))->render(report);
    return merge_exit(k_exit_nothing_found, c.input_error);
}

int run_list(const CommonOptions& o, const ListOptions& l) {
    LoadedCatalogue& c = load(o);
    // Only header fields are listed: no record needs reading whole.
    std::vector<const Record*> headers = all_by_id(c.load.catalogue, false);
    nlohmann::json array = nlohmann::json::array();
    RenderOptions ro = render_options(o);
    std::size_t id_width = 0;
    for (const Record* r : headers) {
        if (l.domain.empty() || r->domain == l.domain) {
            id_width = std::max(id_width, r->id.size());
        }
    }
    id_width = std::min<std::size_t>(id_width, 60);
    for (const Record* r : headers) {
        if (!l.domain.empty() && r->domain != l.domain) {
            continue;
        }
        if (o.format == OutputFormat::json) {
            array.push_back({{"id", r->id},
                             {"domain", r->domain},
                             {"category", r->category},
                             {"signature", r->signature}});
            continue;
        }
        std::string line = r->id;
        line += std::string(id_width > line.size() ? id_width - line.size() : 0, ' ') + "  ";
        line += ro.language == Language::zh && r->signature_zh ? *r->signature_zh : r->signature;
        if (o.format == OutputFormat::markdown) {
            std::cout << "- `" << r->id << "` " << r->signature << "\n";
        } else {
            std::cout << line << "\n";
        }
    }
    if (o.format == OutputFormat::json) {
        std::cout << array.dump(2) << "\n";
    }
    return merge_exit(k_exit_nothing_found, c.input_error);
}

int run_export(const CommonOptions& o, const ExportOptions& e) {
    LoadedCatalogue& c = load(o);
    auto records = select(c.load.catalogue, e.ids);
    if (!records) {
        return k_exit_error;
    }
    auto render_one = [&](const Record& r) -> std::string {
        switch (e.to) {
            case ExportFormat::json:
                return to_json(r);
            case ExportFormat::text:
                return to_text_page(r);
            case ExportFormat::markdown:
                break;
        }
        Report report{{{&r, MatchKind::lookup, 0, "", 0, "", 0}}, 0};
        RenderOptions ro = render_options(o);
        return MarkdownRenderer(ro).render(report);
    };
    if (!e.out_dir.empty()) {
        const char* ext = e.to == ExportFormat::json   ? ".json"
                          : e.to == ExportFormat::text ? ".txt"
                                                       : ".md";
        for (const Record* r : *records) {
            std::filesystem::path path = std::filesystem::path(e.out_dir) / (r->id + ext);
            std::error_code ec;
            std::filesystem::create_directories(path.parent_path(), ec);
            std::ofstream out(path, std::ios::binary);
            out << render_one(*r);
            if (!out) {
                std::cerr << "errlens: " << path.string() << ": cannot write\n";
                return k_exit_error;
            }
        }
        std::cerr << "errlens: wrote " << records->size() << " record(s) under " << e.out_dir
                  << "\n";
        return merge_exit(k_exit_nothing_found, c.input_error);
    }
    if (e.to == ExportFormat::json && records->size() != 1) {
        std::cout << to_json(*records);
    } else {
        for (std::size_t i = 0; i < records->size(); ++i) {
            // Several pages are separated by a form feed line, as in man pages.
            std::cout << (i > 0 ? "\f\n" : "") << render_one(*(*records)[i]);
        }
    }
    return merge_exit(k_exit_nothing_found, c.input_error);
}

int run_validate(const CommonOptions& o, const ValidateOptions& v) {
    CatalogueLoad load =
        load_catalogue(catalogue_options(o, v.paths.empty() && !o.no_builtin, v.paths));
    Matcher matcher(load.catalogue);
    std::vector<Problem> problems = load.problems;
    auto more = validate_records(matcher);
    problems.insert(problems.end(), more.begin(), more.end());
    for (const auto& p : problems) {
        std::cerr << format_problem(p) << "\n";
    }
    const auto& n = load.counts;
    std::cerr << "errlens: " << n.files << " file(s), " << n.records_seen
              << " record(s): " << n.records_loaded << " loaded, " << n.records_rejected
              << " rejected; " << load.catalogue.size() << " checked, " << problems.size()
              << " problem(s)\n";
    if (n.unreadable_files > 0) {
        return k_exit_error;
    }
    return problems.empty() ? 0 : 1;
}

// ---- wiring -----------------------------------------------------------------

/// An option that takes one of the keys of `map` (case-insensitive); help shows the keys.
template <typename Enum>
CLI::Option* add_choice(CLI::App& app, const std::string& name, Enum& target,
                        const std::vector<std::pair<std::string, Enum>>& map,
                        const std::string& description, const std::string& default_name) {
    std::vector<std::string> names;
    for (const auto& [key, value] : map) {
        names.push_back(key);
    }
    return app
        .add_option_function<std::string>(
            name,
            [&target, map](const std::string& given) {
                for (const auto& [key, value] : map) {
                    if (CLI::detail::to_lower(given) == key) {
                        target = value;
                    }
                }
            },
            description)
        ->check(CLI::IsMember(names, CLI::ignore_case).description(""))
        ->type_name("{" + CLI::detail::join(names, "|") + "}")
        ->default_str(default_name);
}

void add_common(CLI::App& app, CommonOptions& o) {
    app.add_option("--catalog", o.catalogs,
                   "Also load records from this file or directory (repeatable; a record with the "
                   "id of an earlier one replaces it)")
        ->type_name("PATH")
        ->allow_extra_args(false);
    app.add_flag("--no-builtin", o.no_builtin, "Do not load the catalogue built into errlens");
    std::string dir = cache_dir();
    app.add_flag("--no-cache", o.no_cache,
                 "Parse --catalog files every run instead of reusing the parsed copy in the cache "
                 "dir, kept per path and renewed when a file changes (here: " +
                     (dir.empty() ? std::string("none") : dir) +
                     "; $ERRLENS_CACHE_DIR, else $XDG_CACHE_HOME/errlens, else "
                     "~/.cache/errlens)");
    add_choice<LangMode>(
        app, "--lang", o.lang,
        {{"auto", LangMode::automatic}, {"en", LangMode::en}, {"zh", LangMode::zh}},
        "Language of the explanations; auto: zh when LC_ALL, LC_MESSAGES or LANG "
        "starts with zh",
        "auto");
    add_choice<OutputFormat>(
        app, "--format", o.format,
        {{"text", OutputFormat::text},
         {"json", OutputFormat::json},
         {"markdown", OutputFormat::markdown},
         {"md", OutputFormat::markdown},
         {"github", OutputFormat::github},
         {"gitlab", OutputFormat::gitlab},
         {"sarif", OutputFormat::sarif},
         {"jsonl", OutputFormat::jsonl},
         {"junit", OutputFormat::junit}},
        "Output format. CI: github (annotations, plus a step summary when GITHUB_STEP_SUMMARY is "
        "set), gitlab (Code Quality report), sarif (SARIF 2.1.0), jsonl (one diagnosis per line, "
        "streamed), junit (JUnit XML)",
        "text");
    add_choice<ColorMode>(app, "--color", o.color,
                          {{"auto", ColorMode::automatic},
                           {"always", ColorMode::always},
                           {"never", ColorMode::never}},
                          "Colour: auto is on for a terminal, off with NO_COLOR set", "auto");
    app.add_option("--max", o.max, "Show at most N diagnoses (0: all)")
        ->type_name("N")
        ->default_str("0");
    add_choice<FailOn>(
        app, "--fail-on", o.fail_on,
        {{"similar", FailOn::similar}, {"regex", FailOn::regex}, {"never", FailOn::never}},
        "What makes the exit status 1: any diagnosis (similar), only pattern matches "
        "(regex), or nothing (never)",
        "similar");
    app.add_flag("--exit-zero", o.exit_zero,
                 "Exit 0 even when errors are found (for a reporting step); usage and input "
                 "errors still exit 2");
    app.add_flag("--group", o.group,
                 "Also print the text report folded: ::group:: on GitHub Actions (or with "
                 "--format github), a collapsible section on GitLab CI");
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{
        "errlens explains known errors: give it an error message, pipe a log into it, or scan "
        "files. For each error it knows it prints the root cause, the workarounds that work, the "
        "dead ends that don't, versions, docs and related errors, in English or Chinese.",
        "errlens"};
    app.footer(R"(Examples:
  errlens "CrashLoopBackOff"                  explain one message
  npm ci 2>&1 | errlens                        scan a command's output
  errlens scan build.log deploy.log            scan files (- is standard input)
  errlens --lang zh --format json "..."       Chinese, as JSON
  errlens show aws/cloudfront-origin-ssl-handshake-failed
  errlens list --domain kubernetes
  errlens validate data/                       lint record files

CI:
  errlens scan --format github --group build.log     annotations + step summary
  errlens scan --format gitlab build.log > gl-code-quality-report.json
  errlens scan --format sarif build.log > errlens.sarif
  errlens scan --format junit --exit-zero build.log > errlens-junit.xml

Exit status: 0 no known error found, 1 at least one diagnosis, 2 usage or input error.)");
    app.require_subcommand(0, 1);
    app.fallthrough();

    CommonOptions common;
    add_common(app, common);
    DiagnoseOptions diagnose;
    app.add_option("message", diagnose.message,
                   "Error message to explain; without one, standard input is scanned as a log")
        ->type_name("MESSAGE");

    ScanOptions scan;
    auto* scan_cmd = app.add_subcommand("scan", "Scan log files (- or nothing: standard input)");
    scan_cmd->add_option("files", scan.files, "Log files")->type_name("FILE");
    scan_cmd
        ->add_option("-j,--jobs", scan.jobs,
                     "Threads: several files at once, and a file of 8 MB or more in pieces cut "
                     "at line ends (0: one per core). The report is the one a single thread "
                     "gives; with more than one, --format jsonl prints each file's diagnoses "
                     "when the file is done instead of as they are found")
        ->type_name("N")
        ->default_str("1");

    ShowOptions show;
    auto* show_cmd = app.add_subcommand("show", "Explain records by id");
    show_cmd->add_option("ids", show.ids, "Record ids")->required()->type_name("ID");

    ListOptions list;
    auto* list_cmd = app.add_subcommand("list", "List the records of the catalogue");
    list_cmd->add_option("--domain", list.domain, "Only records of this domain")->type_name("D");

    ExportOptions exp;
    auto* export_cmd =
        app.add_subcommand("export", "Write records as flat JSON, text pages or Markdown");
    add_choice<ExportFormat>(*export_cmd, "--to", exp.to,
                             {{"json", ExportFormat::json},
                              {"text", ExportFormat::text},
                              {"markdown", ExportFormat::markdown},
                              {"md", ExportFormat::markdown}},
                             "json: flat records; text: text pages; markdown", "json");
    export_cmd->add_option("ids", exp.ids, "Record ids (default: all)")->type_name("ID");
    export_cmd
        ->add_option("--out", exp.out_dir,
                     "Write one file per record under DIR (DIR/<id>.json|.txt|.md) instead of "
                     "standard output")
        ->type_name("DIR");

    ValidateOptions validate;
    auto* validate_cmd = app.add_subcommand(
        "validate",
        "Lint record files: they load, regexes compile in RE2, required fields and Chinese are "
        "present, every `examples` line matches and no `non_examples` line does. Without PATH, "
        "the built-in catalogue");
    validate_cmd->add_option("paths", validate.paths, "Files or directories")->type_name("PATH");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : k_exit_error;
    }

    try {
        if (*scan_cmd) {
            return run_scan(common, scan);
        }
        if (*show_cmd) {
            return run_show(common, show);
        }
        if (*list_cmd) {
            return run_list(common, list);
        }
        if (*export_cmd) {
            return run_export(common, exp);
        }
        if (*validate_cmd) {
            return run_validate(common, validate);
        }
        if (!diagnose.message.empty()) {
            return run_diagnose(common, diagnose);
        }
        if (isatty(STDIN_FILENO) != 0) {
            std::cerr << app.help()
                      << "\nerrlens: give an error message, pipe a log, or use a "
                         "subcommand\n";
            return k_exit_error;
        }
        return run_scan(common, scan);
    } catch (const std::exception& e) {
        std::cerr << "errlens: " << e.what() << "\n";
        return k_exit_error;
    }
}

}  // namespace errlens::cli
