#include "session/minutes/Minutes.hpp"

#include <cstdio>

#include "session/minutes/Escape.hpp"
#include "session/minutes/Document.hpp"
#include "session/minutes/Model.hpp"
#include "session/minutes/Renderers.hpp"
#include "session/minutes/Time.hpp"

namespace yst {

std::optional<MinutesFormat> minutes_format_from_string(std::string_view s) {
  for (auto f : {MinutesFormat::md, MinutesFormat::html, MinutesFormat::json, MinutesFormat::csv, MinutesFormat::docx})
    if (to_string(f) == s) return f;
  return std::nullopt;
}

std::string_view to_string(MinutesFormat f) {
  switch (f) {
    case MinutesFormat::md: return "md";
    case MinutesFormat::html: return "html";
    case MinutesFormat::json: return "json";
    case MinutesFormat::csv: return "csv";
    case MinutesFormat::docx: return "docx";
  }
  return "md";
}

std::string_view content_type(MinutesFormat f) {
  switch (f) {
    case MinutesFormat::md: return "text/markdown; charset=utf-8";
    case MinutesFormat::html: return "text/html; charset=utf-8";
    case MinutesFormat::json: return "application/json";
    case MinutesFormat::csv: return "text/csv; charset=utf-8";
    case MinutesFormat::docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  }
  return "application/octet-stream";
}

namespace {

using minutes::cst_date;
using minutes::for_each_char;
using minutes::is_ascii_alnum;
using minutes::single_line;
using minutes::utf8_prefix;

// RFC 5987 attr-char: what may stand unencoded in filename*.
bool is_attr_char(unsigned char c) {
  return is_ascii_alnum(c) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string render_minutes(const MinutesInput& in, MinutesFormat f) {
  using namespace minutes;
  const Model m = build_model(in);
  switch (f) {
    case MinutesFormat::md: return render_md(build_document(in, m));
    case MinutesFormat::html: return render_html(minutes_document_info(in, m, "协商纪要"), build_document(in, m));
    case MinutesFormat::docx: return render_docx(minutes_document_info(in, m, "协商纪要"), build_document(in, m));
    case MinutesFormat::json: return render_json(in, m);
    case MinutesFormat::csv: return render_csv(m);
  }
  return {};
}

std::optional<CaseFormat> case_format_from_string(std::string_view s) {
  if (s == "md") return CaseFormat::md;
  if (s == "html") return CaseFormat::html;
  if (s == "docx") return CaseFormat::docx;
  return std::nullopt;
}

std::string render_case(const MinutesInput& in, CaseFormat f) {
  using namespace minutes;
  // The clerk's sections are staff events written for publication: they are read from the
  // whole log before an edition for the public leaves staff events out.
  CaseText text;
  {
    Session state(in.info);
    for (const auto& e : in.events) state.apply(e);
    text = state.case_text();
  }
  const MinutesInput edition = in.edition == MinutesEdition::audience ? public_edition(in) : in;
  Model m = build_model(edition);
  m.case_text = text;
  const auto doc = build_case_document(edition, m);
  switch (f) {
    case CaseFormat::md: return render_md(doc);
    case CaseFormat::html: return render_html(minutes_document_info(edition, m, "协商案例"), doc);
    case CaseFormat::docx: return render_docx(minutes_document_info(edition, m, "协商案例"), doc);
  }
  return {};
}

namespace {
std::string disposition(const MinutesInput& in, std::string_view kind_en, std::string_view kind_zh, std::string_view ext);
}

std::string content_disposition(const MinutesInput& in, MinutesFormat f) {
  return disposition(in, "minutes", "会议纪要", to_string(f));
}

std::string case_content_disposition(const MinutesInput& in, CaseFormat f) {
  return disposition(in, "case", "协商案例", f == CaseFormat::md ? "md" : f == CaseFormat::html ? "html" : "docx");
}

namespace {
std::string disposition(const MinutesInput& in, std::string_view kind_en, std::string_view kind_zh, std::string_view ext_sv) {
  std::optional<int64_t> started;
  for (const auto& e : in.events)
    if (e.kind == "session.started") {
      started = e.at_ms;
      break;
    }
  const std::string date = cst_date(started.value_or(in.generated_ms));
  const std::string ext(ext_sv);

  std::string id;
  for (char c : in.info.id) id += (is_ascii_alnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
 const std::string fallback = std::string(kind_en) + "-" + (id.empty() ? std::string() : id + "-") + date + "." + ext;

  // Path separators and controls would be rewritten by the browser anyway; doing it here
  // keeps the name predictable.
  std::string title;
  for_each_char(utf8_prefix(single_line(in.info.title), 60), [&](uint32_t cp, std::string_view bytes) {
    if (cp == '/' || cp == '\\' || cp < 0x20 || cp == 0x7F)
      title += '_';
    else
      title += bytes;
  });
  const std::string name = (title.empty() ? std::string() : title + "-") + std::string(kind_zh) + "-" + date + "." + ext;
  std::string encoded;
  for (unsigned char c : name) {
    if (is_attr_char(c)) {
      encoded += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}
}  // namespace

}  // namespace yst
