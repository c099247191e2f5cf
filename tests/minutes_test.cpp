// The minutes, rendered from a hand-built session whose events carry real chain hashes.
#include <gtest/gtest.h>
#include <zip.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "session/Event.hpp"
#include "session/EventData.hpp"
#include "session/minutes/Minutes.hpp"
#include "session/Sha256.hpp"
#include "session/Types.hpp"

namespace {

using yst::Actor;
using yst::Event;
using yst::json;
using yst::MinutesFormat;
using yst::MinutesInput;
using yst::Role;

constexpr int64_t kStart = 1795699800000;  // 2026-11-26T13:30:00Z, 21:30 in Beijing

const Actor kHost{"p1", Role::host, "王明"};
const Actor kMember{"p2", Role::member, "李华"};
const Actor kDept{"p3", Role::department, "赵强"};
const Actor kClerk{"p4", Role::clerk, "钱芳"};
const Actor kAudience{"a_1", Role::audience, "居民张先生"};
const Actor kAudience2{"a_2", Role::audience, "<b>网友</b>"};

const std::string kS1 = "关于老旧小区加装电梯的建议，需统筹财政资金与居民出资。";
const std::string kQ1 = "加装电梯的费用由谁承担？";
const std::string kA1 = "费用由区财政补贴百分之四十，其余由受益居民分担。";
const std::string kQ2 = "<img src=x onerror=alert(1)>";
const std::string kP1 = "建议设立加装电梯专项资金";
const std::string kN1 = "与会人员就资金分担比例达成初步共识。";
const std::string kP2 = "建议延长夜间施工时间";
const std::string kS2 = "他说：\"好的, 没问题\"\n第二行，含逗号,和引号\"";
const std::string kQ3 = "小区停车位何时增加？";
const std::string kN2 = "会后补记：下次会议议题待定。";

// Appends events numbered 1..N, a minute apart, each hashed onto the previous one.
class Chain {
 public:
  void add(std::string kind, std::optional<Actor> by, json data) {
    Event e;
    e.seq = static_cast<int64_t>(events_.size()) + 1;
    e.at_ms = kStart + (e.seq - 1) * 60000;
    e.kind = std::move(kind);
    e.by = std::move(by);
    e.data = std::move(data);
    e.hash = yst::chain_hash(events_.empty() ? "" : events_.back().hash, e);
    events_.push_back(std::move(e));
  }
  std::vector<Event>& events() { return events_; }

 private:
  std::vector<Event> events_;
};

MinutesInput sample() {
  MinutesInput in;
  in.info.id = "s1";
  in.info.title = "城东片区老旧小区改造协商会";
  in.info.topic = "加装电梯与停车难问题";
  in.info.stream_url = "https://live.example.cn/s1";
  in.info.scheduled_at = "2026-11-26T21:30:00+08:00";
  in.participants = {{"p1", "s1", Role::host, "王明", "区政协办公室"},
                     {"p2", "s1", Role::member, "李华", "民建界别"},
                     {"p3", "s1", Role::department, "赵强", "区住房和城乡建设局"},
                     {"p4", "s1", Role::clerk, "钱芳", "区政协办公室"}};
  in.peak_audience = 1234;
  in.generated_ms = kStart + 3 * 3600 * 1000;

  json tally{{"agree", 8},
             {"disagree", 3},
             {"abstain", 1},
             {"by_role",
              {{"host", {{"agree", 1}, {"disagree", 0}, {"abstain", 0}}},
               {"member", {{"agree", 2}, {"disagree", 0}, {"abstain", 1}}},
               {"department", {{"agree", 0}, {"disagree", 1}, {"abstain", 0}}},
               {"audience", {{"agree", 5}, {"disagree", 2}, {"abstain", 0}}}}}};
  Chain c;
  c.add("session.started", kHost, json::object());                                                   // 1
  c.add("floor.granted", kHost, {{"participant", "p2"}, {"name", "李华"}, {"role", "member"}});         // 2
  c.add("statement", kMember, {{"text", kS1}});                                                       // 3
  c.add("question.asked", kAudience, {{"question", "q1"}, {"text", kQ1}, {"name", kAudience.name}, {"flagged", false}});
  c.add("question.approved", kHost, {{"question", "q1"}, {"text", kQ1}, {"name", kAudience.name}});  // 5
  c.add("question.featured", kHost, {{"question", "q1"}});                                            // 6
  c.add("statement", kDept, {{"text", kA1}, {"reply_to", "q1"}});                                     // 7
  c.add("question.answered", kHost, {{"question", "q1"}});                                            // 8
  c.add("question.asked", kAudience2, {{"question", "q2"}, {"text", kQ2}, {"name", kAudience2.name}, {"flagged", true}});
  c.add("question.rejected", kHost, {{"question", "q2"}, {"reason", "与议题无关"}});                   // 10
  c.add("point.proposed", kMember, {{"point", "pt1"}, {"text", kP1}});                                // 11
  c.add("note", kClerk, {{"text", kN1}});                                                             // 12
  c.add("point.closed", kHost, {{"point", "pt1"}, {"outcome", "adopted"}, {"tally", tally}});         // 13
  c.add("point.proposed", kHost, {{"point", "pt2"}, {"text", kP2}});                                  // 14
  c.add("statement", kHost, {{"text", kS2}});                                                         // 15
  c.add("floor.released", kHost, json::object());                                                     // 16
  c.add("question.asked", kAudience, {{"question", "q3"}, {"text", kQ3}, {"name", kAudience.name}, {"flagged", false}});
  c.add("question.approved", std::nullopt, {{"question", "q3"}, {"text", kQ3}, {"name", kAudience.name}});  // 18
  c.add("session.ended", kHost, json::object());                                                      // 19
  c.add("note", kClerk, {{"text", kN2}});                                                             // 20
  in.events = std::move(c.events());
  return in;
}

// The plain texts, in the order of the events that carry them.
const std::vector<std::string>& texts_in_seq_order() {
  static const std::vector<std::string> t{kS1, kQ1, kA1, kP1, kN1, kP2, kQ3, kN2};
  return t;
}

void expect_in_order(const std::string& doc, size_t from, const std::vector<std::string>& texts) {
  size_t pos = from;
  for (const auto& t : texts) {
    size_t at = doc.find(t, pos);
    ASSERT_NE(at, std::string::npos) << "missing or out of order: " << t;
    pos = at + t.size();
  }
}

std::string between(const std::string& doc, const std::string& from, const std::string& to) {
  size_t a = doc.find(from);
  if (a == std::string::npos) return {};
  size_t b = doc.find(to, a);
  return doc.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

// RFC 4180, strictly: records end with CR LF, and a CR or LF outside quotes is an error.
std::optional<std::vector<std::vector<std::string>>> parse_csv(std::string_view s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '"') {
      ++i;
      for (;;) {
        if (i >= s.size()) return std::nullopt;
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += s[i++];
      }
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
        if (s[i] == '"') return std::nullopt;
        field += s[i++];
      }
    }
    if (i < s.size() && s[i] == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (i + 1 < s.size() && s[i] == '\r' && s[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else {
      return std::nullopt;  // bare CR or LF, or text after a closing quote
    }
  }
  if (!row.empty() || !field.empty()) return std::nullopt;  // the last record lacks its CR LF
  return rows;
}

struct ZipClose {
  void operator()(zip_t* z) const { zip_discard(z); }
};

// The named entries of a zip held in memory; an entry that is absent maps to nullopt.
std::optional<std::string> zip_entry(const std::string& zip_bytes, const char* name) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &err);
  if (!src) return std::nullopt;
  std::unique_ptr<zip_t, ZipClose> za(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err));
  if (!za) {
    zip_source_free(src);
    return std::nullopt;
  }
  zip_stat_t st;
  if (zip_stat(za.get(), name, 0, &st) < 0) return std::nullopt;
  zip_file_t* f = zip_fopen(za.get(), name, 0);
  if (!f) return std::nullopt;
  std::string out(static_cast<size_t>(st.size), '\0');
  zip_int64_t n = zip_fread(f, out.data(), st.size);
  zip_fclose(f);
  if (n != static_cast<zip_int64_t>(st.size)) return std::nullopt;
  return out;
}

