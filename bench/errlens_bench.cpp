// errlens_bench: the scan benchmark's engines and generators, in one binary so
// that every engine sees the same patterns and the same bytes.
//
//   errlens_bench generate SIZE [--seed N] [--error-rate R] [--catalog PATH]...
//       a realistic CI log on stdout: healthy lines from tests/healthy, about 1
//       in 1,000 an example line of the catalogue, most lines with a varying
//       runner timestamp; streamed, any size (K, M, G suffixes)
//   errlens_bench make-catalog COUNT OUTFILE --catalog PATH...
//       COUNT flat records whose regexes are the given catalogue's with varied
//       literals (same shapes), for the scaling curve
//   errlens_bench scan ENGINE LOG [--repeat N] [--catalog PATH]... [--no-builtin]
//       one engine over LOG N times; prints one JSON line: MB/s of each run,
//       the median, compile time, peak RSS, and the diagnoses (id, first line,
//       count) so that engines can be compared; every engine runs with the
//       heap on huge pages where the kernel gives them (prefer_huge_pages),
//       as the errlens command does
//
// Engines: errlens (the product's LogScanner), reference (every RE2 on every
// line: the simple matcher results are checked against), re2set (one
// unanchored RE2::Set, line by line), hs-lines and hs-buffer (Vectorscan line
// by line, and over the whole buffer), when built with Vectorscan.
#include <re2/re2.h>
#include <re2/set.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "errlens/catalogue.hpp"
#include "errlens/huge_pages.hpp"
#include "errlens/loaders.hpp"
#include "errlens/matcher.hpp"

#ifdef ERRLENS_BENCH_VECTORSCAN
#include <hs/hs.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

