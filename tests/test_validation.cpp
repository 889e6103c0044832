// validate: the embedded catalogue is clean; each kind of problem is caught
// and named by record and field.
#include "errlens/validation.hpp"
#include "test_support.hpp"

using namespace errlens;

namespace {
std::vector<std::string> messages(const std::vector<Problem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) {
        out.push_back(format_problem(p));
    }
    return out;
}
}  // namespace

TEST_CASE("the embedded catalogue validates clean", "[validation]") {
    CatalogueLoad load = load_catalogue({true, {}});
    Matcher matcher(load.catalogue);
    auto problems = validate_records(matcher);
    for (const auto& m : messages(problems)) {
        UNSCOPED_INFO(m);
    }
    CHECK(problems.empty());
}

TEST_CASE("validation names record, field and the offending line", "[validation]") {
    CatalogueLoad load;
    add_source(load, "v.json", R"J([
      {"id": "v/one", "signature": "alpha failure", "regex": "alpha failure \\d+",
       "domain": "v", "category": "c", "root_cause": "r", "root_cause_zh": "原因",
       "signature_zh": "甲失败", "verification_tier": "reproduced",
       "workarounds": [{"action": "a", "success_rate": 0.5, "how": "h"}],
       "workarounds_zh": ["做法"],
       "dead_ends": [{"action": "b", "why_fails": "w", "fail_rate": 0.5}],
       "examples": ["alpha failure 12", "alpha failure x"],
       "non_examples": ["alpha failure 7"]},
      {"id": "v/two", "signature": "beta", "regex": "beta(?=x)", "domain": "v", "category": "c",
       "root_cause": "r", "verification_tier": "guessed"}
    ])J",
               1);
    Matcher matcher(load.catalogue);
    CHECK(messages(validate_records(matcher)) ==
          std::vector<std::string>{
              "v.json: /reproduction: error: `v/one`: a reproduced record must say how it was "
              "reproduced",
              "v.json: /dead_ends/0/action_zh: error: `v/one`: Chinese is missing",
              "v.json: /dead_ends/0/why_fails_zh: error: `v/one`: Chinese is missing",
              "v.json: /examples/1: error: `v/one`: the regex does not match this example\n  alpha "
              "failure x",
              "v.json: /non_examples/0: error: `v/one`: the regex matches this near miss, which it "
              "must not\n  alpha failure 7",
              "v.json: /verification_tier: error: `v/two`: must be one of ai_generated, "
              "reproduced, human_reviewed, auto_generated, not `guessed`",
              "v.json: /signature_zh: error: `v/two`: Chinese signature is missing",
              "v.json: /root_cause_zh: error: `v/two`: Chinese root cause is missing",
              "v.json: /workarounds: error: `v/two`: a record needs at least one workaround",
              "v.json: /regex: error: `v/two`: RE2 cannot compile the regex\n  beta(?=x)",
          });
}
