#include "terminal_text.hpp"

#include <cstdint>

namespace errlens::detail {

namespace {

// Decodes one UTF-8 character at `i`; returns false (and 1 byte) on invalid input.
bool decode(std::string_view s, std::size_t i, char32_t& cp, std::size_t& len) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80) {
        cp = c;
        len = 1;
        return true;
    }
    int n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
        len = 1;
        return false;
    }
    char32_t v = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (int k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) {
            len = 1;
            return false;
        }
        v = (v << 6) | (b(i + k) & 0x3F);
    }
    bool overlong = (n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000);
    if (overlong || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        len = 1;
        return false;
    }
    cp = v;
    len = static_cast<std::size_t>(n);
    return true;
}

bool is_wide(char32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
           (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
           (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

bool is_combining(char32_t cp) {
    return (cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B || cp == 0x200D || cp == 0xFE0F;
}

// CJK punctuation that must not start a line (kinsoku): it stays with the
// character before it even if the line runs one column long.
bool no_break_before(char32_t cp) {
    switch (cp) {
        case 0x3001:
        case 0x3002:
        case 0xFF0C:
        case 0xFF0E:
        case 0xFF1A:
        case 0xFF1B:
        case 0xFF01:
        case 0xFF1F:
        case 0xFF09:
        case 0x300D:
        case 0x300F:
        case 0x3011:
        case 0x3009:
        case 0x300B:
        case 0x3015:
            return true;
        default:
            return false;
    }
}

// Opening brackets must not end a line: they stay with what follows.
bool no_break_after(char32_t cp) {
    switch (cp) {
        case 0xFF08:
        case 0x300C:
        case 0x300E:
        case 0x3010:
        case 0x3008:
        case 0x300A:
        case 0x3014:
            return true;
        default:
            return false;
    }
}

int width_of(char32_t cp) {
    if (is_combining(cp)) {
        return 0;
    }
    return is_wide(cp) ? 2 : 1;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t len = 1;
        if (!decode(text, i, cp, len)) {
            append_utf8(out, 0xFFFD);
        } else if (cp == '\t') {
            out += ' ';
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            append_utf8(out, 0xFFFD);
        } else {
            out.append(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

int display_width(std::string_view utf8) {
    int w = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        char32_t cp = 0;
        std::size_t len = 1;
        w += decode(utf8, i, cp, len) ? width_of(cp) : 1;
        i += len;
    }
    return w;
}

std::vector<std::string> wrap(std::string_view text, int width) {
    std::vector<std::string> lines;
    if (width < 10) {
        width = 10;
    }
    // Break text into units: a run of non-space non-wide characters (a word),
    // a single wide character, or a space.
    std::string line;
    int line_width = 0;
    std::string pending_space;
    auto flush_line = [&] {
        lines.push_back(line);
        line.clear();
        line_width = 0;
        pending_space.clear();
    };
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t len = 1;
        bool ok = decode(text, i, cp, len);
        if (ok && cp == '\n') {
            flush_line();
            i += len;
            continue;
        }
        if (ok && cp == ' ') {
            if (line_width > 0) {
                pending_space = " ";
            }
            i += len;
            continue;
        }
        std::string unit;
        int unit_width = 0;
        bool glued = ok && no_break_before(cp) && pending_space.empty();
        // An opening bracket joins the unit after it.
        while (ok && no_break_after(cp) && i + len < text.size()) {
            unit.append(text.substr(i, len));
            unit_width += 2;
            i += len;
            ok = decode(text, i, cp, len);
        }
        if (ok && is_wide(cp)) {
            unit.append(text.substr(i, len));
            unit_width += 2;
            i += len;
        } else {
            while (i < text.size()) {
                char32_t c2 = 0;
                std::size_t l2 = 1;
                bool ok2 = decode(text, i, c2, l2);
                if (ok2 && (c2 == ' ' || c2 == '\n' || is_wide(c2))) {
                    break;
                }
                unit.append(text.substr(i, l2));
                unit_width += ok2 ? width_of(c2) : 1;
                i += l2;
            }
        }
        int space_width = pending_space.empty() ? 0 : 1;
        if (line_width > 0 && line_width + space_width + unit_width > width && !glued) {
            flush_line();
            space_width = 0;
        }
        if (space_width > 0) {
            line += pending_space;
            line_width += 1;
        }
        pending_space.clear();
        line += unit;
        line_width += unit_width;
    }
    if (!line.empty() || lines.empty()) {
        lines.push_back(line);
    }
    return lines;
}

std::string truncate(std::string_view text, int width) {
    if (display_width(text) <= width) {
        return std::string(text);
    }
    std::string out;
    int w = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t len = 1;
        int cw = decode(text, i, cp, len) ? width_of(cp) : 1;
        if (w + cw > width - 1) {
            break;
        }
        out.append(text.substr(i, len));
        w += cw;
        i += len;
    }
    return out + "…";
}

}  // namespace errlens::detail