std::string xml_escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

TEST(Minutes, MarkdownIsAJiyaoWithTheFullRecordAttached) {
  const auto in = sample();
  const std::string md = yst::render_minutes(in, MinutesFormat::md);
  // The 纪要's parts in the office's order, the record last.
  const std::vector<std::string> parts{"# 有事来协商·委员议事厅协商纪要\n", "**城东片区老旧小区改造协商会**", "纪要状态：",
                                       "加装电梯与停车难问题", "王明主持", "**出席**：", "**列席**：",
                                       "## 一、主要发言要点", "## 二、群众提问与答复", "## 三、形成的共识",
                                       "## 四、会后工作安排", "**记录人**：钱芳", "**审核人**：",
                                       "## 附件：协商过程记录"};
  expect_in_order(md, 0, parts);
  EXPECT_EQ(md.rfind(parts[0], 0), 0u);
  const size_t record = md.find("## 附件：协商过程记录");
  ASSERT_NE(record, std::string::npos);
  expect_in_order(md, record, texts_in_seq_order());

  EXPECT_NE(md.find("2026年11月26日21:30"), std::string::npos) << "times are shown in Beijing time";
  EXPECT_NE(md.find("在线听众峰值1234人"), std::string::npos);
  EXPECT_NE(md.find("**出席**：王明（主持人）、李华（民建界别）"), std::string::npos);
  EXPECT_NE(md.find("**列席**：赵强（区住房和城乡建设局）"), std::string::npos);
  EXPECT_NE(md.find("| 政协委员 | 李华 | 民建界别 |"), std::string::npos);
  EXPECT_NE(md.find("| 部门代表 | 赵强 | 区住房和城乡建设局 |"), std::string::npos);
  // The counted roles (members, departments) and their sum decide; the audience's 5 / 2 / 0
  // stands apart, and the host's vote (not a counted role) is not a column.
  EXPECT_NE(md.find("| 序号 | 共识点 | 政协委员 | 部门代表 | 计入结果 | 结果 | 听众（民意参考） |"), std::string::npos);
  EXPECT_NE(md.find("| 1 | " + kP1 + " | 2 / 0 / 1 | 0 / 1 / 0 | 2 / 1 / 1 | 已采纳 | 5 / 2 / 0 |"), std::string::npos);
  EXPECT_NE(md.find("| 2 | " + kP2 + " | — | — | — | 未表决完毕 | — |"), std::string::npos);
  EXPECT_EQ(md.find("8 / 3 / 1"), std::string::npos) << "the all-roles sum is not a result";
  EXPECT_NE(md.find("会议议定：**1. " + kP1), std::string::npos);

  // Main points by speaker, answers with their questions, the clerk's notes with the points.
  const std::string points = between(md, "## 一、主要发言要点", "## 二、群众提问与答复");
  expect_in_order(points, 0, {"李华（政协委员，民建界别）指出：", kS1, "王明（主持人，区政协办公室）指出：", kS2.substr(0, 9), kN1, kN2});
  EXPECT_EQ(points.find(kA1), std::string::npos) << "an answer is told with its question";
  const std::string qa = between(md, "## 二、群众提问与答复", "## 三、形成的共识");
  expect_in_order(qa, 0, {"听众提交提问3条，经主持人审核公开2条，其中1条在会上得到答复", kQ1, "居民张先生", kA1,
                          "会上未及答复的提问1条", kQ3});
  EXPECT_EQ(qa.find("网友"), std::string::npos) << "a rejected question is not the public's question";

  // The body names no internal id, hash or API path; the integrity is a sentence and a
  // footnote-like line at the end of the record.
  const std::string body = md.substr(0, record);
  for (const char* id : {"q1", "q3", "pt1", "p2", "〔", "SHA-256", "/api/"}) EXPECT_EQ(body.find(id), std::string::npos) << id;
  EXPECT_NE(md.find("逐条保存的20个事件生成，导出时逐条核验，记录完整，未被改动"), std::string::npos);
  EXPECT_NE(md.find("校验值（SHA-256）：" + in.events.back().hash), std::string::npos);
  EXPECT_EQ(md.find("/api/"), std::string::npos);
}

TEST(Minutes, MarkdownEscapesStructure) {
  auto in = sample();
  Chain c;
  c.add("session.started", kHost, json::object());
  c.add("point.proposed", kMember, {{"point", "pt1"}, {"text", "甲|乙"}});
  c.add("note", kClerk, {{"text", "# 假标题\n1. 假列表\n- 假条目\n    假代码"}});
  in.events = std::move(c.events());
  const std::string md = yst::render_minutes(in, MinutesFormat::md);
  EXPECT_NE(md.find("| 1 | 甲\\|乙 |"), std::string::npos);
  EXPECT_NE(md.find("\\# 假标题"), std::string::npos);
  EXPECT_NE(md.find("1\\. 假列表"), std::string::npos);
  EXPECT_NE(md.find("\\- 假条目"), std::string::npos);
  EXPECT_EQ(md.find("\n# 假标题"), std::string::npos);
  EXPECT_EQ(md.find("    假代码"), std::string::npos);
}

