#include "literal_set.hpp"

#include <deque>

namespace errlens::detail {

LiteralSet::LiteralSet(const std::vector<std::string>& literals) {
    // Byte classes: one per distinct byte in the literals (case-folded), class 0 for the rest.
    std::array<bool, 256> used{};
    for (const auto& lit : literals) {
        for (unsigned char c : lit) {
            used[c] = true;
        }
    }
    for (int c = 0; c < 256; ++c) {
        if (used[c] && !(c >= 'A' && c <= 'Z')) {
            class_of_[c] = static_cast<std::uint16_t>(classes_++);
        }
    }
    for (int c = 'A'; c <= 'Z'; ++c) {
        int lower = c - 'A' + 'a';
        class_of_[c] = class_of_[lower];
    }

    // Trie.
    std::vector<std::vector<std::uint32_t>> out_of_state(1);
    std::vector<std::uint32_t> trie(classes_, 0);
    auto child = [&](std::uint32_t s, std::uint32_t cls) -> std::uint32_t& {
        return trie[s * classes_ + cls];
    };
    std::uint32_t states = 1;
    for (std::uint32_t i = 0; i < literals.size(); ++i) {
        if (literals[i].empty()) {
            continue;
        }
        std::uint32_t s = 0;
        for (unsigned char c : literals[i]) {
            std::uint32_t cls = class_of_[c];
            if (child(s, cls) == 0) {
                child(s, cls) = states++;
                trie.resize(static_cast<std::size_t>(states) * classes_, 0);
                out_of_state.emplace_back();
            }
            s = child(s, cls);
        }
        out_of_state[s].push_back(i);
    }

    // Breadth-first failure links, turning the trie into a full DFA.
    std::vector<std::uint32_t> fail(states, 0);
    std::deque<std::uint32_t> queue;
    for (std::uint32_t cls = 0; cls < classes_; ++cls) {
        if (child(0, cls) != 0) {
            queue.push_back(child(0, cls));
        }
    }
    while (!queue.empty()) {
        std::uint32_t s = queue.front();
        queue.pop_front();
        const auto& inherited = out_of_state[fail[s]];
        out_of_state[s].insert(out_of_state[s].end(), inherited.begin(), inherited.end());
        for (std::uint32_t cls = 0; cls < classes_; ++cls) {
            std::uint32_t t = child(s, cls);
            if (t != 0) {
                fail[t] = child(fail[s], cls);
                queue.push_back(t);
            } else {
                child(s, cls) = child(fail[s], cls);
            }
        }
    }
    next_ = std::move(trie);
    output_begin_.reserve(states + 1);
    for (std::uint32_t s = 0; s < states; ++s) {
        output_begin_.push_back(static_cast<std::uint32_t>(outputs_.size()));
        outputs_.insert(outputs_.end(), out_of_state[s].begin(), out_of_state[s].end());
    }
    output_begin_.push_back(static_cast<std::uint32_t>(outputs_.size()));
}

}  // namespace errlens::detail
