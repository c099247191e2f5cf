#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yst {

// The blocked-word list: an Aho-Corasick automaton over UTF-8 bytes. Byte-level matching
// is exact for Chinese (which has no word boundaries) because UTF-8 is self-synchronizing:
// a valid pattern can only match at character boundaries of valid text. ASCII letters
// match case-insensitively. Immutable once built, so threads may share one.
class WordFilter {
 public:
  WordFilter() = default;
  explicit WordFilter(const std::vector<std::string>& words);

  // One entry a line; blank lines and lines starting with '#' are skipped; a UTF-8 BOM
  // and trailing CR are tolerated. Throws std::runtime_error when the file can't be read.
  static WordFilter from_file(const std::string& path);

  bool matches(std::string_view text) const;
  // Every (end offset, entry index) match, for tests and diagnostics.
  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;
  size_t size() const { return word_count_; }

 private:
  struct Node {
    std::vector<std::pair<uint8_t, int32_t>> next;  // sorted by byte
    int32_t fail = 0;
    int32_t output = -1;       // entry ending here, or -1
    int32_t dict_suffix = -1;  // nearest node along fail links with an output
  };
  int32_t child(int32_t node, uint8_t byte) const;
  int32_t step(int32_t state, uint8_t byte) const;

  std::vector<Node> nodes_{Node{}};
  size_t word_count_ = 0;
};

}  // namespace yst