TEST(Minutes, HtmlHasEveryTextInSeqOrderAndEscapes) {
  auto in = sample();
  const std::string html = yst::render_minutes(in, MinutesFormat::html);
  const size_t timeline = html.find("附件：协商过程记录</h2>");
  ASSERT_NE(timeline, std::string::npos);
  expect_in_order(html, timeline, texts_in_seq_order());

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("size: A4"), std::string::npos);
  EXPECT_NE(html.find("\"Noto Serif CJK SC\""), std::string::npos);
  EXPECT_NE(html.find("page-break-inside: avoid"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);

  EXPECT_EQ(html.find(kQ2), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>网友</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;网友&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("他说：&quot;好的, 没问题&quot;<br>\n第二行"), std::string::npos);
  EXPECT_NE(html.find("校验值（SHA-256）：" + in.events.back().hash), std::string::npos);

  // The title reaches <title>, <h1> and the CSS of the page header; none may open markup.
  in.info.title = "</style><script>alert('x')</script>\"&";
  const std::string hostile = yst::render_minutes(in, MinutesFormat::html);
  EXPECT_EQ(hostile.find("<script"), std::string::npos);
  EXPECT_EQ(hostile.find("</style><"), std::string::npos);
  EXPECT_NE(hostile.find("<p class=\"subtitle\">&lt;/style&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;</p>"),
            std::string::npos);
}

TEST(Minutes, JsonHasTheSchemaAndRoundTrips) {
  const auto in = sample();
  const std::string text = yst::render_minutes(in, MinutesFormat::json);
  const json j = json::parse(text);
  EXPECT_EQ(json::parse(j.dump()), j);

  auto has_keys = [](const json& obj, std::initializer_list<const char*> keys) {
    ASSERT_TRUE(obj.is_object()) << obj.dump();
    for (const char* k : keys) EXPECT_TRUE(obj.contains(k)) << "missing " << k << " in " << obj.dump();
  };
  has_keys(j, {"schema", "session", "participants", "peak_audience", "events", "questions", "points", "notes",
               "digest", "chain"});
  EXPECT_EQ(j["schema"], "yishiting.minutes/1");
  has_keys(j["session"], {"id", "title", "topic", "stream_url", "scheduled_at", "started_at", "ended_at", "status"});
  EXPECT_EQ(j["session"]["status"], "ended");
  EXPECT_EQ(j["session"]["started_at"], "2026-11-26T13:30:00.000Z");
  EXPECT_EQ(j["peak_audience"], 1234);
  ASSERT_EQ(j["participants"].size(), 4u);
  for (const auto& p : j["participants"]) has_keys(p, {"id", "name", "role", "affiliation"});
  EXPECT_EQ(j["participants"][2]["affiliation"], "区住房和城乡建设局");

  ASSERT_EQ(j["events"].size(), in.events.size());
  for (size_t i = 0; i < in.events.size(); ++i) {
    const json& e = j["events"][i];
    has_keys(e, {"seq", "at", "kind", "by", "data", "hash"});
    EXPECT_EQ(e["seq"], in.events[i].seq);
    EXPECT_EQ(e["data"], in.events[i].data);
    EXPECT_EQ(e["hash"], in.events[i].hash);
  }
  EXPECT_TRUE(j["events"][17]["by"].is_null());

  ASSERT_EQ(j["questions"].size(), 3u);
  for (const auto& q : j["questions"]) has_keys(q, {"question", "text", "name", "status", "flagged", "answers"});
  EXPECT_EQ(j["questions"][0]["status"], "answered");
  ASSERT_EQ(j["questions"][0]["answers"].size(), 1u);
  EXPECT_EQ(j["questions"][0]["answers"][0]["text"], kA1);
  EXPECT_EQ(j["questions"][0]["answers"][0]["seq"], 7);
  EXPECT_EQ(j["questions"][1]["status"], "rejected");
  EXPECT_EQ(j["questions"][1]["flagged"], true);
  EXPECT_EQ(j["questions"][1]["text"], kQ2);

  ASSERT_EQ(j["points"].size(), 2u);
  for (const auto& p : j["points"]) has_keys(p, {"point", "text", "status", "outcome", "tally"});
  EXPECT_EQ(j["points"][0]["outcome"], "adopted");
  EXPECT_EQ(j["points"][0]["tally"]["by_role"]["member"]["agree"], 2);
  EXPECT_EQ(j["points"][1]["status"], "open");
  EXPECT_TRUE(j["points"][1]["outcome"].is_null());

  ASSERT_EQ(j["notes"].size(), 2u);
  for (const auto& n : j["notes"]) has_keys(n, {"seq", "at", "by", "text"});
  EXPECT_EQ(j["notes"][1]["text"], kN2);

  has_keys(j["digest"], {"statements", "questions", "points", "adopted"});
  EXPECT_EQ(j["digest"]["statements"], 3);
  EXPECT_EQ(j["digest"]["questions"], 3);
  EXPECT_EQ(j["digest"]["points"], 2);
  EXPECT_EQ(j["digest"]["adopted"], 1);
  has_keys(j["chain"], {"head", "events"});
  EXPECT_EQ(j["chain"]["head"], in.events.back().hash);
  EXPECT_EQ(j["chain"]["events"], 20);
}

// What docs/minutes.md tells a reader to do: recompute the chain from the exported JSON
// alone, without this code base.
TEST(Minutes, JsonEventsVerifyWithoutTheServer) {
  const json j = json::parse(yst::render_minutes(sample(), MinutesFormat::json));
  std::string prev;
  for (const auto& e : j["events"]) {
    json body = e;
    body.erase("hash");
    std::string recomputed = yst::sha256_hex(prev + "\n" + body.dump());
    ASSERT_EQ(recomputed, e["hash"].get<std::string>()) << "seq " << e["seq"];
    prev = recomputed;
  }
  EXPECT_EQ(prev, j["chain"]["head"].get<std::string>());
}

TEST(Minutes, CsvIsRfc4180WithBomAndOneRowPerEvent) {
  const auto in = sample();
  const std::string csv = yst::render_minutes(in, MinutesFormat::csv);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  auto rows = parse_csv(std::string_view(csv).substr(3));
  ASSERT_TRUE(rows.has_value()) << "not RFC 4180";
  ASSERT_EQ(rows->size(), 1 + in.events.size());
  const std::vector<std::string> header{"seq",  "at",       "kind",  "participant", "role", "name",
                                        "text", "question", "point", "extra",       "hash", "timecode"};
  EXPECT_EQ((*rows)[0], header);
  for (size_t i = 0; i < in.events.size(); ++i) {
    const auto& row = (*rows)[i + 1];
    const Event& e = in.events[i];
    ASSERT_EQ(row.size(), header.size()) << "row " << i + 1;
    EXPECT_EQ(row[0], std::to_string(e.seq));
    EXPECT_EQ(row[1], yst::format_time_ms(e.at_ms));
    EXPECT_EQ(row[2], e.kind);
    EXPECT_EQ(row[3], e.by ? e.by->participant : "");
    EXPECT_EQ(row[5], e.by ? e.by->name : "");
    EXPECT_EQ(row[6], e.data.value("text", std::string()));
    EXPECT_EQ(json::parse(row[9]), e.data);
    EXPECT_EQ(row[10], e.hash);
  }
  EXPECT_EQ((*rows)[15][6], kS2) << "commas, quotes and newlines survive byte for byte";
  EXPECT_EQ((*rows)[9][6], kQ2);
  EXPECT_EQ((*rows)[7][7], "q1") << "a reply names its question";
}

