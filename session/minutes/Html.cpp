#include <string>
#include <string_view>
#include <vector>

#include "session/minutes/Escape.hpp"
#include "session/minutes/Renderers.hpp"
#include "session/minutes/Time.hpp"

namespace yst::minutes {

namespace {

// Print rules included: the HTML minutes are meant to be printed from a browser.
constexpr std::string_view kStylesheet = R"CSS(:root { color-scheme: light; }
body {
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "Source Han Sans SC",
               SimSun, "Songti SC", serif;
  font-size: 11pt; line-height: 1.7; color: #111; background: #fff;
  max-width: 180mm; margin: 0 auto; padding: 10mm 6mm;
}
h1, h2, h3, .subtitle, th {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", SimHei, "Microsoft YaHei", "PingFang SC", sans-serif;
}
h1 { font-size: 20pt; text-align: center; margin: 0; color: #b00; }
.subtitle { text-align: center; font-size: 14pt; margin: 2pt 0 12pt; }
.doc-status { text-align: center; font-size: 9pt; color: #555; }
h2 { font-size: 14pt; margin: 14pt 0 6pt; }
h3 { font-size: 12pt; margin: 10pt 0 4pt; }
h2.attachment { page-break-before: always; break-before: page; border-top: 1px dashed #999; padding-top: 10pt; }
p { margin: 0 0 5pt; }
.opening, .speaker, .question, .answer, .agreed, .commitment, .notes, .progress { text-indent: 2em; }
.attendance { padding-left: 5em; text-indent: -5em; }
.signature { margin: 0; }
.signature:first-of-type { margin-top: 14pt; }
.date-line { text-align: right; margin-right: 4em; }
.placeholder { color: #777; }
h1, h2, h3, .question { page-break-after: avoid; break-after: avoid; }
ul { padding-left: 1.2em; margin: 4pt 0; }
ul.meta { list-style: none; padding: 0; }
ul.timeline, ul.notes, ul.answers { list-style: none; padding: 0; }
ul.timeline li, ul.notes li, ul.answers li { padding-left: 2em; text-indent: -2em; margin: 0 0 3pt; }
li, blockquote, tr, .question { page-break-inside: avoid; break-inside: avoid; }
li.kind-note { color: #333; }
li.kind-session-started, li.kind-session-ended, li.kind-point-closed { font-weight: bold; }
blockquote { margin: 3pt 0 5pt 2em; padding: 2pt 8pt; border-left: 3px solid #888; background: #f6f6f6; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; font-size: 10pt;
        page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #444; padding: 3pt 5pt; vertical-align: top; text-align: left; }
th { background: #e8e8e8; }
/* Counts, results and names stay on one line; only the text of a point may wrap. */
table.points th, table.points td:not(:nth-child(2)), table.speakers th, table.speakers td { white-space: nowrap; }
table.points td:nth-child(2) { width: 100%; }
/* A sentence that introduces a table stays on its page. */
p:has(+ table) { page-break-after: avoid; break-after: avoid; }
.note-small { font-size: 9pt; color: #555; }
.digest { font-weight: bold; }
.chain { font-size: 9pt; color: #333; word-break: break-all; }
footer { margin-top: 16pt; border-top: 1px solid #999; padding-top: 4pt; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  blockquote { background: none; }
  a { color: inherit; text-decoration: none; }
}
)CSS";

// Runs as inline HTML; a line break in the text becomes <br>.
std::string html_runs(const std::vector<Run>& runs) {
  std::string out;
  for (const auto& r : runs) {
    if (r.text.empty()) continue;
    std::string t = html_escape(normalize_newlines(r.text));
    std::string with_breaks;
    for (char c : t) {
      if (c == '\n')
        with_breaks += "<br>\n";
      else
        with_breaks += c;
    }
    out += r.bold ? "<strong>" + with_breaks + "</strong>" : with_breaks;
  }
  return out;
}

// Everything up to <body>, with the print margins naming the title and the date.
std::string html_head(const std::string& title, const std::string& kind, const std::string& date) {
  std::string out;
  out +=
      "<!DOCTYPE html>\n"
      "<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // No script, no remote resource: the file may be opened offline or from an e-mail.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"generator\" content=\"Yishiting\">\n";
  out += "<title>" + html_escape(single_line(title)) + " " + html_escape(kind) + "</title>\n";
  out += "<style>\n";
  out += "@page {\n  size: A4;\n  margin: 22mm 18mm 22mm 18mm;\n";
  // Cut short: a margin box that wraps would run into the page body.
  out += "  @top-left { content: " + css_string(utf8_prefix(title, 40)) + "; font-size: 9pt; color: #555; }\n";
  out += "  @top-right { content: " + css_string(kind + " " + date) + "; font-size: 9pt; color: #555; }\n";
  out += "  @bottom-center { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\"; font-size: 9pt; "
         "color: #555; }\n}\n";
  out += kStylesheet;
  out += "</style>\n</head>\n<body>\n";
  return out;
}

std::string html_table(const Block& b) {
  if (b.rows.empty()) return {};
  std::string out = "<table class=\"" + css_ident(b.cls) + "\">\n<thead><tr>";
  for (const auto& c : b.rows[0]) out += "<th>" + html_runs({{c}}) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (size_t r = 1; r < b.rows.size(); ++r) {
    out += "<tr>";
    for (const auto& c : b.rows[r]) out += "<td>" + html_runs({{c}}) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

}  // namespace

// The blocks before the first heading form the <header>, the chain paragraphs the
// <footer>; consecutive items of one class form one <ul>.
std::string render_html(const DocumentInfo& info, const std::vector<Block>& doc) {
  std::string out = html_head(info.title, info.kind, cst_date(info.date_ms));

  std::string open_list;  // class of the <ul> being written, if any
  auto close_list = [&] {
    if (open_list.empty()) return;
    out += "</ul>\n";
    open_list.clear();
  };
  bool in_footer = false;
  out += "<header>\n";
  bool in_header = true;
  for (const Block& b : doc) {
    if (b.type != BlockType::item || b.cls != open_list) close_list();
    if (in_header && b.type == BlockType::heading) {
      out += "</header>\n<main>\n";
      in_header = false;
    }
    if (!in_footer && b.cls == "chain") {
      out += "</main>\n<footer>\n";
      in_footer = true;
    }
    switch (b.type) {
      case BlockType::title: out += "<h1>" + html_runs(b.runs) + "</h1>\n"; break;
      case BlockType::subtitle: out += "<p class=\"subtitle\">" + html_runs(b.runs) + "</p>\n"; break;
      case BlockType::heading: {
        const std::string tag = b.level <= 2 ? "h2" : "h3";
        out += "<" + tag + (b.page_break_before ? " class=\"attachment\"" : "") + ">" + html_runs(b.runs) + "</" + tag +
               ">\n";
        break;
      }
      case BlockType::para:
        out += (b.cls.empty() ? std::string("<p>") : "<p class=\"" + css_ident(b.cls) + "\">") + html_runs(b.runs) +
               "</p>\n";
        break;
      case BlockType::item:
        if (open_list.empty()) {
          out += "<ul class=\"" + css_ident(b.cls) + "\">\n";
          open_list = b.cls;
        }
        out += (b.item_cls.empty() ? std::string("<li>") : "<li class=\"" + b.item_cls + "\">") + html_runs(b.runs) +
               "</li>\n";
        break;
      case BlockType::quote: out += "<blockquote>" + html_runs(b.runs) + "</blockquote>\n"; break;
      case BlockType::table: out += html_table(b); break;
    }
  }
  close_list();
  if (in_header) out += "</header>\n<main>\n";
  out += in_footer ? "</footer>\n" : "</main>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace yst::minutes
