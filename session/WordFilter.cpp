#include "session/WordFilter.hpp"

#include <algorithm>
#include <deque>
#include <fstream>
#include <stdexcept>

namespace yst {

namespace {
uint8_t fold(uint8_t b) { return (b >= 'A' && b <= 'Z') ? static_cast<uint8_t>(b - 'A' + 'a') : b; }
}  // namespace

int32_t WordFilter::child(int32_t node, uint8_t byte) const {
  const auto& next = nodes_[node].next;
  auto it = std::lower_bound(next.begin(), next.end(), byte,
                             [](const std::pair<uint8_t, int32_t>& p, uint8_t b) { return p.first < b; });
  return (it != next.end() && it->first == byte) ? it->second : -1;
}

WordFilter::WordFilter(const std::vector<std::string>& words) {
  for (size_t w = 0; w < words.size(); ++w) {
    if (words[w].empty()) continue;
    int32_t node = 0;
    for (unsigned char raw : words[w]) {
      uint8_t b = fold(raw);
      int32_t c = child(node, b);
      if (c < 0) {
        c = static_cast<int32_t>(nodes_.size());
        nodes_.emplace_back();
        auto& next = nodes_[node].next;
        next.insert(std::upper_bound(next.begin(), next.end(), std::make_pair(b, INT32_MIN)), {b, c});
      }
      node = c;
    }
    if (nodes_[node].output < 0) {
      nodes_[node].output = static_cast<int32_t>(w);
      ++word_count_;
    }
  }
  // Breadth-first, so every node's fail link points to an already finished node.
  std::deque<int32_t> queue;
  for (auto [b, c] : nodes_[0].next) {
    nodes_[c].fail = 0;
    queue.push_back(c);
  }
  while (!queue.empty()) {
    int32_t n = queue.front();
    queue.pop_front();
    for (auto [b, c] : nodes_[n].next) {
      int32_t f = nodes_[n].fail;
      while (f != 0 && child(f, b) < 0) f = nodes_[f].fail;
      int32_t target = child(f, b);
      nodes_[c].fail = (target >= 0 && target != c) ? target : 0;
      int32_t fl = nodes_[c].fail;
      nodes_[c].dict_suffix = nodes_[fl].output >= 0 ? fl : nodes_[fl].dict_suffix;
      queue.push_back(c);
    }
  }
}

WordFilter WordFilter::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read blocked-word list " + path);
  std::vector<std::string> words;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    first = false;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    words.push_back(line.substr(start));
  }
  return WordFilter(words);
}

int32_t WordFilter::step(int32_t state, uint8_t byte) const {
  while (true) {
    int32_t c = child(state, byte);
    if (c >= 0) return c;
    if (state == 0) return 0;
    state = nodes_[state].fail;
  }
}

bool WordFilter::matches(std::string_view text) const {
  if (word_count_ == 0) return false;
  int32_t state = 0;
  for (unsigned char raw : text) {
    state = step(state, fold(raw));
    if (nodes_[state].output >= 0 || nodes_[state].dict_suffix >= 0) return true;
  }
  return false;
}

std::vector<std::pair<size_t, size_t>> WordFilter::find_all(std::string_view text) const {
  std::vector<std::pair<size_t, size_t>> out;
  int32_t state = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    state = step(state, fold(static_cast<uint8_t>(text[i])));
    for (int32_t n = nodes_[state].output >= 0 ? state : nodes_[state].dict_suffix; n >= 0;
         n = nodes_[n].dict_suffix)
      out.emplace_back(i + 1, static_cast<size_t>(nodes_[n].output));
  }
  return out;
}

}  // namespace yst