TEST(Minutes, DocxIsAWordPackageWithTheTexts) {
  const auto in = sample();
  const std::string docx = yst::render_minutes(in, MinutesFormat::docx);
  ASSERT_EQ(docx.substr(0, 2), "PK");
  for (const char* part : {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
                           "word/_rels/document.xml.rels", "docProps/core.xml"})
    EXPECT_TRUE(zip_entry(docx, part).has_value()) << part;

  const std::string doc = zip_entry(docx, "word/document.xml").value_or("");
  expect_in_order(doc, doc.find("附件：协商过程记录"), texts_in_seq_order());
  EXPECT_EQ(doc.find(kQ2), std::string::npos);
  EXPECT_NE(doc.find(xml_escaped(kQ2)), std::string::npos);
  EXPECT_NE(doc.find(xml_escaped("他说：\"好的, 没问题\"") + "</w:t><w:br/><w:t xml:space=\"preserve\">" +
                     xml_escaped("第二行，含逗号,和引号\"")),
            std::string::npos);
  EXPECT_NE(doc.find("<w:tbl>"), std::string::npos);
  EXPECT_NE(doc.find("<w:tblBorders>"), std::string::npos);
  EXPECT_NE(doc.find("<w:pStyle w:val=\"Heading1\"/>"), std::string::npos);
  EXPECT_NE(doc.find("未表决完毕"), std::string::npos);

  const std::string styles = zip_entry(docx, "word/styles.xml").value_or("");
  EXPECT_NE(styles.find("w:styleId=\"Heading1\""), std::string::npos);
  EXPECT_NE(styles.find("w:styleId=\"Heading2\""), std::string::npos);
  EXPECT_NE(styles.find("w:eastAsia=\"仿宋_GB2312\""), std::string::npos);
  EXPECT_NE(styles.find("w:eastAsia=\"黑体\""), std::string::npos);
  EXPECT_NE(styles.find("w:eastAsia=\"zh-CN\""), std::string::npos);
  EXPECT_NE(zip_entry(docx, "docProps/core.xml").value_or("").find("<dc:title>城东片区老旧小区改造协商会 协商纪要"),
            std::string::npos);
  EXPECT_NE(zip_entry(docx, "[Content_Types].xml").value_or("").find("/word/document.xml"), std::string::npos);

  // Same input, same bytes: exports can be compared and archived.
  EXPECT_EQ(yst::render_minutes(in, MinutesFormat::docx), docx);
}

// The office files it as it is: GB/T 9704-2012's page, fonts, pitch and page numbers.
TEST(Minutes, DocxHasTheOfficialDocumentLayout) {
  const std::string docx = yst::render_minutes(sample(), MinutesFormat::docx);
  const std::string doc = zip_entry(docx, "word/document.xml").value_or("");
  EXPECT_NE(doc.find("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"), std::string::npos) << "A4";
  EXPECT_NE(doc.find("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\""), std::string::npos)
      << "margins 37 / 26 / 35 / 28 mm";
  EXPECT_EQ(doc.find("w:type=\"lines\""), std::string::npos) << "no document grid under the fixed pitch";

  const std::string styles = zip_entry(docx, "word/styles.xml").value_or("");
  auto style = [&](const std::string& id) {
    const size_t at = styles.find("w:styleId=\"" + id + "\"");
    return at == std::string::npos ? std::string() : styles.substr(at, styles.find("</w:style>", at) - at);
  };
  const std::string defaults = styles.substr(0, styles.find("</w:docDefaults>"));
  EXPECT_NE(defaults.find("w:eastAsia=\"仿宋_GB2312\""), std::string::npos) << "body 仿宋";
  EXPECT_NE(defaults.find("<w:sz w:val=\"32\"/>"), std::string::npos) << "body 三号";
  EXPECT_NE(defaults.find("w:line=\"560\" w:lineRule=\"exact\""), std::string::npos) << "fixed 28 pt";
  EXPECT_NE(style("Title").find("w:eastAsia=\"方正小标宋简体\""), std::string::npos);
  EXPECT_NE(style("Title").find("<w:sz w:val=\"44\"/>"), std::string::npos) << "title 二号";
  EXPECT_NE(style("Title").find("<w:jc w:val=\"center\"/>"), std::string::npos);
  for (const char* h : {"Heading1", "Heading2"}) {
    EXPECT_NE(style(h).find("<w:keepNext/>"), std::string::npos) << h << " keeps with what follows";
    EXPECT_NE(style(h).find("<w:sz w:val=\"32\"/>"), std::string::npos) << h << " 三号";
  }
  EXPECT_NE(style("Heading1").find("w:eastAsia=\"黑体\""), std::string::npos);
  EXPECT_NE(style("Heading2").find("w:eastAsia=\"楷体_GB2312\""), std::string::npos);

  // The fonts are named, with the families that stand in where they are missing.
  const std::string fonts = zip_entry(docx, "word/fontTable.xml").value_or("");
  EXPECT_NE(fonts.find("<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/>"), std::string::npos);
  EXPECT_NE(fonts.find("<w:font w:name=\"楷体_GB2312\"><w:altName w:val=\"楷体\"/>"), std::string::npos);

  // "— N —" in 四号宋体: odd pages right, even pages left.
  EXPECT_NE(zip_entry(docx, "word/settings.xml").value_or("").find("<w:evenAndOddHeaders/>"), std::string::npos);
  const std::string odd = zip_entry(docx, "word/footer1.xml").value_or("");
  const std::string even = zip_entry(docx, "word/footer2.xml").value_or("");
  for (const auto* f : {&odd, &even}) {
    EXPECT_NE(f->find(">— </w:t>"), std::string::npos);
    EXPECT_NE(f->find(" PAGE "), std::string::npos);
    EXPECT_NE(f->find("> —</w:t>"), std::string::npos);
  }
  EXPECT_NE(odd.find("<w:jc w:val=\"right\"/>"), std::string::npos);
  EXPECT_NE(even.find("<w:jc w:val=\"left\"/>"), std::string::npos);
  EXPECT_NE(style("Footer").find("<w:sz w:val=\"28\"/>"), std::string::npos);

  // 出席/列席 start with the word in 黑体, the names aligned after the colon; body
  // paragraphs start two characters in; the attachment starts a page; nothing is bold.
  const size_t present = doc.find(">出席</w:t>");
  ASSERT_NE(present, std::string::npos);
  const std::string present_para = doc.substr(doc.rfind("<w:p>", present), present - doc.rfind("<w:p>", present));
  EXPECT_NE(present_para.find("<w:pStyle w:val=\"Attendance\"/>"), std::string::npos);
  EXPECT_NE(present_para.find("w:eastAsia=\"黑体\""), std::string::npos);
  EXPECT_NE(style("Attendance").find("w:hanging="), std::string::npos);
  EXPECT_NE(style("BodyText").find("<w:ind w:firstLine=\"640\"/>"), std::string::npos);
  const size_t attachment = doc.find("附件：协商过程记录");
  ASSERT_NE(attachment, std::string::npos);
  EXPECT_NE(doc.substr(doc.rfind("<w:p>", attachment), attachment - doc.rfind("<w:p>", attachment)).find("<w:pageBreakBefore/>"),
            std::string::npos);
  EXPECT_EQ(doc.find("<w:b/>"), std::string::npos);

  // The sentence before the vote table stays on its page, and no row splits.
  const size_t table = doc.find("<w:tbl>", doc.find("三、形成的共识"));
  ASSERT_NE(table, std::string::npos);
  const size_t before = doc.rfind("<w:p>", table);
  EXPECT_NE(doc.substr(before, table - before).find("<w:keepNext/>"), std::string::npos);
  size_t rows = 0, unsplit = 0;
  for (size_t at = doc.find("<w:tr>"); at != std::string::npos; at = doc.find("<w:tr>", at + 1)) {
    ++rows;
    if (doc.compare(at, 26, "<w:tr><w:trPr><w:cantSplit") == 0) ++unsplit;
  }
  EXPECT_GT(rows, 0u);
  EXPECT_EQ(unsplit, rows);
}

