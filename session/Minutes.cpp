#include "session/Minutes.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "session/DocxWriter.hpp"

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

ChainCheck verify_chain(const std::vector<Event>& events) {
  ChainCheck c;
  c.events = static_cast<int64_t>(events.size());
  if (!events.empty()) c.head = events.back().hash;
  std::string prev;
  int64_t prev_seq = 0;
  for (const auto& e : events) {
    bool good = e.seq == prev_seq + 1;
    if (good) {
      try {
        good = chain_hash(prev, e) == e.hash;
      } catch (const json::exception&) {
        good = false;  // data that cannot be put in canonical form (invalid UTF-8) was not what was hashed
      }
    }
    if (!good) {
      c.ok = false;
      c.first_bad_seq = e.seq;
      break;
    }
    prev = e.hash;
    prev_seq = e.seq;
  }
  return c;
}

namespace {

// ---------------------------------------------------------------------------------------
// Time. Readers of the minutes are in China, so the human formats show Beijing time;
// the machine formats keep the wire's UTC so they compare directly with the events.

constexpr int64_t kCstOffsetMs = 8LL * 3600 * 1000;

std::tm utc_tm(int64_t unix_ms) {
  int64_t secs = unix_ms / 1000;
  if (unix_ms % 1000 < 0) --secs;
  auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string cst_datetime(int64_t unix_ms) {
  std::tm tm = utc_tm(unix_ms + kCstOffsetMs);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string cst_date(int64_t unix_ms) { return cst_datetime(unix_ms).substr(0, 10); }

// Seconds precision, as W3CDTF in docProps/core.xml expects.
std::string utc_w3cdtf(int64_t unix_ms) {
  std::tm tm = utc_tm(unix_ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string display_time_as_given(const std::string& s) {
  auto ms = parse_iso8601_ms(s);
  return ms ? cst_datetime(*ms) : s;
}

std::string duration_cn(int64_t ms) {
  int64_t minutes = std::max<int64_t>(0, ms) / 60000;
  if (minutes < 60) return std::to_string(minutes) + " 分钟";
  return std::to_string(minutes / 60) + " 小时 " + std::to_string(minutes % 60) + " 分钟";
}

// ---------------------------------------------------------------------------------------
// Text. The events are valid UTF-8 when they are made, but the minutes are rebuilt from
// storage, so every human format decodes leniently instead of trusting the bytes.

// Calls emit(code point, its bytes) for each character that XML 1.0 can carry; invalid
// bytes become U+FFFD, and control characters (other than tab, newline and carriage
// return) are dropped, since none of the documents can show them.
template <class F>
void for_each_char(std::string_view s, F&& emit) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    uint32_t cp = 0;
    size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1Fu;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0Fu;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07u;
      len = 4;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
               cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
      ok = false;
    if (!ok) {
      emit(0xFFFDu, kReplacement);
      ++i;
      continue;
    }
    const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp < 0x7F) ||
                         (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
    if (allowed) emit(cp, s.substr(i, len));
    i += len;
  }
}

// Turns CR LF and lone CR into LF, so the renderers handle one kind of line break.
std::string normalize_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string single_line(std::string_view s) {
  std::string out = normalize_newlines(s);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// Cuts after at most n code points, never inside a character.
std::string utf8_prefix(std::string_view s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) return std::string(s.substr(0, i));
      ++count;
    }
  }
  return std::string(s);
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for_each_char(s, [&](uint32_t cp, std::string_view bytes) {
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += bytes;
    }
  });
  return out;
}

std::string xml_escape(std::string_view s) { return html_escape(s); }

// A CSS string literal for user text in @page margin boxes: every ASCII character other
// than letters, digits and space becomes a six-digit escape, so neither the string nor
// the <style> element can be closed from inside.
std::string css_string(std::string_view s) {
  std::string out = "\"";
  for_each_char(single_line(s), [&](uint32_t cp, std::string_view bytes) {
    const bool plain = cp >= 0x80 || cp == ' ' || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
                       (cp >= 'A' && cp <= 'Z');
    if (plain) {
      out += bytes;
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\%06X", static_cast<unsigned>(cp));
      out += buf;
    }
  });
  out += '"';
  return out;
}

