#include <string>
#include <vector>

#include "session/minutes/Escape.hpp"
#include "session/minutes/Renderers.hpp"

namespace yst::minutes {

namespace {

// Markdown: every ASCII character that can open or close inline structure is escaped
// wherever it appears, and the ones that only matter at the start of a line (list and
// heading markers) are escaped there. Leading blanks of a line are dropped so that user
// text can never become an indented code block.
struct MdEscaper {
  std::string indent;  // continuation of a list item or quote after a line break
  bool at_line_start = true;

  void put(std::string& out, std::string_view text) {
    const std::string s = normalize_newlines(text);
    std::string clean;
    for_each_char(s, [&](uint32_t, std::string_view bytes) { clean += bytes; });
    for (size_t i = 0; i < clean.size(); ++i) {
      char c = clean[i];
      if (c == '\n') {
        out += "  \n";
        out += indent;
        at_line_start = true;
        continue;
      }
      if (at_line_start && (c == ' ' || c == '\t')) continue;
      if (at_line_start) {
        at_line_start = false;
        if (c == '+' || c == '-' || c == '=') {
          out += '\\';
          out += c;
          continue;
        }
        if (c >= '0' && c <= '9') {
          size_t j = i;
          while (j < clean.size() && clean[j] >= '0' && clean[j] <= '9') ++j;
          out.append(clean, i, j - i);
          if (j < clean.size() && (clean[j] == '.' || clean[j] == ')')) {
            out += '\\';
            out += clean[j];
            ++j;
          }
          i = j - 1;
          continue;
        }
      }
      if (c == '\t') c = ' ';
      static constexpr std::string_view kSpecial = "\\`*_[]<>|~&#!";
      if (kSpecial.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
};

std::string md_cell(std::string_view text) {
  std::string out;
  MdEscaper esc;
  esc.at_line_start = false;
  esc.put(out, single_line(text));
  return out;
}

// A pipe table, rows[0] as its header.
std::string md_table(const Block& b) {
  if (b.rows.empty()) return {};
  std::string out;
  for (size_t r = 0; r < b.rows.size(); ++r) {
    out += "|";
    for (const auto& cell : b.rows[r]) out += " " + md_cell(cell) + " |";
    out += "\n";
    if (r == 0) {
      out += "|";
      for (size_t c = 0; c < b.rows[0].size(); ++c) out += " --- |";
      out += "\n";
    }
  }
  out += "\n";
  return out;
}

}  // namespace

std::string render_md(const std::vector<Block>& doc) {
  std::string out;
  auto runs_md = [&](const std::vector<Run>& runs, MdEscaper& esc) {
    for (const auto& r : runs) {
      if (r.text.empty()) continue;
      if (r.bold) {
        out += "**";
        esc.at_line_start = false;
        esc.put(out, single_line(r.text));
        out += "**";
      } else {
        esc.put(out, r.text);
      }
    }
  };
  for (size_t i = 0; i < doc.size(); ++i) {
    const Block& b = doc[i];
    switch (b.type) {
      case BlockType::title:
      case BlockType::heading: {
        out += std::string(b.type == BlockType::title ? size_t{1} : static_cast<size_t>(b.level), '#') + " ";
        MdEscaper esc;
        esc.at_line_start = false;
        for (const auto& r : b.runs) esc.put(out, single_line(r.text));
        out += "\n\n";
        break;
      }
      case BlockType::subtitle:
      case BlockType::para: {
        MdEscaper esc;
        if (b.type == BlockType::subtitle) {
          out += "**";
          esc.at_line_start = false;
        }
        runs_md(b.runs, esc);
        if (b.type == BlockType::subtitle) out += "**";
        out += "\n\n";
        break;
      }
      case BlockType::item: {
        out += "- ";
        MdEscaper esc{"  "};
        runs_md(b.runs, esc);
        out += "\n";
        if (i + 1 == doc.size() || doc[i + 1].type != BlockType::item || doc[i + 1].cls != b.cls) out += "\n";
        break;
      }
      case BlockType::quote: {
        out += "> ";
        MdEscaper esc{"> "};
        runs_md(b.runs, esc);
        out += "\n\n";
        break;
      }
      case BlockType::table: out += md_table(b); break;
    }
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace yst::minutes