// Stored text that never passed request validation must not break a document.
TEST(Minutes, CharactersXmlCannotCarryAreDropped) {
  auto in = sample();
  Event e;
  e.seq = 1;
  e.at_ms = kStart;
  e.kind = "note";
  e.by = kClerk;
  e.data = json{{"text", std::string("甲\x0B乙\x01丙\xFF丁")}};
  e.hash = "00";
  in.events = {e};
  const std::string docx = yst::render_minutes(in, MinutesFormat::docx);
  const std::string doc = zip_entry(docx, "word/document.xml").value_or("");
  EXPECT_NE(doc.find("甲乙丙\xEF\xBF\xBD丁"), std::string::npos);
  EXPECT_EQ(doc.find('\x0B'), std::string::npos);
  EXPECT_EQ(doc.find('\x01'), std::string::npos);
  for (auto f : {MinutesFormat::md, MinutesFormat::html, MinutesFormat::json, MinutesFormat::csv})
    EXPECT_FALSE(yst::render_minutes(in, f).empty());
  EXPECT_TRUE(json::accept(yst::render_minutes(in, MinutesFormat::json)));
}

TEST(Minutes, VerifyChain) {
  auto in = sample();
  auto good = yst::verify_chain(in.events);
  EXPECT_TRUE(good.ok);
  EXPECT_EQ(good.events, 20);
  EXPECT_EQ(good.head, in.events.back().hash);
  EXPECT_FALSE(good.first_bad_seq.has_value());

  auto altered = in.events;
  altered[6].data["text"] = "费用全部由居民承担。";
  auto bad = yst::verify_chain(altered);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.first_bad_seq, 7);
  EXPECT_EQ(bad.head, in.events.back().hash);

  auto gap = in.events;
  gap.erase(gap.begin() + 4);
  EXPECT_EQ(yst::verify_chain(gap).first_bad_seq, 6);

  auto retimed = in.events;
  retimed[0].at_ms += 1;
  EXPECT_EQ(yst::verify_chain(retimed).first_bad_seq, 1);

  auto empty = yst::verify_chain({});
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.events, 0);
  EXPECT_EQ(empty.head, "");

  // The minutes say so when the stored events no longer match their hashes.
  in.events = altered;
  const std::string md = yst::render_minutes(in, MinutesFormat::md);
  EXPECT_NE(md.find("第7个事件与原记录不一致，记录可能被改动"), std::string::npos);
}

TEST(Minutes, ContentDispositionPercentEncodesTheTitle) {
  auto in = sample();
  const std::string cd = yst::content_disposition(in, MinutesFormat::docx);
  EXPECT_EQ(cd.rfind("attachment; filename=\"minutes-s1-2026-11-26.docx\"; filename*=UTF-8''", 0), 0u) << cd;
  // 城东 ... 会议纪要, then the date of the start in Beijing time.
  EXPECT_NE(cd.find("''%E5%9F%8E%E4%B8%9C"), std::string::npos) << cd;
  EXPECT_NE(cd.find("-%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81-2026-11-26.docx"), std::string::npos) << cd;
  for (unsigned char c : cd) EXPECT_LT(c, 0x80) << "header values are ASCII";

  // 01:00 in Beijing is still the previous day in UTC.
  for (auto& e : in.events) e.at_ms += 1795712400000 - kStart;
  EXPECT_NE(yst::content_disposition(in, MinutesFormat::md).find("minutes-s1-2026-11-27.md"), std::string::npos);

  in.events.clear();
  in.generated_ms = 1799114400000;  // 2027-01-05T02:00:00Z
  in.info.title = "A \"B\" C/D";
  const std::string never = yst::content_disposition(in, MinutesFormat::csv);
  EXPECT_NE(never.find("filename=\"minutes-s1-2027-01-05.csv\""), std::string::npos) << never;
  EXPECT_NE(never.find("UTF-8''A%20%22B%22%20C_D-%E4%BC%9A"), std::string::npos) << never;
}

