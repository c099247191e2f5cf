// The pages' copy of the vocabulary is generated from the server's table; these tests fail
// when the two drift apart (run `yishiting vocabulary > web/assets/vocabulary.js`).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "session/Event.hpp"
#include "session/Vocabulary.hpp"

namespace yst {
namespace {

std::string read_source(const std::string& relative) {
  std::ifstream in(std::string(YST_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Vocabulary, PagesCopyIsWhatTheServerTableSays) {
  EXPECT_EQ(read_source("web/assets/vocabulary.js"), vocabulary_js())
      << "web/assets/vocabulary.js is stale: regenerate it with `yishiting vocabulary > web/assets/vocabulary.js`";
}

TEST(Vocabulary, EveryKindThePagesApplyIsInTheTable) {
  const std::string state = read_source("web/assets/state.js");
  ASSERT_FALSE(state.empty());
  const std::regex case_label(R"(case '([a-z_.]+)')");
  std::set<std::string> applied;
  for (std::sregex_iterator it(state.begin(), state.end(), case_label), end; it != end; ++it)
    applied.insert((*it)[1].str());
  ASSERT_FALSE(applied.empty());
  for (const auto& kind : applied) EXPECT_TRUE(event_kind_from_string(kind)) << "state.js applies unknown kind " << kind;
}

TEST(Vocabulary, KindsRoundTripAndKnowTheirAudience) {
  for (const auto& row : event_kinds()) {
    EXPECT_EQ(event_kind_from_string(row.wire), row.kind);
    EXPECT_FALSE(row.label.zh.empty());
    EXPECT_FALSE(row.label.en.empty());
  }
  EXPECT_TRUE(staff_only("note"));
  EXPECT_TRUE(staff_only("question.asked"));
  EXPECT_FALSE(staff_only("statement"));
  EXPECT_TRUE(staff_only("some.future.kind"));
}

TEST(Vocabulary, OneWordPerStatus) {
  EXPECT_EQ(label(Status::live).zh, "直播中");
  EXPECT_EQ(term("outcome", "adopted").zh, "已采纳");
  EXPECT_EQ(label(QuestionStatus::answered).zh, "已答复");
  // A rejected question and a point that was not adopted must not share a word.
  EXPECT_NE(label(QuestionStatus::rejected).zh, term("outcome", "not_adopted").zh);
  for (const auto& group : term_groups()) {
    std::set<std::string_view> words;
    for (const auto& t : group.terms) EXPECT_TRUE(words.insert(t.label.zh).second) << group.name << "." << t.key;
  }
}

}  // namespace
}  // namespace yst