struct SplitMix {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

std::uint64_t parse_size(const std::string& s) {
    std::uint64_t n = std::stoull(s);
    char unit = s.empty() ? ' ' : static_cast<char>(std::toupper(s.back()));
    return n * (unit == 'K' ? 1ULL << 10 : unit == 'M' ? 1ULL << 20 : unit == 'G' ? 1ULL << 30 : 1);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Strips a leading runner timestamp so the generator can stamp lines anew.
std::string unstamped(const std::string& line) {
    static const RE2 k_stamp(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z )");
    std::string out = line;
    RE2::Replace(&out, k_stamp, "");
    return out;
}

struct Args {
    std::vector<std::string> positional;
    std::vector<std::string> catalogs;
    bool builtin = true;
    int repeat = 5;
    std::uint64_t seed = 1;
    double error_rate = 0.001;
};

Args parse(int argc, char** argv, int from) {
    Args a;
    for (int i = from; i < argc; ++i) {
        std::string s = argv[i];
        auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (s == "--catalog") {
            a.catalogs.push_back(value());
        } else if (s == "--no-builtin") {
            a.builtin = false;
        } else if (s == "--repeat") {
            a.repeat = std::stoi(value());
        } else if (s == "--seed") {
            a.seed = std::stoull(value());
        } else if (s == "--error-rate") {
            a.error_rate = std::stod(value());
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

errlens::CatalogueLoad load(const Args& a) { return errlens::load_catalogue({a.builtin, a.catalogs}); }

// ---- generate -----------------------------------------------------------------

int generate(const Args& a) {
    std::uint64_t size = parse_size(a.positional.at(0));
    std::vector<std::string> healthy;
    std::string dir = std::string(ERRLENS_SOURCE_DIR) + "/tests/healthy";
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() == ".log") {
            files.push_back(e.path().string());
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::istringstream in(read_file(f));
        std::string line;
        while (std::getline(in, line)) {
            if (line.find_first_not_of(" \t\r") != std::string::npos) {
                healthy.push_back(unstamped(line));
            }
        }
    }
    std::vector<std::string> errors;
    auto catalogue = load(a);
    for (const auto& r : catalogue.catalogue.records()) {
        for (const auto& e : r.examples) {
            errors.push_back(unstamped(e));
        }
    }
    SplitMix rng{a.seed};
    std::string out;
    out.reserve(1 << 20);
    std::uint64_t written = 0;
    double t = 1763800000.0;
    while (written < size) {
        t += rng.unit() * 0.05;
        const std::string& body = (!errors.empty() && rng.unit() < a.error_rate)
                                      ? errors[rng.below(errors.size())]
                                      : healthy[rng.below(healthy.size())];
        std::string line;
        if (rng.unit() < 0.8) {
            auto secs = static_cast<std::uint64_t>(t);
            auto frac = static_cast<unsigned>((t - static_cast<double>(secs)) * 1e7);
            char stamp[48];
            std::snprintf(stamp, sizeof stamp, "2026-11-22T%02u:%02u:%02u.%07uZ ",
                          static_cast<unsigned>(secs / 3600 % 24), static_cast<unsigned>(secs / 60 % 60),
                          static_cast<unsigned>(secs % 60), frac);
            line = stamp;
        }
        line += body;
        line += '\n';
        if (written + line.size() > size) {
            line.resize(size - written);
        }
        out += line;
        written += line.size();
        if (out.size() >= (1 << 20)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

// ---- make-catalog ---------------------------------------------------------------

// Varies the letters of a regex's literal runs (outside escapes and classes)
// so a new record has the same shape but different required text.
std::string vary_literals(const std::string& re, SplitMix& rng) {
    std::string out;
    bool in_class = false;
    for (std::size_t i = 0; i < re.size(); ++i) {
        char c = re[i];
        if (c == '\\' && i + 1 < re.size()) {
            out += c;
            out += re[++i];
            continue;
        }
        if (c == '[') {
            in_class = true;
        } else if (c == ']') {
            in_class = false;
        }
        if (!in_class && c >= 'a' && c <= 'z' && rng.unit() < 0.35) {
            c = static_cast<char>('a' + rng.below(26));
        }
        out += c;
    }
    return out;
}

int make_catalog(const Args& a) {
    std::size_t count = std::stoul(a.positional.at(0));
    std::string path = a.positional.at(1);
    auto catalogue = load(a);
    const auto& records = catalogue.catalogue.records();
    SplitMix rng{a.seed};
    nlohmann::json array = nlohmann::json::array();
    for (std::size_t i = 0; i < count; ++i) {
        const auto& r = records[i % records.size()];
        std::string re = errlens::effective_regex(r);
        if (i >= records.size()) {
            re = vary_literals(re, rng);
        }
        array.push_back({{"id", "gen/" + std::to_string(i)},
                         {"signature", r.signature},
                         {"regex", re},
                         {"domain", r.domain},
                         {"category", r.category},
                         {"root_cause", "generated for the scaling benchmark"}});
    }
    std::ofstream(path) << array.dump();
    return 0;
}

// ---- engines ---------------------------------------------------------------------

using Found = std::map<std::size_t, std::pair<std::size_t, std::size_t>>;  // record -> (line, count)

void note(Found& f, std::size_t record, std::size_t line) {
    auto [it, fresh] = f.emplace(record, std::make_pair(line, 1));
    if (!fresh) {
        ++it->second.second;
    }
}

template <typename OnLine>
void for_each_line(const std::string& text, OnLine on_line) {
    std::size_t start = 0;
    std::size_t number = 0;
    std::string cleaned;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        std::size_t end = nl == std::string::npos ? text.size() : nl;
        std::string_view line(text.data() + start, end - start);
        ++number;
        if (line.find('\x1b') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
            errlens::clean_line(line, cleaned);
            on_line(std::string_view(cleaned), number);
        } else {
            on_line(line, number);
        }
        start = end + 1;
    }
}

struct Engine {
    virtual ~Engine() = default;
    virtual Found scan(const std::string& text) = 0;
};

struct ErrlensEngine : Engine {
    const errlens::Matcher& m;
    explicit ErrlensEngine(const errlens::Matcher& matcher) : m(matcher) {}
    Found scan(const std::string& text) override {
        errlens::LogScanner s(m, "log");
        s.feed(text);
        s.finish();
        Found f;
        const auto& records = m.catalogue().records();
        for (const auto& d : s.diagnoses()) {
            f[static_cast<std::size_t>(d.record - records.data())] = {d.line, d.count};
        }
        return f;
    }
};

RE2::Options re2_options() {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    return o;
}

struct ReferenceEngine : Engine {
    std::vector<std::unique_ptr<RE2>> res;
    std::vector<std::size_t> ids;
    explicit ReferenceEngine(const std::vector<std::pair<std::size_t, std::string>>& patterns) {
        for (const auto& [id, p] : patterns) {
            res.push_back(std::make_unique<RE2>(p, re2_options()));
            ids.push_back(id);
        }
    }
    Found scan(const std::string& text) override {
        Found f;
        for_each_line(text, [&](std::string_view line, std::size_t n) {
            for (std::size_t i = 0; i < res.size(); ++i) {
                if (RE2::PartialMatch(line, *res[i])) {
                    note(f, ids[i], n);
                }
            }
        });
        return f;
    }
};

struct Re2SetEngine : Engine {
    RE2::Set set{re2_options(), RE2::UNANCHORED};
    std::vector<std::size_t> ids;
    explicit Re2SetEngine(const std::vector<std::pair<std::size_t, std::string>>& patterns) {
        for (const auto& [id, p] : patterns) {
            set.Add(p, nullptr);
            ids.push_back(id);
        }
        if (!set.Compile()) {
            throw std::runtime_error("RE2::Set cannot compile this many patterns within max_mem (64 MB)");
        }
    }
    Found scan(const std::string& text) override {
        Found f;
        std::vector<int> hits;
        for_each_line(text, [&](std::string_view line, std::size_t n) {
            hits.clear();
            set.Match(line, &hits);
            for (int h : hits) {
                note(f, ids[static_cast<std::size_t>(h)], n);
            }
        });
        return f;
    }
};

#ifdef ERRLENS_BENCH_VECTORSCAN
struct HsEngine : Engine {
    hs_database_t* db = nullptr;
    hs_scratch_t* scratch = nullptr;
    std::vector<std::size_t> ids;
    bool whole_buffer;
    std::size_t rejected = 0;

    HsEngine(std::vector<std::pair<std::size_t, std::string>> patterns, bool buffer)
        : whole_buffer(buffer) {
        // Compile all; drop the patterns Vectorscan rejects, one by one.
        while (true) {
            std::vector<const char*> exprs;
            std::vector<unsigned> flags;
            std::vector<unsigned> hs_ids;
            for (std::size_t i = 0; i < patterns.size(); ++i) {
                exprs.push_back(patterns[i].second.c_str());
                flags.push_back(HS_FLAG_CASELESS | (whole_buffer ? 0u : HS_FLAG_SINGLEMATCH));
                hs_ids.push_back(static_cast<unsigned>(i));
            }
            hs_compile_error_t* err = nullptr;
            if (hs_compile_multi(exprs.data(), flags.data(), hs_ids.data(),
                                 static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                                 &err) == HS_SUCCESS) {
                for (const auto& p : patterns) {
                    ids.push_back(p.first);
                }
                break;
            }
            int bad = err->expression;
            hs_free_compile_error(err);
            if (bad < 0) {
                throw std::runtime_error("Vectorscan could not compile the pattern set");
            }
            patterns.erase(patterns.begin() + bad);
            ++rejected;
        }
        hs_alloc_scratch(db, &scratch);
    }
    ~HsEngine() override {
        hs_free_scratch(scratch);
        hs_free_database(db);
    }
    struct Ctx {
        HsEngine* self;
        Found* f;
        std::size_t line;
        const std::vector<std::size_t>* line_starts;
        std::vector<std::uint64_t>* seen;  // per pattern: last line noted + 1
    };
    Found scan(const std::string& text) override {
        Found f;
        std::vector<std::uint64_t> seen(ids.size(), 0);
        if (!whole_buffer) {
            for_each_line(text, [&](std::string_view line, std::size_t n) {
                Ctx ctx{this, &f, n, nullptr, &seen};
                hs_scan(
                    db, line.data(), static_cast<unsigned>(line.size()), 0, scratch,
                    [](unsigned id, unsigned long long, unsigned long long, unsigned, void* c) {
                        auto* ctx = static_cast<Ctx*>(c);
                        note(*ctx->f, ctx->self->ids[id], ctx->line);
                        return 0;
                    },
                    &ctx);
            });
            return f;
        }
        std::vector<std::size_t> starts{0};
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') {
                starts.push_back(i + 1);
            }
        }
        Ctx ctx{this, &f, 0, &starts, &seen};
        // hs_scan takes an unsigned length: scan in pieces cut at newlines.
        std::size_t begin = 0;
        while (begin < text.size()) {
            std::size_t end = std::min(text.size(), begin + (1u << 30));
            if (end < text.size()) {
                end = text.rfind('\n', end) + 1;
            }
            ctx.line = static_cast<std::size_t>(
                std::upper_bound(starts.begin(), starts.end(), begin) - starts.begin());
            struct Piece {
                Ctx* ctx;
                std::size_t offset;
            } piece{&ctx, begin};
            hs_scan(
                db, text.data() + begin, static_cast<unsigned>(end - begin), 0, scratch,
                [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) {
                    auto* piece = static_cast<Piece*>(p);
                    Ctx* ctx = piece->ctx;
                    std::size_t pos = piece->offset + static_cast<std::size_t>(to) - (to > 0 ? 1 : 0);
                    auto line = static_cast<std::size_t>(
                        std::upper_bound(ctx->line_starts->begin(), ctx->line_starts->end(), pos) -
                        ctx->line_starts->begin());
                    if ((*ctx->seen)[id] != line) {  // once per pattern and line
                        (*ctx->seen)[id] = line;
                        note(*ctx->f, ctx->self->ids[id], line);
                    }
                    return 0;
                },
                &piece);
            begin = end;
        }
        return f;
    }
};
#endif

long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

int scan(const Args& a) {
    std::string engine_name = a.positional.at(0);
    std::string text = read_file(a.positional.at(1));
    auto t0 = Clock::now();
    auto catalogue = load(a);
    errlens::Matcher matcher(catalogue.catalogue);
    std::vector<std::pair<std::size_t, std::string>> patterns;
    for (std::size_t i = 0; i < catalogue.catalogue.size(); ++i) {
        if (matcher.compiled(i)) {
            patterns.emplace_back(i, errlens::effective_regex(catalogue.catalogue.records()[i]));
        }
    }
    std::unique_ptr<Engine> engine;
    std::size_t rejected = 0;
    if (engine_name == "errlens") {
        engine = std::make_unique<ErrlensEngine>(matcher);
    } else if (engine_name == "reference") {
        engine = std::make_unique<ReferenceEngine>(patterns);
    } else if (engine_name == "re2set") {
        engine = std::make_unique<Re2SetEngine>(patterns);
#ifdef ERRLENS_BENCH_VECTORSCAN
    } else if (engine_name == "hs-lines" || engine_name == "hs-buffer") {
        auto hs = std::make_unique<HsEngine>(patterns, engine_name == "hs-buffer");
        rejected = hs->rejected;
        engine = std::move(hs);
#endif
    } else {
        std::cerr << "errlens_bench: unknown or unavailable engine " << engine_name << "\n";
        return 2;
    }
    double compile_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::vector<double> mbps;
    Found found;
    for (int r = 0; r < a.repeat; ++r) {
        auto s = Clock::now();
        found = engine->scan(text);
        double secs = std::chrono::duration<double>(Clock::now() - s).count();
        mbps.push_back(static_cast<double>(text.size()) / 1e6 / secs);
    }
    std::vector<double> sorted = mbps;
    std::sort(sorted.begin(), sorted.end());
    nlohmann::json diagnoses = nlohmann::json::array();
    for (const auto& [record, lc] : found) {
        diagnoses.push_back({catalogue.catalogue.records()[record].id, lc.first, lc.second});
    }
    nlohmann::json out = {{"engine", engine_name},
                          {"bytes", text.size()},
                          {"records", catalogue.catalogue.size()},
                          {"patterns", patterns.size() - rejected},
                          {"rejected_patterns", rejected},
                          {"mbps", mbps},
                          {"mbps_median", sorted[sorted.size() / 2]},
                          {"compile_ms", compile_ms},
                          {"peak_rss_kb", peak_rss_kb()},
                          {"diagnoses", diagnoses}};
    std::cout << out.dump() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: errlens_bench generate|make-catalog|scan ... (see the top of "
                     "bench/errlens_bench.cpp)\n";
        return 2;
    }
    std::string cmd = argv[1];
    Args a = parse(argc, argv, 2);
    try {
        if (cmd == "generate") {
            return generate(a);
        }
        if (cmd == "make-catalog") {
            return make_catalog(a);
        }
        if (cmd == "scan") {
            // As the errlens command does, for every engine alike.
            errlens::prefer_huge_pages();
            return scan(a);
        }
    } catch (const std::exception& e) {
        std::cerr << "errlens_bench: " << e.what() << "\n";
        return 2;
    }
    std::cerr << "errlens_bench: unknown command " << cmd << "\n";
    return 2;
}