TEST(Minutes, FormatsAndContentTypes) {
  for (auto f : {MinutesFormat::md, MinutesFormat::html, MinutesFormat::json, MinutesFormat::csv, MinutesFormat::docx})
    EXPECT_EQ(yst::minutes_format_from_string(yst::to_string(f)), f);
  EXPECT_FALSE(yst::minutes_format_from_string("pdf").has_value());
  EXPECT_EQ(yst::content_type(MinutesFormat::md), "text/markdown; charset=utf-8");
  EXPECT_EQ(yst::content_type(MinutesFormat::html), "text/html; charset=utf-8");
  EXPECT_EQ(yst::content_type(MinutesFormat::json), "application/json");
  EXPECT_EQ(yst::content_type(MinutesFormat::csv), "text/csv; charset=utf-8");
  EXPECT_EQ(yst::content_type(MinutesFormat::docx),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
}

TEST(Minutes, NotStartedSessionStillRenders) {
  auto in = sample();
  in.events.clear();
  in.participants.clear();
  for (auto f : {MinutesFormat::md, MinutesFormat::html, MinutesFormat::json, MinutesFormat::csv, MinutesFormat::docx})
    EXPECT_FALSE(yst::render_minutes(in, f).empty());
  const json j = json::parse(yst::render_minutes(in, MinutesFormat::json));
  EXPECT_EQ(j["session"]["status"], "scheduled");
  EXPECT_TRUE(j["session"]["started_at"].is_null());
  EXPECT_EQ(j["chain"]["head"], "");
  EXPECT_NE(yst::render_minutes(in, MinutesFormat::md).find("未开始"), std::string::npos);
}

// The minutes served without a token: what the audience could see, nothing more.
TEST(Minutes, PublicEditionHoldsOnlyWhatTheAudienceSaw) {
  const std::string taken_down = "这个主持人就是个骗子";   // approved, then rejected on air
  const std::string waiting = "垃圾分类点能否挪远一些？";  // asked, never moderated
  const std::string answer = "关于刚才的问题，我们会后核实。";
  auto in = sample();
  Chain c;
  for (auto& e : in.events) {
    if (e.kind == "session.ended") break;
    c.add(e.kind, e.by, e.data);
  }
  c.add("question.asked", kAudience2, {{"question", "q4"}, {"text", taken_down}, {"name", kAudience2.name}, {"flagged", false}});
  c.add("question.approved", kHost, {{"question", "q4"}, {"text", taken_down}, {"name", kAudience2.name}});
  c.add("statement", kDept, {{"text", answer}, {"reply_to", "q4"}});
  c.add("question.rejected", kHost, {{"question", "q4"}, {"reason", "不文明用语"}});
  c.add("question.asked", kAudience, {{"question", "q5"}, {"text", waiting}, {"name", kAudience.name}, {"flagged", false}});
  c.add("session.ended", kHost, json::object());
  c.add("note", kClerk, {{"text", kN2}});
  in.events = std::move(c.events());
  const std::string full_head = in.events.back().hash;
  const size_t stored = in.events.size();

  const MinutesInput pub = yst::public_edition(in);
  for (auto f : {MinutesFormat::md, MinutesFormat::html, MinutesFormat::csv, MinutesFormat::json}) {
    const std::string doc = yst::render_minutes(pub, f);
    SCOPED_TRACE(std::string(yst::to_string(f)));
    for (const auto& secret : {kN1, kN2, kQ2, taken_down, waiting, std::string("与议题无关"), std::string("不文明用语")})
      EXPECT_EQ(doc.find(secret), std::string::npos) << "leaked: " << secret;
    for (const auto& seen : {kS1, kQ1, kA1, kP1, kQ3, answer}) EXPECT_NE(doc.find(seen), std::string::npos) << seen;
  }
  const std::string docx = yst::render_minutes(pub, MinutesFormat::docx);
  const auto body = zip_entry(docx, "word/document.xml");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->find(taken_down), std::string::npos);
  EXPECT_EQ(body->find(kN1), std::string::npos);

  // The answer stays, without pointing at the question that was taken down.
  for (const auto& e : pub.events)
    if (e.kind == "statement" && yst::str_field(e.data, "text") == answer)
      EXPECT_FALSE(e.data.contains("reply_to"));

  // The chain still names the head of the whole stored log, so /verify can be compared.
  const json j = json::parse(yst::render_minutes(pub, MinutesFormat::json));
  EXPECT_EQ(j["edition"], "public");
  EXPECT_EQ(j["chain"]["head"], full_head);
  EXPECT_EQ(j["chain"]["events"], stored);
  EXPECT_TRUE(j["chain"]["ok"]);
  EXPECT_LT(j["events"].size(), stored);
  EXPECT_EQ(j["digest"]["notes"], 0);
  const std::string md = yst::render_minutes(pub, MinutesFormat::md);
  EXPECT_NE(md.find("公开版"), std::string::npos);
  EXPECT_EQ(md.find("记录员备注 "), std::string::npos);

  // The full edition still has everything.
  const std::string full = yst::render_minutes(in, MinutesFormat::md);
  for (const auto& all : {kN1, kN2, taken_down, waiting}) EXPECT_NE(full.find(all), std::string::npos) << all;
  EXPECT_EQ(json::parse(yst::render_minutes(in, MinutesFormat::json))["edition"], "full");
}

// The replay's craft: timecodes from the on-air mark, each speaker's time at the
// microphone, and the chapter marks of the replay.
MinutesInput studio_session() {
  auto in = sample();
  Chain c;  // a minute apart: event N is at kStart + (N - 1) min
  c.add("session.started", kHost, json::object());                                                         // 1: 0:00
  c.add("note", kClerk, {{"text", "开播前备注"}});                                                          // 2
  c.add("broadcast.on_air", kHost, {{"at", yst::format_time_ms(kStart + 2 * 60000 + 30000)}});            // 3: origin 2:30
  c.add("floor.granted", kHost, {{"participant", "p2"}, {"name", "李华"}, {"role", "member"}, {"seconds", 60},
                                 {"until", yst::format_time_ms(kStart + 4 * 60000)}});                      // 4
  c.add("statement", kMember, {{"text", kS1}});                                                             // 5
  c.add("floor.overrun", std::nullopt, {{"participant", "p2"}});                                           // 6
  c.add("floor.granted", kHost, {{"participant", "p3"}, {"name", "赵强"}, {"role", "department"}});         // 7
  c.add("question.asked", kAudience, {{"question", "q1"}, {"text", kQ1}, {"name", kAudience.name}, {"flagged", false}});
  c.add("question.approved", kHost, {{"question", "q1"}, {"text", kQ1}, {"name", kAudience.name}});         // 9
  c.add("question.featured", kHost, {{"question", "q1"}});                                                  // 10
  c.add("floor.granted", kHost, {{"participant", "p2"}, {"name", "李华"}, {"role", "member"}});             // 11
  c.add("floor.released", kHost, json::object());                                                           // 12
  c.add("point.proposed", kMember, {{"point", "pt1"}, {"text", "<b>试点</b> & 推广"}});                     // 13
  c.add("session.ended", kHost, json::object());                                                            // 14
  in.events = std::move(c.events());
  return in;
}

