// The one place that walks directories and reads catalogue files.
#include "errlens/catalogue.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "errlens/loaders.hpp"

namespace errlens {

namespace fs = std::filesystem;

std::string Catalogue::add(Record record) {
    auto it = index_.find(record.id);
    if (it != index_.end()) {
        std::string replaced = records_[it->second].source;
        records_[it->second] = std::move(record);
        return replaced.empty() ? std::string("(unnamed)") : replaced;
    }
    index_.emplace(record.id, records_.size());
    records_.push_back(std::move(record));
    return {};
}

const Record* Catalogue::find(std::string_view id) const {
    auto it = index_.find(std::string(id));
    return it == index_.end() ? nullptr : &records_[it->second];
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string_view last_segment(std::string_view id) {
    auto slash = id.rfind('/');
    return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

}  // namespace

std::vector<std::string> Catalogue::suggest(std::string_view id, std::size_t max) const {
    std::vector<std::pair<std::size_t, std::string>> scored;
    std::size_t limit = std::max<std::size_t>(3, id.size() / 3);
    for (const auto& r : records_) {
        std::size_t d = edit_distance(id, r.id);
        if (d > limit && last_segment(r.id) == last_segment(id)) {
            d = limit;
        }
        if (d <= limit) {
            scored.emplace_back(d, r.id);
        }
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && i < max; ++i) {
        out.push_back(scored[i].second);
    }
    return out;
}

namespace {

bool read_file(const fs::path& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec(errno, std::generic_category());
        error = ec.message();
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return false;
    }
    out = std::move(buffer).str();
    return true;
}

// A JSON Schema beside the records (record.schema.json) is not a record.
bool is_schema(const fs::path& p) {
    std::string name = p.filename().string();
    return name.size() > 12 && name.compare(name.size() - 12, 12, ".schema.json") == 0;
}

bool is_hidden(const fs::path& p) {
    std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

}  // namespace

void add_source(CatalogueLoad& load, std::string_view name, std::string_view text, int group) {
    ++load.counts.files;
    LoadResult result = load_records(name, text);
    load.counts.records_seen += result.records_seen;
    load.counts.records_loaded += result.records.size();
    load.counts.records_rejected += result.records_seen - result.records.size();
    for (auto& p : result.problems) {
        load.problems.push_back(std::move(p));
    }
    for (auto& record : result.records) {
        auto it = load.origins.find(record.id);
        if (it != load.origins.end()) {
            ++load.counts.records_overridden;
            if (it->second.second == group) {
                load.problems.push_back({Severity::warning,
                                         record.source,
                                         record.source_line,
                                         0,
                                         "id",
                                         "duplicate id `" + record.id + "` (also in " +
                                             it->second.first + "); this later record wins",
                                         {}});
            }
        }
        load.origins[record.id] = {record.source, group};
        load.catalogue.add(std::move(record));
    }
}

CatalogueLoad load_catalogue(const CatalogueOptions& options) {
    CatalogueLoad load;
    if (options.builtin) {
        for (const auto& file : builtin_files()) {
            add_source(load, file.name, file.text, 0);
        }
    }
    int group = 0;
    for (const auto& path_text : options.paths) {
        ++group;
        fs::path path(path_text);
        std::error_code ec;
        std::vector<fs::path> files;
        if (fs::is_directory(path, ec)) {
            fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
            for (; !ec && it != end; it.increment(ec)) {
                if (is_hidden(it->path())) {
                    if (it->is_directory()) {
                        it.disable_recursion_pending();
                    }
                    continue;
                }
                auto ext = it->path().extension().string();
                if (it->is_regular_file() && (ext == ".json" || ext == ".txt") &&
                    !is_schema(it->path())) {
                    files.push_back(it->path());
                }
            }
            if (ec) {
                ++load.counts.unreadable_files;
                load.problems.push_back({Severity::error,
                                         path_text,
                                         0,
                                         0,
                                         "",
                                         "cannot read directory: " + ec.message(),
                                         {}});
            }
            std::sort(files.begin(), files.end());
        } else {
            files.push_back(path);
        }
        for (const auto& file : files) {
            std::string text;
            std::string error;
            if (!read_file(file, text, error)) {
                ++load.counts.unreadable_files;
                load.problems.push_back(
                    {Severity::error, file.string(), 0, 0, "", "cannot read: " + error, {}});
                continue;
            }
            add_source(load, file.string(), text, group);
        }
    }
    return load;
}

}  // namespace errlens
