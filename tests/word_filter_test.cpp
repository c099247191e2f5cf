#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "session/WordFilter.hpp"

using namespace yst;

TEST(WordFilter, MatchesChineseWithoutWordBoundaries) {
  WordFilter f({"违禁", "敏感词"});
  EXPECT_TRUE(f.matches("这句话里有违禁内容"));
  EXPECT_TRUE(f.matches("敏感词"));
  EXPECT_TRUE(f.matches("前缀敏感词后缀"));
  EXPECT_FALSE(f.matches("敏感的词"));
  EXPECT_FALSE(f.matches("完全正常的问题"));
  EXPECT_FALSE(f.matches(""));
}

TEST(WordFilter, OverlappingAndNestedPhrases) {
  WordFilter f({"he", "she", "his", "hers", "电梯", "加装电梯", "梯子"});
  auto m = f.find_all("ushers");
  // she ends at 4, he at 4, hers at 6
  ASSERT_EQ(m.size(), 3u);
  auto c = f.find_all("老旧小区加装电梯子");
  size_t found_jiazhuang = 0, found_dianti = 0, found_tizi = 0;
  for (auto [end, idx] : c) {
    if (idx == 5) ++found_jiazhuang;
    if (idx == 4) ++found_dianti;
    if (idx == 6) ++found_tizi;
  }
  EXPECT_EQ(found_jiazhuang, 1u);
  EXPECT_EQ(found_dianti, 1u);
  EXPECT_EQ(found_tizi, 1u);
}

TEST(WordFilter, MixedScriptsAndAsciiCaseFolding) {
  WordFilter f({"VPN翻墙", "fake news"});
  EXPECT_TRUE(f.matches("怎么用vpn翻墙？"));
  EXPECT_TRUE(f.matches("This is FAKE NEWS!"));
  EXPECT_FALSE(f.matches("vpn 翻墙"));
  EXPECT_FALSE(f.matches("fakenews"));
}

TEST(WordFilter, MatchesOnlyWholeCharacters) {
  // Byte-level matching is safe for UTF-8: a valid pattern starts with a lead byte, which
  // never occurs inside another character, so it can only match at a character boundary.
  WordFilter g({"文", "国中"});
  EXPECT_FALSE(g.matches("中国"));
  EXPECT_TRUE(g.matches("中文"));
  EXPECT_FALSE(g.matches("中国人"));
  EXPECT_TRUE(g.matches("美国中部"));
}

TEST(WordFilter, ThousandsOfEntries) {
  std::vector<std::string> words;
  for (int i = 0; i < 5000; ++i) words.push_back("词条" + std::to_string(i) + "号");
  WordFilter f(words);
  EXPECT_EQ(f.size(), 5000u);
  EXPECT_TRUE(f.matches("提到了词条4321号的问题"));
  EXPECT_FALSE(f.matches("提到了词条4321的问题"));
}

TEST(WordFilter, ReadsAFileWithBomCommentsAndCrlf) {
  auto path = std::filesystem::temp_directory_path() / "yst_words_test.txt";
  {
    std::ofstream o(path, std::ios::binary);
    o << "\xEF\xBB\xBF# 注释\r\n违禁词\r\n\r\n  广告  \r\n";
  }
  auto f = WordFilter::from_file(path.string());
  EXPECT_EQ(f.size(), 2u);
  EXPECT_TRUE(f.matches("这是广告"));
  EXPECT_TRUE(f.matches("违禁词"));
  EXPECT_FALSE(f.matches("注释"));
  std::filesystem::remove(path);
  EXPECT_THROW(WordFilter::from_file("/nonexistent/words.txt"), std::runtime_error);
}
