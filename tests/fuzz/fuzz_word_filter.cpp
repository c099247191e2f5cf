// libFuzzer target: the blocked-word filter (Aho-Corasick over UTF-8 bytes).
//
// Input: the first byte says how many of the following '\n'-separated lines are the
// word list (0-15); the rest is the text to scan. Cross-checks, against a naive
// std::string::find over the entries (ASCII letters folded, as the filter documents):
//   - matches(text) is true exactly when some entry occurs in the text;
//   - find_all(text) reports exactly every (end offset, first index of that entry);
//   - from_file() on the same lines equals the constructor on the lines as the file
//     rules read them (BOM, '#' comments, blank lines, trailing CR/space/tab, leading
//     space/tab).
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "session/WordFilter.hpp"

using yst::WordFilter;

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_word_filter invariant broken: %s\n", what);
  std::abort();
}

std::string fold(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::pair<size_t, size_t>> naive_all(const std::vector<std::string>& words, std::string_view text) {
  // Duplicate entries (after folding) report the first index, as the automaton keeps it.
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < words.size(); ++i)
    if (!words[i].empty()) first.emplace(fold(words[i]), i);
  std::string t = fold(text);
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& [w, idx] : first)
    for (size_t p = t.find(w); p != std::string::npos; p = t.find(w, p + 1)) out.emplace_back(p + w.size(), idx);
  std::sort(out.begin(), out.end());
  return out;
}

// The file rules of WordFilter::from_file, written out from its header comment.
std::vector<std::string> file_rules(std::vector<std::string> lines) {
  std::vector<std::string> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    if (i == 0 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    out.push_back(line.substr(start));
  }
  return out;
}

std::string temp_path() {
  static std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    if (!dir) dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return std::string(dir) + "/fuzz_word_filter." + std::to_string(::getpid()) + ".txt";
  }();
  static const bool cleanup = [] {
    std::atexit([] { std::remove(path.c_str()); });
    return true;
  }();
  (void)cleanup;
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t n_words = data[0] % 16;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (lines.size() < n_words && pos <= rest.size()) {
    size_t nl = rest.find('\n', pos);
    if (nl == std::string_view::npos) nl = rest.size();
    lines.emplace_back(rest.substr(pos, nl - pos));
    pos = nl + 1;
  }
  std::string_view text = pos <= rest.size() ? rest.substr(pos) : std::string_view{};

  WordFilter f(lines);
  auto want = naive_all(lines, text);
  auto got = f.find_all(text);
  std::sort(got.begin(), got.end());
  if (got != want) fail("find_all differs from the naive search");
  if (f.matches(text) != !want.empty()) fail("matches() differs from the naive search");
  size_t distinct = 0;
  {
    std::map<std::string, int> seen;
    for (const auto& w : lines)
      if (!w.empty() && seen.emplace(fold(w), 1).second) ++distinct;
  }
  if (f.size() != distinct) fail("size() is not the number of distinct entries");

  // from_file: the same lines written to a file.
  {
    std::ofstream out(temp_path(), std::ios::binary | std::ios::trunc);
    for (const auto& l : lines) out << l << '\n';
  }
  WordFilter ff = WordFilter::from_file(temp_path());
  auto rules = file_rules(lines);
  WordFilter fr(rules);
  if (ff.matches(text) != fr.matches(text)) fail("from_file() differs from its documented rules");
  if (ff.size() != fr.size()) fail("from_file() size differs from its documented rules");
  return 0;
}
