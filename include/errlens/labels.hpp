// The words errlens itself prints, in English and Simplified Chinese, so that
// renderers and the CLI speak the same language as the records they show.
#pragma once

#include <string>
#include <string_view>

namespace errlens {

enum class Language { en, zh };

enum class Label {
    root_cause,
    workarounds,
    dead_ends,
    versions,
    documentation,
    related,
    leads_to,
    preceded_by,
    confused_with,
    fix_rate,
    confidence,
    evidence,
    success,
    fail,
    why,
    matched_similar,
    looked_up,
    no_match,
    english_fallback,
    source,
    reproduction,
    unknown,
    omitted,
    condition,
    version,
    status,
    introduced,
    deprecated,
    removed,
    notes,
};

/// ": " in English, "：" in Chinese.
std::string_view colon(Language language);

/// "matched build.log:12" / "匹配：build.log 第 12 行"; without a source, "matched line 12".
std::string matched_at(Language language, std::string_view source, std::size_t line);

/// "(3 lines matched)" / "（共 3 行匹配）".
std::string lines_matched(Language language, std::size_t count);

/// The label in `language`.
std::string_view label(Language language, Label which);

/// A verification tier as a reader should see it (`reproduced` -> 已复现 in Chinese).
std::string tier_name(Language language, std::string_view tier);

/// `auto`: Chinese when the first set of LC_ALL, LC_MESSAGES, LANG starts with "zh".
Language language_from_locale(const char* lc_all, const char* lc_messages, const char* lang);

}  // namespace errlens