TEST(Minutes, TimecodesCountFromTheOnAirMark) {
  const auto in = studio_session();
  const std::string md = yst::render_minutes(in, MinutesFormat::md);
  EXPECT_NE(md.find("时码起点"), std::string::npos);
  // Event 4 is at 3:00, half a minute after the 2:30 mark; events before the mark carry none.
  EXPECT_NE(md.find("- 21:33:00［0:00:30］"), std::string::npos);
  EXPECT_NE(md.find("距直播画面开始（21:32:30）的时码"), std::string::npos);
  EXPECT_NE(md.find("- 21:43:00［0:10:30］"), std::string::npos);
  EXPECT_NE(md.find("- 21:31:00  "), std::string::npos) << "no timecode before the mark";
  const std::string csv = yst::render_minutes(in, MinutesFormat::csv);
  EXPECT_NE(csv.find(",0:00:30\r\n"), std::string::npos);
  const json j = json::parse(yst::render_minutes(in, MinutesFormat::json));
  EXPECT_EQ(j["session"]["timecode_origin"], yst::format_time_ms(kStart + 150000));
  EXPECT_EQ(j["session"]["on_air"], true);

  // Without the mark, the start is the origin.
  auto no_mark = in;
  std::erase_if(no_mark.events, [](const Event& e) { return e.kind == "broadcast.on_air"; });
  EXPECT_NE(yst::render_minutes(no_mark, MinutesFormat::md).find("- 21:31:00［0:01:00］"), std::string::npos);
}

TEST(Minutes, SpeakingTimeIsListedPerSpeaker) {
  const auto in = studio_session();
  const std::string md = yst::render_minutes(in, MinutesFormat::md);
  // 李华: 3:00-6:00 and 10:00-11:00 = 4 min in two turns, one overrun; 赵强: 6:00-10:00.
  const std::string speakers = between(md, "发言时长（", "注：");
  ASSERT_FALSE(speakers.empty());
  EXPECT_NE(speakers.find("| 李华 | 政协委员 | 2 | 4 分 00 秒 | 1 |"), std::string::npos) << speakers;
  EXPECT_NE(speakers.find("| 赵强 | 部门代表 | 1 | 4 分 00 秒 | 0 |"), std::string::npos) << speakers;
  const json j = json::parse(yst::render_minutes(in, MinutesFormat::json));
  ASSERT_EQ(j["speakers"].size(), 2u);
  EXPECT_EQ(j["speakers"][0]["participant"], "p2");
  EXPECT_EQ(j["speakers"][0]["spoken_ms"], 240000);
  EXPECT_EQ(j["speakers"][0]["overruns"], 1);
  // The overrun reads as words in the timeline, not as raw JSON.
  EXPECT_NE(md.find("发言时间已到（李华）"), std::string::npos);
  EXPECT_EQ(md.find("floor.overrun"), std::string::npos);
}

TEST(Minutes, ChaptersAreWebVttCuesFromTheOnAirMark) {
  const auto in = studio_session();
  const std::string vtt = yst::render_chapters(in);
  ASSERT_EQ(vtt.rfind("WEBVTT\n", 0), 0u);
  // Floor grants at 3:00, 6:00 and 10:00, the question featured at 9:00, the point at
  // 12:00; each runs to the next, the last to the end at 13:00; all from the 2:30 mark.
  EXPECT_NE(vtt.find("\n4\n00:00:30.000 --> 00:03:30.000\n发言：李华（政协委员）\n"), std::string::npos) << vtt;
  EXPECT_NE(vtt.find("\n7\n00:03:30.000 --> 00:06:30.000\n发言：赵强（部门代表）\n"), std::string::npos) << vtt;
  EXPECT_NE(vtt.find("\n10\n00:06:30.000 --> 00:07:30.000\n群众提问：" + kQ1 + "（居民张先生）\n"), std::string::npos) << vtt;
  EXPECT_NE(vtt.find("\n13\n00:09:30.000 --> 00:10:30.000\n共识点：&lt;b&gt;试点&lt;/b&gt; &amp; 推广\n"), std::string::npos)
      << vtt;
  EXPECT_EQ(vtt.find("-->", vtt.find("推广")), std::string::npos) << "the point is the last cue";

  // A question featured and then rejected is no chapter of the public replay.
  auto rejected = in;
  Chain c;
  for (auto& e : rejected.events) {
    if (e.kind == "session.ended") c.add("question.rejected", kHost, {{"question", "q1"}, {"reason", "重复"}});
    c.add(e.kind, e.by, e.data);
  }
  rejected.events = std::move(c.events());
  EXPECT_NE(yst::render_chapters(rejected).find(kQ1), std::string::npos) << "staff see it";
  EXPECT_EQ(yst::render_chapters(yst::public_edition(rejected)).find(kQ1), std::string::npos);
  EXPECT_EQ(yst::render_chapters(MinutesInput{}), "WEBVTT\n");
}

TEST(Minutes, EveryExportSaysWhetherTheMinutesAreApproved) {
  auto in = sample();
  EXPECT_NE(yst::render_minutes(in, MinutesFormat::md).find("纪要状态：草稿"), std::string::npos);
  Chain c;
  for (auto& e : in.events) {
    if (e.kind == "note" && e.seq == 20) break;
    c.add(e.kind, e.by, e.data);
  }
  c.add("minutes.submitted", kClerk, {{"head", c.events().back().hash}});  // 20
  auto submitted = in;
  submitted.events = c.events();
  EXPECT_NE(yst::render_minutes(submitted, MinutesFormat::md).find("纪要状态：已提交审核"), std::string::npos);
  c.add("minutes.approved", kHost, {{"head", c.events().back().hash}});  // 21, at 21:50
  c.add("note", kClerk, {{"text", kN2}});                                 // 22: after the approval
  in.events = std::move(c.events());
  const std::string md = yst::render_minutes(in, MinutesFormat::md);
  EXPECT_NE(md.find("纪要状态：已审核（王明，2026-11-26 21:50:00）"), std::string::npos) << md.substr(0, 800);
  EXPECT_NE(md.find("**审核人**：王明（2026年11月26日审核）"), std::string::npos);
  const std::string notes = between(md, "（记录员整理）", "## 二、群众提问与答复");
  EXPECT_NE(notes.find("（审核后补记）：" + kN2), std::string::npos) << notes;
  EXPECT_EQ(notes.find("（审核后补记）：" + kN1), std::string::npos) << "a note before the approval is no addendum";
  const json j = json::parse(yst::render_minutes(in, MinutesFormat::json));
  EXPECT_EQ(j["approval"]["status"], "approved");
  EXPECT_EQ(j["approval"]["approved_by"]["name"], "王明");
}


