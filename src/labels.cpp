#include "errlens/labels.hpp"

#include <array>
#include <utility>

namespace errlens {

namespace {
struct Pair {
    Label key;
    std::string_view en;
    std::string_view zh;
};

constexpr std::array k_labels = {
    Pair{Label::root_cause, "Root cause", "根本原因"},
    Pair{Label::workarounds, "Workarounds", "解决办法"},
    Pair{Label::dead_ends, "Dead ends (don't work)", "无效做法（别再试了）"},
    Pair{Label::versions, "Versions", "版本"},
    Pair{Label::documentation, "Docs", "官方文档"},
    Pair{Label::related, "Related", "相关错误"},
    Pair{Label::leads_to, "leads to", "可能引发"},
    Pair{Label::preceded_by, "often after", "常见前因"},
    Pair{Label::confused_with, "not to be confused with", "容易混淆"},
    Pair{Label::fix_rate, "fix rate", "修复率"},
    Pair{Label::confidence, "confidence", "置信度"},
    Pair{Label::evidence, "evidence", "证据数"},
    Pair{Label::success, "success", "成功率"},
    Pair{Label::fail, "fail", "失败率"},
    Pair{Label::why, "why", "原因"},
    Pair{Label::matched_similar, "similar (no pattern matched)", "相似（未匹配到模式）"},
    Pair{Label::looked_up, "by id", "按 ID 查询"},
    Pair{Label::no_match, "No known error found.", "未发现已知错误。"},
    Pair{Label::english_fallback, "", "〔英文〕"},
    Pair{Label::source, "Source", "来源"},
    Pair{Label::reproduction, "Reproduced with", "复现方式"},
    Pair{Label::unknown, "unknown", "未知"},
    Pair{Label::omitted, "more not shown (--max)", "条未显示（--max）"},
    Pair{Label::condition, "when", "适用条件"},
    Pair{Label::version, "Version", "版本"},
    Pair{Label::status, "Status", "状态"},
    Pair{Label::introduced, "Introduced", "引入"},
    Pair{Label::deprecated, "Deprecated", "弃用"},
    Pair{Label::removed, "Removed", "移除"},
    Pair{Label::notes, "Notes", "说明"},
};

bool starts_with_zh(const char* value) {
    return value != nullptr && value[0] == 'z' && value[1] == 'h';
}
}  // namespace

std::string_view label(Language language, Label which) {
    for (const auto& p : k_labels) {
        if (p.key == which) {
            return language == Language::zh ? p.zh : p.en;
        }
    }
    return {};
}

std::string_view colon(Language language) {
    return language == Language::zh ? "：" : ": ";
}

std::string matched_at(Language language, std::string_view source, std::size_t line) {
    std::string n = std::to_string(line);
    if (language == Language::zh) {
        return source.empty() ? "匹配：第 " + n + " 行"
                              : "匹配：" + std::string(source) + " 第 " + n + " 行";
    }
    return source.empty() ? "matched line " + n : "matched " + std::string(source) + ":" + n;
}

std::string lines_matched(Language language, std::size_t count) {
    if (language == Language::zh) {
        return "（共 " + std::to_string(count) + " 行匹配）";
    }
    return "(" + std::to_string(count) + " lines matched)";
}

std::string tier_name(Language language, std::string_view tier) {
    if (language == Language::en) {
        return std::string(tier);
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> k_tiers = {{
        {"ai_generated", "AI 生成（未复现）"},
        {"reproduced", "已复现"},
        {"human_reviewed", "人工审核"},
        {"auto_generated", "自动生成"},
    }};
    for (const auto& [en, zh] : k_tiers) {
        if (tier == en) {
            return std::string(zh);
        }
    }
    return std::string(tier);
}

Language language_from_locale(const char* lc_all, const char* lc_messages, const char* lang) {
    // POSIX precedence: the first one that is set and non-empty decides.
    for (const char* value : {lc_all, lc_messages, lang}) {
        if (value != nullptr && value[0] != '\0') {
            return starts_with_zh(value) ? Language::zh : Language::en;
        }
    }
    return Language::en;
}

}  // namespace errlens