// Locale-independent, unlike std::isalnum.
bool is_ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string css_ident(std::string_view s) {
  std::string out;
  for (char c : s) out += (is_ascii_alnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
  return out;
}

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

// ---------------------------------------------------------------------------------------
// The domain, read back from the events.

std::string str_field(const json& d, const char* key) {
  if (!d.is_object()) return {};
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool bool_field(const json& d, const char* key) {
  if (!d.is_object()) return false;
  auto it = d.find(key);
  return it != d.end() && it->is_boolean() && it->get<bool>();
}

int int_field(const json& d, const char* key) {
  if (!d.is_object()) return 0;
  auto it = d.find(key);
  return it != d.end() && it->is_number_integer() ? it->get<int>() : 0;
}

std::string_view role_cn(Role r) {
  switch (r) {
    case Role::host: return "主持人";
    case Role::member: return "政协委员";
    case Role::department: return "部门代表";
    case Role::clerk: return "记录员";
    case Role::audience: return "听众";
  }
  return "听众";
}

std::string role_cn(std::string_view r) {
  auto role = role_from_string(r);
  return role ? std::string(role_cn(*role)) : std::string(r);
}

std::string_view status_cn(std::string_view s) {
  if (s == "scheduled") return "未开始";
  if (s == "live") return "进行中";
  if (s == "ended") return "已结束";
  return s;
}

std::string_view question_status_cn(std::string_view s) {
  if (s == "pending") return "待审核";
  if (s == "approved") return "已公开";
  if (s == "featured") return "正在答复";
  if (s == "answered") return "已答复";
  if (s == "rejected") return "未采纳";
  return s;
}

std::string_view outcome_cn(std::string_view s) {
  if (s == "adopted") return "通过";
  if (s == "not_adopted") return "未通过";
  return "未表决完毕";
}

struct QuestionRec {
  std::string id;
  std::string text;
  std::string name;
  std::string status = "pending";
  bool flagged = false;
  bool replied = false;
  std::vector<const Event*> answers;
};

struct PointRec {
  std::string id;
  std::string text;
  bool closed = false;
  std::string outcome;
  json tally;  // null until the point.closed event
};

struct Model {
  std::vector<const Event*> events;  // by seq
  std::optional<int64_t> started_ms;
  std::optional<int64_t> ended_ms;
  std::vector<QuestionRec> questions;
  std::map<std::string, size_t> question_index;
  std::vector<PointRec> points;
  std::map<std::string, size_t> point_index;
  std::vector<const Event*> notes;
  std::map<std::string, const Participant*> participants;
  int statements = 0;
  ChainCheck chain;

  std::string status() const { return ended_ms ? "ended" : started_ms ? "live" : "scheduled"; }
  int answered() const {
    return static_cast<int>(std::count_if(questions.begin(), questions.end(),
                                          [](const QuestionRec& q) { return q.status == "answered"; }));
  }
  int adopted() const {
    return static_cast<int>(std::count_if(points.begin(), points.end(),
                                          [](const PointRec& p) { return p.closed && p.outcome == "adopted"; }));
  }
  QuestionRec* question(const std::string& id) {
    auto it = question_index.find(id);
    return it == question_index.end() ? nullptr : &questions[it->second];
  }
  const QuestionRec* question(const std::string& id) const { return const_cast<Model*>(this)->question(id); }
  QuestionRec& question_or_add(const std::string& id) {
    if (auto* q = question(id)) return *q;
    question_index[id] = questions.size();
    questions.push_back(QuestionRec{});
    questions.back().id = id;
    return questions.back();
  }
};

// Mirrors Session::apply, but keeps what the minutes need (answers, tallies) and
// tolerates data that Session would never have produced.
Model build_model(const MinutesInput& in) {
  Model m;
  m.chain = verify_chain(in.events);
  for (const auto& p : in.participants) m.participants.emplace(p.id, &p);
  m.events.reserve(in.events.size());
  for (const auto& e : in.events) m.events.push_back(&e);
  std::stable_sort(m.events.begin(), m.events.end(), [](const Event* a, const Event* b) { return a->seq < b->seq; });

  for (const Event* e : m.events) {
    const json& d = e->data;
    const std::string& k = e->kind;
    if (k == "session.started") {
      if (!m.started_ms) m.started_ms = e->at_ms;
    } else if (k == "session.ended") {
      m.ended_ms = e->at_ms;
    } else if (k == "statement") {
      ++m.statements;
      if (auto* q = m.question(str_field(d, "reply_to"))) {
        q->answers.push_back(e);
        q->replied = true;
      }
    } else if (k == "question.asked") {
      auto& q = m.question_or_add(str_field(d, "question"));
      q.text = str_field(d, "text");
      q.name = str_field(d, "name");
      q.flagged = bool_field(d, "flagged");
    } else if (k.rfind("question.", 0) == 0) {
      const std::string id = str_field(d, "question");
      if (id.empty()) continue;
      auto& q = m.question_or_add(id);
      if (k == "question.approved") {
        q.status = "approved";
        if (q.text.empty()) q.text = str_field(d, "text");
        if (q.name.empty()) q.name = str_field(d, "name");
      } else if (k == "question.rejected") {
        q.status = "rejected";
      } else if (k == "question.featured") {
        q.status = "featured";
      } else if (k == "question.answered") {
        q.status = "answered";
      }
    } else if (k == "point.proposed") {
      const std::string id = str_field(d, "point");
      if (!m.point_index.count(id)) {
        m.point_index[id] = m.points.size();
        m.points.push_back(PointRec{id, str_field(d, "text"), false, {}, nullptr});
      }
    } else if (k == "point.closed") {
      auto it = m.point_index.find(str_field(d, "point"));
      if (it == m.point_index.end()) continue;
      auto& p = m.points[it->second];
      p.closed = true;
      p.outcome = str_field(d, "outcome");
      p.tally = d.is_object() && d.contains("tally") ? d["tally"] : json(nullptr);
    } else if (k == "note") {
      m.notes.push_back(e);
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------
// One document, three renderers: md, html and docx show the same blocks, so the three
// human formats cannot drift apart.

struct Run {
  std::string text;
  bool bold = false;
};

enum class BlockType { title, subtitle, heading, para, item, quote, table };

struct Block {
  BlockType type = BlockType::para;
  int level = 2;         // heading: 2 for sections, 3 for subsections
  std::string cls;       // html class; consecutive items with the same class form one list
  std::string item_cls;  // html class of one list item
  std::vector<Run> runs;
  std::vector<std::vector<std::string>> rows;  // table: rows[0] is the header
  std::vector<int> widths;                     // table: relative column widths
};

Block make(BlockType t, std::vector<Run> runs, std::string cls = {}) {
  Block b;
  b.type = t;
  b.runs = std::move(runs);
  b.cls = std::move(cls);
  return b;
}

Block heading(int level, std::string text) {
  Block b = make(BlockType::heading, {{std::move(text)}});
  b.level = level;
  return b;
}

std::string actor_label(const std::optional<Actor>& by, const Model& m) {
  if (!by) return "系统";
  std::string s = by->name.empty() ? by->participant : by->name;
  s += "（";
  s += role_cn(by->role);
  auto it = m.participants.find(by->participant);
  if (it != m.participants.end() && !it->second->affiliation.empty()) s += "，" + it->second->affiliation;
  s += "）";
  return s;
}

std::string tally_cell(const json& t) { return std::to_string(int_field(t, "agree")) + " / " +
                                               std::to_string(int_field(t, "disagree")) + " / " +
                                               std::to_string(int_field(t, "abstain")); }

std::string tally_words(const json& t) {
  return "赞成 " + std::to_string(int_field(t, "agree")) + "，反对 " + std::to_string(int_field(t, "disagree")) +
         "，弃权 " + std::to_string(int_field(t, "abstain"));
}

std::vector<Run> describe(const Event& e, const Model& m) {
  const json& d = e.data;
  const std::string& k = e.kind;
  std::vector<Run> r;
  r.push_back({"〔" + std::to_string(e.seq) + "〕" + cst_datetime(e.at_ms) + "  "});
  auto who = [&] { r.push_back({actor_label(e.by, m), true}); };
  auto say = [&](std::string s) { r.push_back({std::move(s)}); };
  auto question_ref = [&](const std::string& id) {
    const QuestionRec* q = m.question(id);
    std::string s = "群众提问 " + id;
    if (q && !q->text.empty()) s += "「" + q->text + "」";
    return s;
  };
  if (k == "session.started") {
    who();
    say(" 宣布会议开始");
  } else if (k == "session.ended") {
    who();
    say(" 宣布会议结束");
  } else if (k == "statement") {
    who();
    const std::string reply_to = str_field(d, "reply_to");
    say(reply_to.empty() ? " 发言：" : " 答复群众提问 " + reply_to + "：");
    say(str_field(d, "text"));
  } else if (k == "question.asked") {
    std::string name = str_field(d, "name");
    r.push_back({"听众 " + (name.empty() ? std::string("匿名") : name), true});
    say(" 提问（" + str_field(d, "question") + (bool_field(d, "flagged") ? "，含敏感词，待主持人审核" : "") + "）：");
    say(str_field(d, "text"));
  } else if (k == "question.approved") {
    if (e.by) {
      who();
      say(" 审核公开提问 " + str_field(d, "question") + "：");
    } else {
      say("提问 " + str_field(d, "question") + " 自动公开：");
    }
    say(str_field(d, "text"));
  } else if (k == "question.rejected") {
    who();
    std::string reason = str_field(d, "reason");
    say(" 未采纳提问 " + str_field(d, "question") + (reason.empty() ? "" : "，理由：" + reason));
  } else if (k == "question.featured") {
    who();
    say(" 选定" + question_ref(str_field(d, "question")) + "作答");
  } else if (k == "question.answered") {
    who();
    say(" 确认" + question_ref(str_field(d, "question")) + "已答复");
  } else if (k == "floor.granted") {
    who();
    std::string name = str_field(d, "name");
    say(" 将发言权交给 " + (name.empty() ? str_field(d, "participant") : name) + "（" + role_cn(str_field(d, "role")) +
        "）");
  } else if (k == "floor.released") {
    who();
    say(" 收回发言权");
  } else if (k == "point.proposed") {
    who();
    say(" 提出共识点 " + str_field(d, "point") + "：");
    say(str_field(d, "text"));
  } else if (k == "point.closed") {
    who();
    const json tally = d.is_object() && d.contains("tally") ? d["tally"] : json::object();
    say(" 结束共识点 " + str_field(d, "point") + " 表决：" + std::string(outcome_cn(str_field(d, "outcome"))) + "（" +
        tally_words(tally) + "）");
  } else if (k == "note") {
    who();
    say(" 记录：");
    say(str_field(d, "text"));
  } else {
    who();
    say(" " + k + "：" + d.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  return r;
}

std::vector<Block> build_document(const MinutesInput& in, const Model& m) {
  const SessionInfo& info = in.info;
  std::vector<Block> doc;

  doc.push_back(make(BlockType::title, {{info.title.empty() ? std::string("议事厅") : info.title}}));
  doc.push_back(make(BlockType::subtitle, {{"会议纪要"}}));

  auto meta = [&](std::string label, std::string value) {
    // The colon stays outside the bold: CommonMark does not close ** between "：" and a letter.
    doc.push_back(make(BlockType::item, {{std::move(label), true}, {"：" + value}}, "meta"));
  };
  if (!info.topic.empty()) meta("议题", info.topic);
  meta("会议编号", info.id);
  meta("会议状态", std::string(status_cn(m.status())));
  if (!info.scheduled_at.empty()) meta("预定时间", display_time_as_given(info.scheduled_at));
  meta("开始时间", m.started_ms ? cst_datetime(*m.started_ms) : "未开始");
  meta("结束时间", m.ended_ms ? cst_datetime(*m.ended_ms) : m.started_ms ? "进行中" : "—");
  if (m.started_ms && m.ended_ms) meta("会议时长", duration_cn(*m.ended_ms - *m.started_ms));
  if (!info.stream_url.empty()) meta("直播地址", info.stream_url);
  meta("听众在线峰值", std::to_string(in.peak_audience) + " 人");
  meta("纪要生成时间", cst_datetime(in.generated_ms));
  doc.push_back(make(BlockType::para, {{"本纪要中的时间均为北京时间（UTC+8）。"}}, "note-small"));

  doc.push_back(heading(2, "参会人员"));
  {
    Block t = make(BlockType::table, {}, "participants");
    t.rows.push_back({"角色", "姓名", "单位 / 界别"});
    t.widths = {2, 3, 5};
    for (Role r : {Role::host, Role::member, Role::department, Role::clerk})
      for (const auto& p : in.participants)
        if (p.role == r) t.rows.push_back({std::string(role_cn(r)), p.name, p.affiliation});
    if (t.rows.size() > 1)
      doc.push_back(std::move(t));
    else
      doc.push_back(make(BlockType::para, {{"（未登记参会人员）"}}));
  }

  doc.push_back(heading(2, "会议过程"));
  for (const Event* e : m.events) {
    Block b = make(BlockType::item, describe(*e, m), "timeline");
    b.item_cls = "ev kind-" + css_ident(e->kind);
    doc.push_back(std::move(b));
  }
  if (m.events.empty()) doc.push_back(make(BlockType::para, {{"尚无事件记录。"}}));

  doc.push_back(heading(2, "群众提问与答复"));
  bool any_question = false;
  for (const auto& q : m.questions) {
    if (q.status != "featured" && q.status != "answered" && !q.replied) continue;
    any_question = true;
    doc.push_back(make(BlockType::para,
                       {{"问题 " + q.id, true},
                        {"（提问人：" + (q.name.empty() ? std::string("匿名") : q.name) + "；状态：" +
                         std::string(question_status_cn(q.status)) + "）"}},
                       "question"));
    doc.push_back(make(BlockType::quote, {{q.text}}));
    for (const Event* a : q.answers) {
      doc.push_back(make(BlockType::item,
                         {{"〔" + std::to_string(a->seq) + "〕" + cst_datetime(a->at_ms) + "  "},
                          {actor_label(a->by, m), true},
                          {" 答复："},
                          {str_field(a->data, "text")}},
                         "answers"));
    }
    if (q.answers.empty()) doc.push_back(make(BlockType::para, {{"（现场口头答复，未留文字发言记录）"}}, "note-small"));
  }
  if (!any_question) doc.push_back(make(BlockType::para, {{"本次会议没有选定作答的群众提问。"}}));

  doc.push_back(heading(2, "记录员备注"));
  for (const Event* n : m.notes)
    doc.push_back(make(BlockType::item,
                       {{"〔" + std::to_string(n->seq) + "〕" + cst_datetime(n->at_ms) + "  "},
                        {actor_label(n->by, m), true},
                        {"："},
                        {str_field(n->data, "text")}},
                       "notes"));
  if (m.notes.empty()) doc.push_back(make(BlockType::para, {{"（无）"}}));

  doc.push_back(heading(2, "共识点表决"));
  if (m.points.empty()) {
    doc.push_back(make(BlockType::para, {{"本次会议未提出共识点。"}}));
  } else {
    std::string counted;
    for (Role r : info.settings.counted_roles) counted += (counted.empty() ? "" : "、") + std::string(role_cn(r));
    char threshold[32];
    std::snprintf(threshold, sizeof threshold, "%.1f%%", info.settings.consensus_threshold * 100.0);
    doc.push_back(make(BlockType::para,
                       {{"票数按“赞成 / 反对 / 弃权”列出。计入表决结果的角色：" + counted +
                         "；赞成票占赞成与反对票之和达到 " + threshold +
                         " 即为通过。听众投票单独统计，仅作民意参考，不影响结果。"}},
                       "note-small"));
    Block t = make(BlockType::table, {}, "points");
    t.rows.push_back({"编号", "共识点", "主持人", "政协委员", "部门代表", "听众（民意参考）", "合计", "结果"});
    t.widths = {2, 8, 3, 3, 3, 3, 3, 3};
    for (const auto& p : m.points) {
      std::vector<std::string> row{p.id, p.text};
      const json by_role = p.tally.is_object() && p.tally.contains("by_role") ? p.tally["by_role"] : json::object();
      for (const char* role : {"host", "member", "department", "audience"}) {
        if (!p.closed)
          row.push_back("—");
        else
          row.push_back(tally_cell(by_role.is_object() && by_role.contains(role) ? by_role[role] : json::object()));
      }
      row.push_back(p.closed ? tally_cell(p.tally) : "—");
      row.push_back(p.closed ? std::string(outcome_cn(p.outcome)) : "未表决完毕");
      t.rows.push_back(std::move(row));
    }
    doc.push_back(std::move(t));
  }

  doc.push_back(heading(2, "摘要"));
  doc.push_back(make(BlockType::para,
                     {{"本次会议共记录发言 " + std::to_string(m.statements) + " 条，群众提问 " +
                       std::to_string(m.questions.size()) + " 条（已答复 " + std::to_string(m.answered()) +
                       " 条），共识点 " + std::to_string(m.points.size()) + " 项（通过 " +
                       std::to_string(m.adopted()) + " 项），记录员备注 " + std::to_string(m.notes.size()) +
                       " 条。"}},
                     "digest"));

  std::string head = m.chain.head.empty() ? "（尚无事件）" : m.chain.head;
  std::string check = m.chain.ok ? "导出时重新计算，哈希链完整。"
                                 : "导出时重新计算，哈希链在第 " + std::to_string(m.chain.first_bad_seq.value_or(0)) +
                                       " 号事件处不一致，记录可能被改动。";
  doc.push_back(make(BlockType::para,
                     {{"哈希链头 SHA-256: " + head + "（共 " + std::to_string(m.chain.events) + " 个事件）"}},
                     "chain"));
  doc.push_back(make(BlockType::para,
                     {{check + "可通过 GET /api/sessions/" + info.id + "/verify 核对。"}}, "chain"));
  return doc;
}

// ---- Markdown ----

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
      case BlockType::table: {
        if (b.rows.empty()) break;
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
        break;
      }
    }
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

// ---- HTML ----

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

std::string render_html(const MinutesInput& in, const Model& m, const std::vector<Block>& doc) {
  const std::string title = in.info.title.empty() ? std::string("议事厅") : in.info.title;
  const std::string date = cst_date(m.started_ms.value_or(in.generated_ms));
  std::string out;
  out +=
      "<!DOCTYPE html>\n"
      "<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      // No script, no remote resource: the file may be opened offline or from an e-mail.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<meta name=\"generator\" content=\"Yishiting\">\n";
  out += "<title>" + html_escape(single_line(title)) + " 会议纪要</title>\n";
  out += "<style>\n";
  out += "@page {\n  size: A4;\n  margin: 22mm 18mm 22mm 18mm;\n";
  // Cut short: a margin box that wraps would run into the page body.
  out += "  @top-left { content: " + css_string(utf8_prefix(title, 40)) + "; font-size: 9pt; color: #555; }\n";
  out += "  @top-right { content: \"会议纪要 " + date + "\"; font-size: 9pt; color: #555; }\n";
  out += "  @bottom-center { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\"; font-size: 9pt; "
         "color: #555; }\n}\n";
  out += R"CSS(:root { color-scheme: light; }
body {
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "Source Han Sans SC",
               SimSun, "Songti SC", serif;
  font-size: 11pt; line-height: 1.7; color: #111; background: #fff;
  max-width: 180mm; margin: 0 auto; padding: 10mm 6mm;
}
h1, h2, h3, .subtitle, th {
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", SimHei, "Microsoft YaHei", "PingFang SC", sans-serif;
}
h1 { font-size: 20pt; text-align: center; margin: 0; }
.subtitle { text-align: center; font-size: 14pt; letter-spacing: 0.5em; margin: 2pt 0 12pt; }
h2 { font-size: 14pt; border-bottom: 1px solid #333; padding-bottom: 2pt; margin: 18pt 0 6pt; }
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
.note-small { font-size: 9pt; color: #555; }
.digest { font-weight: bold; }
.chain { font-size: 9pt; color: #333; word-break: break-all; }
footer { margin-top: 16pt; border-top: 1px solid #999; padding-top: 4pt; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  blockquote { background: none; }
  a { color: inherit; text-decoration: none; }
}
</style>
</head>
<body>
)CSS";

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
      case BlockType::heading:
        out += b.level <= 2 ? "<h2>" + html_runs(b.runs) + "</h2>\n" : "<h3>" + html_runs(b.runs) + "</h3>\n";
        break;
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
      case BlockType::table: {
        if (b.rows.empty()) break;
        out += "<table class=\"" + css_ident(b.cls) + "\">\n<thead><tr>";
        for (const auto& c : b.rows[0]) out += "<th>" + html_runs({{c}}) + "</th>";
        out += "</tr></thead>\n<tbody>\n";
        for (size_t r = 1; r < b.rows.size(); ++r) {
          out += "<tr>";
          for (const auto& c : b.rows[r]) out += "<td>" + html_runs({{c}}) + "</td>";
          out += "</tr>\n";
        }
        out += "</tbody>\n</table>\n";
        break;
      }
    }
  }
  close_list();
  if (in_header) out += "</header>\n<main>\n";
  out += in_footer ? "</footer>\n" : "</main>\n";
  out += "</body>\n</html>\n";
  return out;
}

// ---- DOCX ----

constexpr std::string_view kW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr int kTextWidthTwips = 11906 - 2 * 1134;  // A4 less 2 cm margins

std::string docx_runs(const std::vector<Run>& runs) {
  std::string out;
  for (const auto& r : runs) {
    if (r.text.empty()) continue;
    const std::string rpr = r.bold ? "<w:rPr><w:b/><w:bCs/></w:rPr>" : "";
    // w:t cannot hold a line break or a tab that Word would honour; they are elements.
    std::string text = normalize_newlines(r.text);
    size_t start = 0;
    out += "<w:r>" + rpr;
    for (size_t i = 0; i <= text.size(); ++i) {
      if (i < text.size() && text[i] != '\n' && text[i] != '\t') continue;
      if (i > start) out += "<w:t xml:space=\"preserve\">" + xml_escape(text.substr(start, i - start)) + "</w:t>";
      if (i < text.size()) out += text[i] == '\n' ? "<w:br/>" : "<w:tab/>";
      start = i + 1;
    }
    out += "</w:r>";
  }
  return out;
}

std::string docx_para(std::string_view style, const std::vector<Run>& runs) {
  std::string out = "<w:p>";
  if (!style.empty()) out += "<w:pPr><w:pStyle w:val=\"" + std::string(style) + "\"/></w:pPr>";
  return out + docx_runs(runs) + "</w:p>";
}

std::string docx_table(const Block& b) {
  const size_t cols = b.rows.empty() ? 0 : b.rows[0].size();
  std::vector<int> widths(cols, 1);
  for (size_t c = 0; c < cols && c < b.widths.size(); ++c) widths[c] = std::max(1, b.widths[c]);
  int total = 0;
  for (int w : widths) total += w;
  std::vector<int> twips;
  for (int w : widths) twips.push_back(kTextWidthTwips * w / std::max(1, total));

  const std::string border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"";
  std::string out = "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>";
  out += "<w:tblBorders><w:top " + border + "/><w:left " + border + "/><w:bottom " + border + "/><w:right " + border +
         "/><w:insideH " + border + "/><w:insideV " + border + "/></w:tblBorders>";
  out += "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" "
         "w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>";
  for (int t : twips) out += "<w:gridCol w:w=\"" + std::to_string(t) + "\"/>";
  out += "</w:tblGrid>";
  for (size_t r = 0; r < b.rows.size(); ++r) {
    const bool header = r == 0;
    out += "<w:tr><w:trPr><w:cantSplit/>";
    if (header) out += "<w:tblHeader/>";
    out += "</w:trPr>";
    for (size_t c = 0; c < cols; ++c) {
      const std::string cell = c < b.rows[r].size() ? b.rows[r][c] : std::string();
      out += "<w:tc><w:tcPr><w:tcW w:w=\"" + std::to_string(twips[c]) + "\" w:type=\"dxa\"/>";
      if (header) out += "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>";
      out += "</w:tcPr>" + docx_para("TableText", {{cell, header}}) + "</w:tc>";
    }
    out += "</w:tr>";
  }
  return out + "</w:tbl>";
}

std::string docx_styles() {
  auto font = [](std::string_view latin, std::string_view east_asian) {
    return "<w:rFonts w:ascii=\"" + std::string(latin) + "\" w:eastAsia=\"" + std::string(east_asian) +
           "\" w:hAnsi=\"" + std::string(latin) + "\" w:cs=\"" + std::string(latin) + "\"/>";
  };
  const std::string serif = font("Times New Roman", "宋体");
  const std::string sans = font("Arial", "黑体");
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"" +
                  std::string(kW) + "\">";
  x += "<w:docDefaults><w:rPrDefault><w:rPr>" + serif +
       "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>"
       "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"60\" w:line=\"340\" w:lineRule=\"auto\"/>"
       "</w:pPr></w:pPrDefault></w:docDefaults>";
  x += "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
       "<w:pPr><w:jc w:val=\"both\"/></w:pPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Subtitle\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\"/>"
       "<w:jc w:val=\"center\"/></w:pPr><w:rPr>" +
       sans + "<w:b/><w:bCs/><w:sz w:val=\"40\"/><w:szCs w:val=\"40\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/>"
       "</w:pPr><w:rPr>" +
       sans + "<w:spacing w:val=\"60\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
       "<w:spacing w:before=\"300\" w:after=\"120\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>" +
       sans + "<w:b/><w:bCs/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>"
       "<w:spacing w:before=\"200\" w:after=\"80\"/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr>" +
       sans + "<w:b/><w:bCs/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Entry\"><w:name w:val=\"Minutes Entry\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepLines/><w:ind w:left=\"420\" w:hanging=\"420\"/>"
       "<w:jc w:val=\"left\"/></w:pPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"QuoteBlock\"><w:name w:val=\"Minutes Quote\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepLines/><w:pBdr><w:left w:val=\"single\" w:sz=\"12\" "
       "w:space=\"6\" w:color=\"888888\"/></w:pBdr><w:ind w:left=\"600\"/></w:pPr><w:rPr><w:color w:val=\"333333\"/>"
       "</w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Small\"><w:name w:val=\"Minutes Small\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"18\"/>"
       "<w:szCs w:val=\"18\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"TableText\"><w:name w:val=\"Minutes Table Text\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"0\" w:line=\"280\" w:lineRule=\"auto\"/>"
       "<w:jc w:val=\"left\"/></w:pPr><w:rPr><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"888888\"/></w:pBdr>"
       "<w:jc w:val=\"center\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>"
       "</w:rPr></w:style>";
  x += "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:pPr><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:color w:val=\"555555\"/><w:sz w:val=\"18\"/>"
       "<w:szCs w:val=\"18\"/></w:rPr></w:style>";
  x += "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
       "<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar>"
       "<w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/>"
       "<w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>";
  x += "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/>"
       "<w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"39\"/><w:tblPr><w:tblBorders>"
       "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
       "</w:tblBorders></w:tblPr></w:style>";
  x += "</w:styles>";
  return x;
}

std::string render_docx(const MinutesInput& in, const Model& m, const std::vector<Block>& doc) {
  const std::string title = in.info.title.empty() ? std::string("议事厅") : single_line(in.info.title);
  const std::string xml_decl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
  const std::string rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

  std::string body;
  for (size_t i = 0; i < doc.size(); ++i) {
    const Block& b = doc[i];
    switch (b.type) {
      case BlockType::title: body += docx_para("Title", b.runs); break;
      case BlockType::subtitle: body += docx_para("Subtitle", b.runs); break;
      case BlockType::heading: body += docx_para(b.level <= 2 ? "Heading1" : "Heading2", b.runs); break;
      case BlockType::para:
        body += docx_para(b.cls == "note-small" || b.cls == "chain" ? "Small" : "", b.runs);
        break;
      case BlockType::item: body += docx_para("Entry", b.runs); break;
      case BlockType::quote: body += docx_para("QuoteBlock", b.runs); break;
      case BlockType::table:
        if (b.rows.empty()) break;
        body += docx_table(b);
        // Word merges adjacent tables and needs a paragraph after the last one.
        if (i + 1 == doc.size() || doc[i + 1].type == BlockType::table) body += "<w:p/>";
        break;
    }
  }

  std::string document = xml_decl + "<w:document xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + rel_ns +
                         "\"><w:body>" + body +
                         "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId2\"/>"
                         "<w:footerReference w:type=\"default\" r:id=\"rId3\"/>"
                         "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
                         "<w:pgMar w:top=\"1440\" w:right=\"1134\" w:bottom=\"1440\" w:left=\"1134\" w:header=\"720\" "
                         "w:footer=\"720\" w:gutter=\"0\"/><w:cols w:space=\"425\"/>"
                         "<w:docGrid w:type=\"lines\" w:linePitch=\"312\"/></w:sectPr></w:body></w:document>";

  std::string header = xml_decl + "<w:hdr xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + rel_ns + "\">" +
                       docx_para("Header", {{title + " 会议纪要"}}) + "</w:hdr>";
  std::string footer = xml_decl + "<w:ftr xmlns:w=\"" + std::string(kW) + "\" xmlns:r=\"" + rel_ns +
                       "\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>"
                       "<w:r><w:t xml:space=\"preserve\">第 </w:t></w:r>"
                       "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
                       "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
                       "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
                       "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
                       "<w:r><w:t xml:space=\"preserve\"> 页</w:t></w:r></w:p></w:ftr>";

  const std::string created = utc_w3cdtf(m.started_ms.value_or(in.generated_ms));
  std::string core =
      xml_decl +
      "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
      "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<dc:title>" +
      xml_escape(title + " 会议纪要") + "</dc:title><dc:subject>" + xml_escape(single_line(in.info.topic)) +
      "</dc:subject><dc:creator>议事厅 Yishiting</dc:creator><dc:language>zh-CN</dc:language>"
      "<dc:identifier>" +
      xml_escape(in.info.id) + "</dc:identifier><dcterms:created xsi:type=\"dcterms:W3CDTF\">" + created +
      "</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">" + utc_w3cdtf(in.generated_ms) +
      "</dcterms:modified></cp:coreProperties>";
  std::string app = xml_decl +
                    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
                    "<Application>Yishiting</Application></Properties>";

  std::string package_rels =
      xml_decl +
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"" + rel_ns + "/officeDocument\" Target=\"word/document.xml\"/>"
      "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
      "core-properties\" Target=\"docProps/core.xml\"/>"
      "<Relationship Id=\"rId3\" Type=\"" + rel_ns + "/extended-properties\" Target=\"docProps/app.xml\"/>"
      "</Relationships>";
  std::string document_rels =
      xml_decl + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"" + rel_ns + "/styles\" Target=\"styles.xml\"/>"
      "<Relationship Id=\"rId2\" Type=\"" + rel_ns + "/header\" Target=\"header1.xml\"/>"
      "<Relationship Id=\"rId3\" Type=\"" + rel_ns + "/footer\" Target=\"footer1.xml\"/>"
      "</Relationships>";

  const std::string wml = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
  // Zip timestamps cannot go before 1980.
  DocxWriter w(std::max<int64_t>(in.generated_ms / 1000, 315532800));
  w.add("_rels/.rels", "", std::move(package_rels));
  w.add("word/document.xml", wml + "document.main+xml", std::move(document));
  w.add("word/styles.xml", wml + "styles+xml", docx_styles());
  w.add("word/header1.xml", wml + "header+xml", std::move(header));
  w.add("word/footer1.xml", wml + "footer+xml", std::move(footer));
  w.add("word/_rels/document.xml.rels", "", std::move(document_rels));
  w.add("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml", std::move(core));
  w.add("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml", std::move(app));
  return w.finish();
}

// ---- JSON ----

json opt_time(const std::optional<int64_t>& t) { return t ? json(format_time_ms(*t)) : json(nullptr); }
json actor_json(const std::optional<Actor>& by) { return by ? to_json(*by) : json(nullptr); }

json minutes_json(const MinutesInput& in, const Model& m) {
  const SessionInfo& info = in.info;
  json session{{"id", info.id},
               {"title", info.title},
               {"topic", info.topic},
               {"stream_url", info.stream_url},
               {"scheduled_at", info.scheduled_at.empty() ? json(nullptr) : json(info.scheduled_at)},
               {"started_at", opt_time(m.started_ms)},
               {"ended_at", opt_time(m.ended_ms)},
               {"status", m.status()},
               {"settings", info.settings.to_json()}};

  json participants = json::array();
  for (const auto& p : in.participants)
    participants.push_back(
        json{{"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}, {"affiliation", p.affiliation}});

  json events = json::array();
  for (const Event* e : m.events) {
    json j = to_wire_json(*e);
    j.erase("type");
    j["hash"] = e->hash;
    events.push_back(std::move(j));
  }

  json questions = json::array();
  for (const auto& q : m.questions) {
    json answers = json::array();
    for (const Event* a : q.answers)
      answers.push_back(json{{"seq", a->seq}, {"by", actor_json(a->by)}, {"text", str_field(a->data, "text")}});
    questions.push_back(json{{"question", q.id},
                             {"text", q.text},
                             {"name", q.name},
                             {"status", q.status},
                             {"flagged", q.flagged},
                             {"answers", std::move(answers)}});
  }

  json points = json::array();
  for (const auto& p : m.points)
    points.push_back(json{{"point", p.id},
                          {"text", p.text},
                          {"status", p.closed ? "closed" : "open"},
                          {"outcome", p.closed ? json(p.outcome) : json(nullptr)},
                          {"tally", p.closed ? p.tally : json(nullptr)}});

  json notes = json::array();
  for (const Event* n : m.notes)
    notes.push_back(json{{"seq", n->seq},
                         {"at", format_time_ms(n->at_ms)},
                         {"by", actor_json(n->by)},
                         {"text", str_field(n->data, "text")}});

  return json{{"schema", "yishiting.minutes/1"},
              {"generated_at", format_time_ms(in.generated_ms)},
              {"session", std::move(session)},
              {"participants", std::move(participants)},
              {"peak_audience", in.peak_audience},
              {"events", std::move(events)},
              {"questions", std::move(questions)},
              {"points", std::move(points)},
              {"notes", std::move(notes)},
              {"digest", json{{"statements", m.statements},
                              {"questions", m.questions.size()},
                              {"answered", m.answered()},
                              {"points", m.points.size()},
                              {"adopted", m.adopted()},
                              {"notes", m.notes.size()}}},
              {"chain", json{{"head", m.chain.head},
                             {"events", m.chain.events},
                             {"ok", m.chain.ok},
                             {"first_bad_seq", m.chain.first_bad_seq ? json(*m.chain.first_bad_seq) : json(nullptr)}}}};
}

// ---- CSV ----

void csv_field(std::string& out, std::string_view v) {
  // Text goes out byte for byte (no apostrophe before = + - @): the CSV is a record, and
  // docs/minutes.md tells spreadsheet users how to import it safely.
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string render_csv(const Model& m) {
  std::string out = "\xEF\xBB\xBF";  // spreadsheet programs read UTF-8 only with the BOM
  out += "seq,at,kind,participant,role,name,text,question,point,extra,hash\r\n";
  for (const Event* e : m.events) {
    const json& d = e->data;
    std::string question = str_field(d, "question");
    if (question.empty()) question = str_field(d, "reply_to");
    const std::string fields[] = {std::to_string(e->seq),
                                  format_time_ms(e->at_ms),
                                  e->kind,
                                  e->by ? e->by->participant : std::string(),
                                  e->by ? std::string(to_string(e->by->role)) : std::string(),
                                  e->by ? e->by->name : std::string(),
                                  str_field(d, "text"),
                                  question,
                                  str_field(d, "point"),
                                  d.dump(-1, ' ', false, json::error_handler_t::replace),
                                  e->hash};
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      first = false;
      csv_field(out, f);
    }
    out += "\r\n";
  }
  return out;
}

// ---- Content-Disposition ----

bool is_attr_char(unsigned char c) {
  return is_ascii_alnum(c) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string render_minutes(const MinutesInput& in, MinutesFormat f) {
  const Model m = build_model(in);
  switch (f) {
    case MinutesFormat::md: return render_md(build_document(in, m));
    case MinutesFormat::html: return render_html(in, m, build_document(in, m));
    case MinutesFormat::docx: return render_docx(in, m, build_document(in, m));
    case MinutesFormat::json: return minutes_json(in, m).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    case MinutesFormat::csv: return render_csv(m);
  }
  return {};
}

std::string content_disposition(const MinutesInput& in, MinutesFormat f) {
  std::optional<int64_t> started;
  for (const auto& e : in.events)
    if (e.kind == "session.started") {
      started = e.at_ms;
      break;
    }
  const std::string date = cst_date(started.value_or(in.generated_ms));
  const std::string ext(to_string(f));

  std::string id;
  for (char c : in.info.id) id += (is_ascii_alnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  const std::string fallback = "minutes-" + (id.empty() ? std::string() : id + "-") + date + "." + ext;

  // Path separators and controls would be rewritten by the browser anyway; doing it here
  // keeps the name predictable.
  std::string title;
  for_each_char(utf8_prefix(single_line(in.info.title), 60), [&](uint32_t cp, std::string_view bytes) {
    if (cp == '/' || cp == '\\' || cp < 0x20 || cp == 0x7F)
      title += '_';
    else
      title += bytes;
  });
  const std::string name = (title.empty() ? std::string() : title + "-") + "会议纪要-" + date + "." + ext;
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

}  // namespace yst
