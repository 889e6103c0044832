// Scanning log files, in parallel when asked. A large regular file is cut
// at line ends into pieces; each piece gets its own LogScanner and the scans
// are appended in file order, which gives what one scanner reading the whole
// file gives (LogScanner::append). Standard input is read by one thread.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "errlens/matcher.hpp"

namespace errlens {

namespace {

constexpr std::size_t k_read_bytes = 1 << 20;
// Pieces smaller than this are not worth a thread.
constexpr std::uint64_t k_min_piece_bytes = 4 << 20;

struct Piece {
    std::size_t file = 0;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;  // exclusive
    bool whole_stream = false;
    bool last = true;  // the file's last piece: it finishes the scan
    std::unique_ptr<LogScanner> scanner;
    std::string error;
};

std::string error_text(int err) {
    return std::strerror(err);
}

/// Reads `fd` into the scanner: [begin, end) of a regular file (pread), or a
/// stream (standard input, a pipe) to its end when `end` is k_stream_end.
constexpr std::uint64_t k_stream_end = UINT64_MAX;
bool read_into(int fd, std::uint64_t begin, std::uint64_t end, LogScanner& scanner,
               std::string& error) {
    std::vector<char> buffer(k_read_bytes);
    std::uint64_t at = begin;
    while (at < end) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), end - at));
        ssize_t n = end == k_stream_end ? read(fd, buffer.data(), want)
                                        : pread(fd, buffer.data(), want, static_cast<off_t>(at));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            error = error_text(errno);
            return false;
        }
        if (n == 0) {
            break;  // the stream ended, or the file shrank while being read
        }
        scanner.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        at += static_cast<std::uint64_t>(n);
    }
    return true;
}

/// The offset just after the first newline at or after `from`, or `size`.
std::uint64_t next_line_start(int fd, std::uint64_t from, std::uint64_t size) {
    char buffer[4096];
    while (from < size) {
        ssize_t n = pread(fd, buffer, sizeof buffer, static_cast<off_t>(from));
        if (n <= 0) {
            return size;
        }
        const void* nl = std::memchr(buffer, '\n', static_cast<std::size_t>(n));
        if (nl != nullptr) {
            return from + static_cast<std::uint64_t>(static_cast<const char*>(nl) - buffer) + 1;
        }
        from += static_cast<std::uint64_t>(n);
    }
    return size;
}

}  // namespace

std::vector<FileScan> scan_files(const Matcher& matcher, const std::vector<std::string>& files,
                                 unsigned jobs,
                                 const std::function<void(const Diagnosis&)>& on_first_match) {
    jobs = std::max(1u, jobs);
    std::vector<FileScan> out(files.size());
    std::vector<Piece> pieces;
    std::vector<int> fds(files.size(), -1);
    for (std::size_t f = 0; f < files.size(); ++f) {
        out[f].source = files[f];
        if (files[f] == "-") {
            pieces.push_back({f, 0, 0, true, true, nullptr, {}});
            continue;
        }
        int fd = open(files[f].c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if (fd < 0 || fstat(fd, &st) != 0) {
            out[f].error = error_text(errno);
            if (fd >= 0) {
                close(fd);
            }
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            out[f].error = "is a directory";
            close(fd);
            continue;
        }
        fds[f] = fd;
        if (!S_ISREG(st.st_mode)) {
            pieces.push_back({f, 0, 0, true, true, nullptr, {}});  // a FIFO or device: read through
            continue;
        }
        auto size = static_cast<std::uint64_t>(st.st_size);
        std::uint64_t count =
            jobs == 1 ? 1 : std::clamp<std::uint64_t>(size / k_min_piece_bytes, 1, jobs);
        std::uint64_t begin = 0;
        for (std::uint64_t i = 1; i <= count && begin < size; ++i) {
            std::uint64_t end = i == count ? size : next_line_start(fd, size * i / count, size);
            pieces.push_back({f, begin, end, false, end == size, nullptr, {}});
            begin = end;
        }
        if (size == 0) {
            pieces.push_back({f, 0, 0, false, true, nullptr, {}});
        }
    }

    // With one job, diagnoses stream out as they are found.
    bool live = jobs == 1 && on_first_match;
    for (auto& p : pieces) {
        p.scanner = std::make_unique<LogScanner>(matcher, files[p.file]);
        if (live) {
            p.scanner->on_first_match(on_first_match);
        }
    }
    auto work = [&](Piece& p) {
        int fd = p.whole_stream && files[p.file] == "-" ? STDIN_FILENO : fds[p.file];
        read_into(fd, p.whole_stream ? 0 : p.begin, p.whole_stream ? k_stream_end : p.end,
                  *p.scanner, p.error);
        if (p.last) {
            p.scanner->finish();  // a last line without a newline counts
        }
    };
    std::size_t threads = std::min<std::size_t>(jobs, pieces.size());
    if (threads <= 1) {
        for (auto& p : pieces) {
            work(p);
        }
    } else {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pool;
        for (std::size_t t = 0; t < threads; ++t) {
            pool.emplace_back([&] {
                for (std::size_t i = next++; i < pieces.size(); i = next++) {
                    work(pieces[i]);
                }
            });
        }
        for (auto& t : pool) {
            t.join();
        }
    }
    for (int fd : fds) {
        if (fd >= 0) {
            close(fd);
        }
    }

    // Append each file's pieces in order.
    for (std::size_t f = 0; f < files.size(); ++f) {
        LogScanner* first = nullptr;
        for (auto& p : pieces) {
            if (p.file != f) {
                continue;
            }
            if (first == nullptr) {
                first = p.scanner.get();
            } else {
                first->append(*p.scanner);
            }
            if (out[f].error.empty() && !p.error.empty()) {
                out[f].error = p.error;
            }
        }
        if (first == nullptr) {
            continue;
        }
        if (on_first_match && !live) {
            for (const auto& d : first->diagnoses_as_found()) {
                Diagnosis once = d;
                once.count = 1;  // as streamed: at the first match
                on_first_match(once);
            }
        }
        out[f].diagnoses = first->diagnoses();
        out[f].lines = first->lines();
    }
    return out;
}

}  // namespace errlens