// The sample, followed up after the end: a commitment with a report on it, and the clerk's
// background and lessons.
const std::string kC1 = "年内完成城东片区首批十部电梯加装";
const std::string kProgress = "已完成四部，其余六部进入施工";
const std::string kBackground = "城东片区多为上世纪九十年代住宅，老人上下楼难。\n居民多次通过热线反映。";
const std::string kLessons = "请居民代表旁听并现场提问，部门当场回应。";

MinutesInput followed_up() {
  MinutesInput in = sample();
  Chain c;
  for (auto& e : in.events) c.add(e.kind, e.by, e.data);
  c.add("commitment.made", kClerk,
        {{"commitment", "c1"}, {"text", kC1}, {"department", "p3"}, {"department_name", "赵强"}, {"due", "2026-12-31"},
         {"question", "q1"}});  // 21
  c.add("commitment.updated", kDept, {{"commitment", "c1"}, {"status", "in_progress"}, {"text", kProgress}});  // 22
  c.add("case.text", kClerk, {{"section", "background"}, {"text", kBackground}});                            // 23
  c.add("case.text", kClerk, {{"section", "lessons"}, {"text", kLessons}});                                  // 24
  in.events = std::move(c.events());
  return in;
}

TEST(Case, TheFiveSectionsInOrderFromTheEventsAndTheClerksText) {
  const auto in = followed_up();
  const std::string md = yst::render_case(in, yst::CaseFormat::md);
  expect_in_order(md, 0,
                  {"# 有事来协商·委员议事厅协商案例", "**城东片区老旧小区改造协商会**", "## 一、协商背景",
                   "城东片区多为上世纪九十年代住宅", "居民多次通过热线反映", "加装电梯与停车难问题", "参加协商的有政协委员李华",
                   "## 二、协商过程", "在线听众峰值1234人", "### （一）群众提问与部门答复", kQ1, kA1, "会上未及答复的提问1条",
                   kQ3, "答复率为50%", "### （二）委员与部门的交流", kS1, "## 三、协商成果", kP1, "听众（民意参考）",
                   "已采纳", "## 四、落实情况", "1项承诺事项已办结0项",
                   "区住房和城乡建设局（赵强）", kC1, "完成时限：2026-12-31", "办理中", kProgress, "## 五、经验启示",
                   kLessons});
  EXPECT_EQ(md.find("纪要状态"), std::string::npos) << "a case report is no draft of the minutes";
  EXPECT_EQ(md.find(kN1), std::string::npos) << "the clerk's notes are the minutes'";

  const std::string html = yst::render_case(in, yst::CaseFormat::html);
  expect_in_order(html, 0,
                  {"<title>城东片区老旧小区改造协商会 协商案例</title>", "<h2>一、协商背景</h2>", "<h2>二、协商过程</h2>",
                   "<h2>三、协商成果</h2>", "<h2>四、落实情况</h2>", "<h2>五、经验启示</h2>"});

  // The same official layout as the minutes.
  const std::string docx = yst::render_case(in, yst::CaseFormat::docx);
  const std::string doc = zip_entry(docx, "word/document.xml").value_or("");
  EXPECT_NE(doc.find("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"), std::string::npos);
  EXPECT_NE(doc.find("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\""), std::string::npos);
  expect_in_order(doc, 0, {"一、协商背景", "二、协商过程", "三、协商成果", "四、落实情况", "五、经验启示"});
  const size_t heading = doc.find("四、落实情况");
  EXPECT_NE(doc.substr(doc.rfind("<w:p>", heading), heading - doc.rfind("<w:p>", heading)).find("Heading1"),
            std::string::npos);
  EXPECT_NE(zip_entry(docx, "docProps/core.xml").value_or("").find("<dc:title>城东片区老旧小区改造协商会 协商案例"),
            std::string::npos);
  EXPECT_NE(yst::case_content_disposition(in, yst::CaseFormat::docx).find("case-s1-2026-11-26.docx"), std::string::npos);
}

TEST(Case, ThePlanItemItWasHeldForIsPartOfTheBackground) {
  auto in = followed_up();
  in.plan_item = yst::PlanItem{.id = "pl1", .year = 2026, .topic = "加装电梯", .form = "micro", .planned_date = "2026-11",
                               .lead = "区住建局", .departments = {"区住建局", "区财政局"}};
  const std::string background = between(yst::render_case(in, yst::CaseFormat::md), "## 一、协商背景", "## 二、协商过程");
  EXPECT_NE(background.find("该议题列入区政协2026年度协商计划（小微协商），由区住建局牵头，区住建局、区财政局参与，计划于2026-11开展。"),
            std::string::npos)
      << background;
}

TEST(Case, ThePublicGetsTheClerksTextButOnlyPublicQuestions) {
  auto in = followed_up();
  in.edition = yst::MinutesEdition::audience;
  const std::string md = yst::render_case(in, yst::CaseFormat::md);
  EXPECT_NE(md.find("居民多次通过热线反映"), std::string::npos) << "written for the report";
  EXPECT_NE(md.find(kLessons), std::string::npos);
  EXPECT_NE(md.find(kProgress), std::string::npos);
  EXPECT_NE(md.find(kQ1), std::string::npos);
  EXPECT_EQ(md.find("网友"), std::string::npos) << "a rejected question";
  EXPECT_EQ(md.find(kN1), std::string::npos);
  // Without the clerk's text, the sections say so rather than disappear.
  auto bare = sample();
  const std::string empty = yst::render_case(bare, yst::CaseFormat::md);
  EXPECT_NE(empty.find("## 一、协商背景\n\n（协商背景由记录员撰写，尚未填写。）"), std::string::npos) << empty.substr(0, 600);
  EXPECT_NE(empty.find("本次协商未记录承诺事项"), std::string::npos);
}

TEST(Minutes, CommitmentsAreTheFollowUpAndTheirReportsStayOutOfTheMinutes) {
  const auto in = followed_up();
  const std::string md = yst::render_minutes(in, MinutesFormat::md);
  const std::string follow_up = between(md, "## 四、会后工作安排", "**记录人**");
  EXPECT_NE(follow_up.find("1. 区住房和城乡建设局（赵强）：**" + kC1 + "（完成时限：2026-12-31）"), std::string::npos)
      << follow_up;
  EXPECT_EQ(follow_up.find(kProgress), std::string::npos) << "progress is the case report's";
  EXPECT_NE(md.find("报告办理情况（办理中）：" + kProgress), std::string::npos) << "in the record";
  const json j = json::parse(yst::render_minutes(in, MinutesFormat::json));
  ASSERT_EQ(j["commitments"].size(), 1u);
  EXPECT_EQ(j["commitments"][0]["status"], "in_progress");
  EXPECT_EQ(j["commitments"][0]["progress"], kProgress);
}
}  // namespace
