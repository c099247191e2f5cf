// A scripted session run against the real server, whose minutes are checked in every
// format with standard readers: Python's csv and jsonschema, LibreOffice for the docx.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/Helpers.hpp"

using namespace yst::test;
namespace fs = std::filesystem;

namespace {

std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// Every needle appears, each after the one before.
void expect_in_order(const std::string& hay, const std::vector<std::string>& needles, const std::string& what) {
  size_t pos = 0;
  for (const auto& n : needles) {
    size_t at = hay.find(n, pos);
    EXPECT_NE(at, std::string::npos) << what << ": missing or out of order: " << n;
    if (at != std::string::npos) pos = at + n.size();
  }
}

// The scripted session's docx printed by LibreOffice in the official layout: the 纪要 on
// three pages, the attachment (the full record of 27 events) on three more (measured with
// Debian's LibreOffice 7.4 and fonts-noto-cjk).
constexpr int kMaxMinutesPages = 6;
constexpr int kMaxNarrativePages = 3;

struct Scripted {
  Created s;
  std::vector<std::string> texts;  // every statement, question, answer, note and point, in order
  int64_t last_seq = 0;
  std::string title = "老旧小区加装电梯怎么装";
  std::string unanswered = "楼下住户不同意怎么办？";   // public, never taken up
  std::string rejected = "这是一条广告，加微信";          // rejected by the host
  std::string commitment = "年底前完成两栋楼的加装试点";
  std::string progress = "试点楼栋已完成设计招标";
  std::string background = "东街道老旧小区多，居民对加装电梯呼声高，但意见不一。";
  std::string lessons = "会前入户调研，会上让部门当场答复，会后跟踪办理。";
  std::string clerk_token;
  std::string dept_token;
};

Scripted run_scripted_session(const ServerProcess& srv) {
  Scripted sc;
  sc.s = create_session(srv, json{{"title", sc.title},
                                  {"topic", "老旧小区加装电梯"},
                                  {"venue", "东街道议事厅"},
                                  {"form", "micro"},
                                  {"episode", 12},
                                  {"host_name", "王主任"},
                                  {"settings", {{"ask_interval_s", 0}}}});
  const auto& sid = sc.s.id;
  auto m1 = add_person(srv, sid, "李委员", "member", "民盟界别");
  auto m2 = add_person(srv, sid, "张委员", "member", "经济界别");
  auto dept = add_person(srv, sid, "陈科长", "department", "区住建局");
  auto clerk = add_person(srv, sid, "赵记录", "clerk", "区政协办公室");
  sc.clerk_token = clerk.token;
  sc.dept_token = dept.token;
  WsClient host(srv.port()), c1(srv.port()), c2(srv.port()), cd(srv.port()), ck(srv.port()), a1(srv.port()),
      a2(srv.port());
  staff_join(host, sid, sc.s.host_token);
  staff_join(c1, sid, m1.token);
  staff_join(c2, sid, m2.token);
  staff_join(cd, sid, dept.token);
  staff_join(ck, sid, clerk.token);
  audience_join(a1, sid, "王阿姨", "minutes-aud-1");
  audience_join(a2, sid, "小刘", "minutes-aud-2");
  auto ok = [](const json& r) {
    EXPECT_EQ(r["type"], "ack") << r.dump();
    return r;
  };
  auto note = [&](const std::string& t) {
    ok(ck.request({{"type", "note"}, {"text", t}}));
    sc.texts.push_back(t);
  };
  auto say = [&](WsClient& c, const std::string& t, const std::string& reply_to = "") {
    json r{{"type", "say"}, {"text", t}};
    if (!reply_to.empty()) r["reply_to"] = reply_to;
    ok(c.request(r));
    sc.texts.push_back(t);
  };
  note("会前：到会委员两名，部门代表一名。");
  ok(host.request({{"type", "start"}}));
  say(host, "各位委员、各位听众，今天我们协商老旧小区加装电梯。");
  say(c1, "我认为应当先征求一楼住户意见，费用按楼层分摊。");
  say(c2, "建议政府补贴，降低居民负担，逗号,引号\"也要保留。");
  std::string q_text = "加装电梯的补贴标准是多少？";
  std::string q = ok(a1.request({{"type", "ask"}, {"text", q_text}}))["question"];
  sc.texts.push_back(q_text);
  ok(host.request({{"type", "moderate"}, {"question", q}, {"action", "approve"}}));
  ok(host.request({{"type", "moderate"}, {"question", q}, {"action", "feature"}}));
  ok(host.request({{"type", "floor"}, {"participant", dept.id}}));
  say(cd, "每台电梯补贴二十万元，\n不足部分由业主分摊。", q);
  ok(host.request({{"type", "moderate"}, {"question", q}, {"action", "answered"}}));
  ok(host.request({{"type", "floor"}, {"participant", nullptr}}));
  ok(ck.request({{"type", "commit"}, {"text", sc.commitment}, {"department", dept.id}, {"due", "2026-12-31"},
                 {"question", q}}));
  sc.texts.push_back(sc.commitment);
  note("部门当场答复了补贴标准。");
  std::string open_q = ok(a2.request({{"type", "ask"}, {"text", sc.unanswered}}))["question"];
  ok(host.request({{"type", "moderate"}, {"question", open_q}, {"action", "approve"}}));
  ok(a2.request({{"type", "upvote"}, {"question", open_q}}));
  ok(a1.request({{"type", "upvote"}, {"question", open_q}}));
  std::string bad_q = ok(a1.request({{"type", "ask"}, {"text", sc.rejected}}))["question"];
  ok(host.request({{"type", "moderate"}, {"question", bad_q}, {"action", "reject"}}));
  std::string p1_text = "同意先行试点两栋楼";
  std::string p1 = ok(c1.request({{"type", "propose"}, {"text", p1_text}}))["point"];
  sc.texts.push_back(p1_text);
  ok(c1.request({{"type", "vote"}, {"point", p1}, {"choice", "agree"}}));
  ok(c2.request({{"type", "vote"}, {"point", p1}, {"choice", "agree"}}));
  ok(cd.request({{"type", "vote"}, {"point", p1}, {"choice", "disagree"}}));
  ok(a1.request({{"type", "vote"}, {"point", p1}, {"choice", "agree"}}));
  ok(a2.request({{"type", "vote"}, {"point", p1}, {"choice", "abstain"}}));
  ok(host.request({{"type", "close_point"}, {"point", p1}}));
  std::string p2_text = "建立加装电梯协商议事长效机制";
  ok(host.request({{"type", "propose"}, {"text", p2_text}}));
  sc.texts.push_back(p2_text);
  sc.last_seq = ok(host.request({{"type", "end"}}))["seq"];
  note("会后：纪要已核对。");
  ok(cd.request({{"type", "update_commitment"}, {"commitment", "c1"}, {"status", "in_progress"}, {"text", sc.progress}}));
  ok(ck.request({{"type", "case_text"}, {"section", "background"}, {"text", sc.background}}));
  ok(ck.request({{"type", "case_text"}, {"section", "lessons"}, {"text", sc.lessons}}));
  sc.last_seq += 4;
  return sc;
}

}  // namespace

TEST(Minutes, EveryFormatHoldsTheWholeSessionInOrder) {
  ServerProcess srv;
  auto sc = run_scripted_session(srv);
  const std::string base = "/api/sessions/" + sc.s.id + "/minutes?format=";
  // The staff's edition: every stored event, the clerk's notes included.
  const auto staff = bearer(sc.s.host_token);
  const TempDir temp;
  const std::string& dir = temp.path;

  // Markdown.
  auto md = http(srv.port(), "GET", base + "md", "", staff);
  ASSERT_EQ(md.status, 200) << md.body;
  EXPECT_EQ(md.headers["content-type"], "text/markdown; charset=utf-8");
  EXPECT_NE(md.headers["content-disposition"].find("filename*=UTF-8''"), std::string::npos);
  // The title, percent-encoded (RFC 5987): 老 is E8 80 81.
  EXPECT_NE(md.headers["content-disposition"].find("%E8%80%81"), std::string::npos) << md.headers["content-disposition"];
  std::vector<std::string> md_texts;
  for (auto t : sc.texts) {
    // Markdown keeps a line break inside one entry as two lines; compare the first line.
    md_texts.push_back(t.substr(0, t.find('\n')));
  }
  expect_in_order(md.body, md_texts, "md");
  for (const char* s : {"李委员", "民盟界别", "区住建局", "通过", "校验值"}) EXPECT_NE(md.body.find(s), std::string::npos) << s;
  // A 纪要: the narrative in its order, then the full record as the attachment.
  expect_in_order(md.body,
                  {"# 有事来协商·委员议事厅第12期协商纪要", sc.title, "东街道议事厅", "小微协商", "王主任主持", "**出席**",
                   "**列席**", "陈科长（区住建局）", "应到3人，实到3人", "## 一、主要发言要点", "## 二、群众提问与答复",
                   "获赞 0", "会上未及答复的提问1条", sc.unanswered, "获赞 2", "## 三、形成的共识", "会议议定",
                   "## 四、会后工作安排", sc.commitment, "完成时限：2026-12-31", "**记录人**：赵记录", "**审核人**",
                   "## 附件：协商过程记录", "校验值（SHA-256）"},
                  "md structure");
  // Ids, hashes and API paths are the server's, not the reader's: none in the body.
  const std::string narrative = md.body.substr(0, md.body.find("附件：协商过程记录"));
  for (const std::string& id : {std::string("q1"), std::string("pt1"), std::string("c1"), sc.s.id, std::string("/api/"),
                                std::string("SHA-256")})
    EXPECT_EQ(narrative.find(id), std::string::npos) << id;

  // HTML.
  auto html = http(srv.port(), "GET", base + "html", "", staff);
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.headers["content-type"], "text/html; charset=utf-8");
  std::vector<std::string> html_texts;
  for (auto t : md_texts) {
    std::string e;
    for (char c : t) e += c == '"' ? std::string("&quot;") : std::string(1, c);
    html_texts.push_back(e);
  }
  expect_in_order(html.body, html_texts, "html");
  expect_in_order(html.body,
                  {"<h1>有事来协商·委员议事厅第12期协商纪要</h1>", "<h2>一、主要发言要点</h2>", "<h2>二、群众提问与答复</h2>",
                   "<h2>三、形成的共识</h2>", "<h2>四、会后工作安排</h2>", "<h2 class=\"attachment\">附件：协商过程记录</h2>"},
                  "html structure");
  EXPECT_NE(html.body.find("@page"), std::string::npos);

  // JSON: validates against the documented schema and round-trips.
  auto js = http(srv.port(), "GET", base + "json", "", staff);
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.headers["content-type"], "application/json");
  auto doc = json::parse(js.body);
  EXPECT_EQ(json::parse(doc.dump()), doc);
  ASSERT_EQ(doc["events"].size(), static_cast<size_t>(sc.last_seq));
  write_file(dir + "/minutes.json", js.body);
  auto validation = run_command("/usr/bin/python3 -c \"import json,sys,jsonschema; "
                                "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))); "
                                "print('valid')\" " + dir + "/minutes.json " YST_SOURCE_DIR "/docs/minutes.schema.json 2>&1");
  EXPECT_EQ(validation, "valid\n");
  std::string all_json_text;
  for (const auto& e : doc["events"])
    if (e["data"].contains("text")) all_json_text += e["data"]["text"].get<std::string>() + "\x1f";
  expect_in_order(all_json_text, sc.texts, "json");

  // CSV: Python's csv module reads one row per event, text byte for byte.
  auto csv = http(srv.port(), "GET", base + "csv", "", staff);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.headers["content-type"].rfind("text/csv", 0), 0u);
  ASSERT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  write_file(dir + "/minutes.csv", csv.body);
  auto rows = json::parse(run_command(
      "/usr/bin/python3 -c \"import csv,json,sys; "
      "r=list(csv.DictReader(open(sys.argv[1],encoding='utf-8-sig',newline=''))); "
      "print(json.dumps([{'seq':x['seq'],'kind':x['kind'],'text':x['text']} for x in r]))\" " + dir + "/minutes.csv"));
  ASSERT_EQ(rows.size(), static_cast<size_t>(sc.last_seq));
  std::string all_csv_text;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["seq"], std::to_string(i + 1));
    if (!rows[i]["text"].get<std::string>().empty()) all_csv_text += rows[i]["text"].get<std::string>() + "\x1f";
  }
  expect_in_order(all_csv_text, sc.texts, "csv");
  EXPECT_NE(all_csv_text.find("每台电梯补贴二十万元，\n不足部分由业主分摊。"), std::string::npos);

  // DOCX: LibreOffice opens it and the same text comes out.
  auto docx = http(srv.port(), "GET", base + "docx", "", staff);
  ASSERT_EQ(docx.status, 200);
  EXPECT_EQ(docx.headers["content-type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(docx.body.substr(0, 2), "PK");
  write_file(dir + "/minutes.docx", docx.body);
  run_command("cd " + dir + " && HOME=" + dir + " timeout 120 soffice --headless --norestore -env:UserInstallation=file://" +
              dir + "/lo --convert-to txt:Text minutes.docx >/dev/null 2>&1");
  std::string txt = read_file(dir + "/minutes.txt");
  ASSERT_FALSE(txt.empty()) << "LibreOffice did not convert the docx";
  expect_in_order(txt, md_texts, "docx");
  EXPECT_NE(txt.find("李委员"), std::string::npos);

  // Printed in the official layout (16 pt at a fixed 28 pt pitch, 22 lines a page), this
  // session's minutes fill five pages; line spacing that grows with the font, a document
  // grid or a stranded heading would add pages. The bound catches that.
  run_command("cd " + dir + " && HOME=" + dir + " timeout 120 soffice --headless --norestore -env:UserInstallation=file://" +
              dir + "/lo --convert-to pdf minutes.docx >/dev/null 2>&1");
  const std::string info = run_command("pdfinfo " + dir + "/minutes.pdf 2>/dev/null");
  const size_t at = info.find("Pages:");
  ASSERT_NE(at, std::string::npos) << "LibreOffice did not make a PDF: " << info;
  const int pages = std::atoi(info.c_str() + at + 6);
  const std::string size = info.substr(info.find("Page size:"), 40);
  EXPECT_NE(size.find("595.3"), std::string::npos) << "A4: " << size;
  EXPECT_GE(pages, 2);
  EXPECT_LE(pages, kMaxMinutesPages) << "the scripted session's minutes grew to " << pages << " pages";
  // The 纪要 itself ends within its pages; the attachment starts on a page of its own.
  const std::string printed = run_command("pdftotext -layout " + dir + "/minutes.pdf - 2>/dev/null");
  const size_t attachment_at = printed.find("附件：协商过程记录");
  ASSERT_NE(attachment_at, std::string::npos);
  const auto narrative_pages = std::count(printed.begin(), printed.begin() + attachment_at, '\f');
  EXPECT_LE(narrative_pages, kMaxNarrativePages);
  const size_t page_start = printed.rfind('\f', attachment_at);
  ASSERT_NE(page_start, std::string::npos);
  EXPECT_EQ(printed.substr(page_start + 1, attachment_at - page_start - 1).find_first_not_of(" \n"), std::string::npos)
      << "the attachment starts a page";
  if (const char* samples = std::getenv("YST_SAMPLES_DIR"))
    fs::copy_file(dir + "/minutes.pdf", std::string(samples) + "/minutes.pdf", fs::copy_options::overwrite_existing);

  // YST_SAMPLES_DIR=docs/samples keeps this session's minutes as the documented samples.
  if (const char* samples = std::getenv("YST_SAMPLES_DIR")) {
    fs::create_directories(samples);
    write_file(std::string(samples) + "/minutes.md", md.body);
    write_file(std::string(samples) + "/minutes.html", html.body);
    write_file(std::string(samples) + "/minutes.json", js.body);
    write_file(std::string(samples) + "/minutes.csv", csv.body);
    write_file(std::string(samples) + "/minutes.docx", docx.body);
    write_file(std::string(samples) + "/minutes-docx-as-text.txt", txt);
  }

  // The command-line export writes the same minutes without the server's help.
  auto out = dir + "/export.md";
  int rc = std::system((std::string(YST_BINARY) + " export " + srv.store_flag() + " --session " + sc.s.id +
                        " --format md -o " + out + " 2>/dev/null")
                           .c_str());
  EXPECT_EQ(rc, 0);
  expect_in_order(read_file(out), md_texts, "export md");
}

TEST(Minutes, AccessIsForStaffUntilTheSessionEnds) {
  ServerProcess srv;
  auto s = create_session(srv);
  auto member = add_participant(srv, s.id, "李委员", "member");
  const std::string url = "/api/sessions/" + s.id + "/minutes?format=md";
  EXPECT_EQ(http(srv.port(), "GET", url).status, 401);
  EXPECT_EQ(http(srv.port(), "GET", url, "", bearer("not-a-real-token-at-all")).status, 403);
  EXPECT_EQ(http(srv.port(), "GET", url, "", bearer(member)).status, 200);
  EXPECT_EQ(http(srv.port(), "GET", "/api/sessions/" + s.id + "/minutes?format=pdf", "", bearer(member)).status, 400);
  WsClient host(srv.port());
  staff_join(host, s.id, s.host_token);
  host.request({{"type", "start"}});
  host.request({{"type", "end"}});
  EXPECT_EQ(http(srv.port(), "GET", url).status, 200);
}

TEST(Minutes, WithoutATokenTheMinutesHoldOnlyWhatTheAudienceSaw) {
  ServerProcess srv;
  auto s = create_session(srv);
  auto clerk = add_person(srv, s.id, "赵记录", "clerk", "区政协办公室");
  // Three phones: each may ask once per ask_interval_s.
  WsClient host(srv.port()), ck(srv.port()), a1(srv.port()), a2(srv.port()), a3(srv.port());
  staff_join(host, s.id, s.host_token);
  staff_join(ck, s.id, clerk.token);
  audience_join(a1, s.id, "王阿姨", "public-minutes-aud-1");
  audience_join(a2, s.id, "小刘", "public-minutes-aud-2");
  audience_join(a3, s.id, "老陈", "public-minutes-aud-3");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  const std::string shown = "加装电梯的补贴标准是多少？";
  const std::string insult = "主持人是骗子，滚出去";
  const std::string waiting = "垃圾分类点能否挪远一些？";
  const std::string note = "记录员内部备注：部门答复偏慢。";
  std::string q1 = a1.request({{"type", "ask"}, {"text", shown}})["question"];
  std::string q2 = a2.request({{"type", "ask"}, {"text", insult}})["question"];
  ASSERT_EQ(a3.request({{"type", "ask"}, {"text", waiting}})["type"], "ack");
  ASSERT_EQ(host.request({{"type", "moderate"}, {"question", q1}, {"action", "approve"}})["type"], "ack");
  ASSERT_EQ(host.request({{"type", "moderate"}, {"question", q2}, {"action", "reject"}, {"reason", "不文明用语"}})["type"], "ack");
  ASSERT_EQ(ck.request({{"type", "note"}, {"text", note}})["type"], "ack");
  ASSERT_EQ(host.request({{"type", "end"}})["type"], "ack");

  const std::string base = "/api/sessions/" + s.id + "/minutes?format=";
  for (const char* format : {"md", "html", "csv", "json"}) {
    SCOPED_TRACE(format);
    auto pub = http(srv.port(), "GET", base + format);
    ASSERT_EQ(pub.status, 200) << pub.body;
    EXPECT_NE(pub.body.find(shown), std::string::npos);
    for (const auto& hidden : {insult, waiting, note, std::string("不文明用语")})
      EXPECT_EQ(pub.body.find(hidden), std::string::npos) << "the public minutes leak: " << hidden;
    auto full = http(srv.port(), "GET", base + format, "", bearer(clerk.token));
    ASSERT_EQ(full.status, 200);
    for (const auto& all : {shown, insult, waiting, note}) EXPECT_NE(full.body.find(all), std::string::npos) << all;
  }
  // The case report too: public once ended, with the public's questions only.
  for (const char* format : {"md", "html"}) {
    SCOPED_TRACE(std::string("case ") + format);
    auto pub = http(srv.port(), "GET", "/api/sessions/" + s.id + "/case?format=" + format);
    ASSERT_EQ(pub.status, 200) << pub.body;
    EXPECT_NE(pub.body.find(shown), std::string::npos);
    for (const auto& hidden : {insult, waiting, note, std::string("不文明用语")})
      EXPECT_EQ(pub.body.find(hidden), std::string::npos) << "the public case report leaks: " << hidden;
  }
  // The public edition names the head of the whole log, the one /verify recomputes.
  auto pub = http(srv.port(), "GET", base + "json").json_body();
  auto verify = http(srv.port(), "GET", "/api/sessions/" + s.id + "/verify").json_body();
  EXPECT_EQ(pub["edition"], "public");
  EXPECT_EQ(pub["chain"]["head"], verify["head"]);
  EXPECT_EQ(pub["chain"]["events"], verify["events"]);
  EXPECT_EQ(http(srv.port(), "GET", base + "json", "", bearer(clerk.token)).json_body()["edition"], "full");
}

TEST(Minutes, ChaptersGiveTheReplayItsMarks) {
  ServerProcess srv;
  auto s = create_session(srv);
  auto member = add_person(srv, s.id, "李委员", "member", "民盟界别");
  WsClient host(srv.port()), a1(srv.port()), a2(srv.port());
  staff_join(host, s.id, s.host_token);
  audience_join(a1, s.id, "王阿姨", "chapters-aud-1");
  audience_join(a2, s.id, "小刘", "chapters-aud-2");
  const std::string url = "/api/sessions/" + s.id + "/chapters.vtt";
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  ASSERT_EQ(host.request({{"type", "on_air"}})["type"], "ack");
  ASSERT_EQ(host.request({{"type", "floor"}, {"participant", member.id}, {"seconds", 120}})["type"], "ack");
  const std::string kept = "补贴标准是多少？", dropped = "这个问题后来被撤销";
  std::string q1 = a1.request({{"type", "ask"}, {"text", kept}})["question"];
  std::string q2 = a2.request({{"type", "ask"}, {"text", dropped}})["question"];
  for (const auto& q : {q1, q2}) host.request({{"type", "moderate"}, {"question", q}, {"action", "approve"}});
  ASSERT_EQ(host.request({{"type", "moderate"}, {"question", q2}, {"action", "feature"}})["type"], "ack");
  ASSERT_EQ(host.request({{"type", "moderate"}, {"question", q2}, {"action", "reject"}})["type"], "ack");
  ASSERT_EQ(host.request({{"type", "moderate"}, {"question", q1}, {"action", "feature"}})["type"], "ack");

  EXPECT_EQ(http(srv.port(), "GET", url).status, 401) << "live: staff only";
  auto live = http(srv.port(), "GET", url, "", bearer(s.host_token));
  ASSERT_EQ(live.status, 200);
  EXPECT_EQ(live.headers["content-type"], "text/vtt; charset=utf-8");
  EXPECT_EQ(live.body.rfind("WEBVTT\n", 0), 0u);
  EXPECT_NE(live.body.find("\n00:00:00."), std::string::npos) << "timed from the on-air mark: " << live.body;
  EXPECT_NE(live.body.find("发言：李委员（政协委员）"), std::string::npos) << live.body;
  EXPECT_NE(live.body.find("群众提问：" + kept), std::string::npos);
  EXPECT_NE(live.body.find(dropped), std::string::npos) << "staff see every featured question";

  ASSERT_EQ(host.request({{"type", "end"}})["type"], "ack");
  auto pub = http(srv.port(), "GET", url);
  ASSERT_EQ(pub.status, 200);
  EXPECT_NE(pub.body.find("群众提问：" + kept), std::string::npos);
  EXPECT_EQ(pub.body.find(dropped), std::string::npos) << "rejected later: not in the public replay";
}

TEST(Minutes, VerifyHoldsForAFreshSessionAndNamesTheFirstEditedSeq) {
  if (ServerProcess::on_postgresql()) GTEST_SKIP() << "edits the SQLite file behind the server's back";
  ServerProcess srv;
  auto s = create_session(srv);
  WsClient host(srv.port());
  staff_join(host, s.id, s.host_token);
  host.request({{"type", "start"}});
  for (int i = 0; i < 5; ++i) host.request({{"type", "say"}, {"text", "发言" + std::to_string(i)}});
  auto v = http(srv.port(), "GET", "/api/sessions/" + s.id + "/verify").json_body();
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["events"], 6);
  EXPECT_TRUE(v["first_bad_seq"].is_null());
  EXPECT_EQ(v["head"].get<std::string>().size(), 64u);
  // Someone edits one stored statement behind the server's back.
  std::string db = srv.data_dir() + "/yishiting.db";
  int rc = std::system(("sqlite3 " + db + " \"UPDATE events SET data_json='{\\\"text\\\":\\\"篡改\\\"}' WHERE session_id='" +
                        s.id + "' AND seq=4\"")
                           .c_str());
  ASSERT_EQ(rc, 0);
  v = http(srv.port(), "GET", "/api/sessions/" + s.id + "/verify").json_body();
  EXPECT_EQ(v["ok"], false);
  EXPECT_EQ(v["first_bad_seq"], 4);
}

// The case report of the scripted session printed in the official layout (measured with
// Debian's LibreOffice 7.4 and fonts-noto-cjk: three pages).
constexpr int kMaxCasePages = 3;

// Prints a docx to PDF with LibreOffice in `dir`; the number of A4 pages, or 0.
int printed_a4_pages(const std::string& dir, const std::string& name) {
  run_command("cd " + dir + " && HOME=" + dir + " timeout 120 soffice --headless --norestore -env:UserInstallation=file://" +
              dir + "/lo --convert-to pdf " + name + ".docx >/dev/null 2>&1");
  const std::string info = run_command("pdfinfo " + dir + "/" + name + ".pdf 2>/dev/null");
  const size_t at = info.find("Pages:");
  if (at == std::string::npos || info.find("595.3") == std::string::npos) return 0;
  return std::atoi(info.c_str() + at + 6);
}

TEST(Case, ThePublicReadsTheReportAfterTheEndWithTheLatestProgress) {
  ServerProcess srv;
  {
    auto s = create_session(srv);
    const std::string url = "/api/sessions/" + s.id + "/case?format=md";
    EXPECT_EQ(http(srv.port(), "GET", url).status, 401) << "staff only before the end";
    EXPECT_EQ(http(srv.port(), "GET", url, "", bearer(s.host_token)).status, 200);
    EXPECT_EQ(http(srv.port(), "GET", "/api/sessions/" + s.id + "/case?format=json", "", bearer(s.host_token)).status, 400);
  }
  auto sc = run_scripted_session(srv);
  const std::string base = "/api/sessions/" + sc.s.id + "/case?format=";
  auto md = http(srv.port(), "GET", base + "md");
  ASSERT_EQ(md.status, 200) << md.body;
  EXPECT_EQ(md.headers["content-type"], "text/markdown; charset=utf-8");
  EXPECT_NE(md.headers["content-disposition"].find("%E5%8D%8F%E5%95%86%E6%A1%88%E4%BE%8B"), std::string::npos)
      << "协商案例 in the file name: " << md.headers["content-disposition"];
  expect_in_order(md.body,
                  {"# 有事来协商·委员议事厅第12期协商案例", "## 一、协商背景", sc.background, "东街道议事厅", "小微协商",
                   "## 二、协商过程", sc.unanswered, "## 三、协商成果", "同意先行试点两栋楼", "## 四、落实情况",
                   sc.commitment, "办理中", sc.progress, "## 五、经验启示", sc.lessons},
                  "case md");
  for (const std::string& hidden : {sc.rejected, std::string("部门当场答复了补贴标准。")})
    EXPECT_EQ(md.body.find(hidden), std::string::npos) << "the public case report leaks: " << hidden;

  // 落实情况 is as of the export: a report after the programme shows in the next one.
  WsClient dept(srv.port());
  staff_join(dept, sc.s.id, sc.dept_token);
  const std::string done = "两栋楼电梯已投入使用";
  ASSERT_EQ(dept.request({{"type", "update_commitment"}, {"commitment", "c1"}, {"status", "done"}, {"text", done}})["type"],
            "ack");
  auto later = http(srv.port(), "GET", base + "md");
  expect_in_order(later.body, {"## 四、落实情况", "1项承诺事项已办结1项", sc.commitment, "已办结", done}, "case md later");

  auto html = http(srv.port(), "GET", base + "html");
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.headers["content-type"], "text/html; charset=utf-8");
  expect_in_order(html.body, {"<h2>一、协商背景</h2>", "<h2>二、协商过程</h2>", "<h2>三、协商成果</h2>", "<h2>四、落实情况</h2>",
                              "<h2>五、经验启示</h2>"},
                  "case html");
  auto docx = http(srv.port(), "GET", base + "docx");
  ASSERT_EQ(docx.status, 200);
  EXPECT_EQ(docx.headers["content-type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  auto dir = ServerProcess::make_temp_dir();
  write_file(dir + "/case.docx", docx.body);
  const int pages = printed_a4_pages(dir, "case");
  EXPECT_GE(pages, 1) << "LibreOffice did not print the case report on A4";
  EXPECT_LE(pages, kMaxCasePages);
  // The office can print it without the server running.
  const std::string exported = dir + "/export-case.md";
  EXPECT_EQ(std::system((std::string(YST_BINARY) + " export " + srv.store_flag() + " --session " + sc.s.id +
                         " --document case --format md -o " + exported + " 2>/dev/null")
                            .c_str()),
            0);
  expect_in_order(read_file(exported), {"## 一、协商背景", sc.background, "## 四、落实情况", done, "## 五、经验启示"},
                  "exported case");
  if (const char* samples = std::getenv("YST_SAMPLES_DIR")) {
    fs::create_directories(samples);
    write_file(std::string(samples) + "/case.md", later.body);
    write_file(std::string(samples) + "/case.html", html.body);
    write_file(std::string(samples) + "/case.docx", docx.body);
    fs::copy_file(dir + "/case.pdf", std::string(samples) + "/case.pdf", fs::copy_options::overwrite_existing);
  }
  fs::remove_all(dir);
}

// Writes tests/fixtures/release-schema2.db: the scripted session as the release with
// schema 2 stores it. Run by hand (--gtest_also_run_disabled_tests) with
// YST_FIXTURE_OUT=tests/fixtures/release-schema2.db, once, before the schema changes.
TEST(Fixture, DISABLED_WriteTheScriptedSessionsDatabase) {
  const char* out = std::getenv("YST_FIXTURE_OUT");
  ASSERT_NE(out, nullptr) << "set YST_FIXTURE_OUT";
  ServerProcess srv;
  srv.keep_data();
  auto sc = run_scripted_session(srv);
  write_file(srv.data_dir() + "/fixture-session-id", sc.s.id);
  ASSERT_EQ(srv.stop(), 0);
  fs::copy_file(srv.data_dir() + "/yishiting.db", out, fs::copy_options::overwrite_existing);
  std::printf("session %s written to %s\n", sc.s.id.c_str(), out);
  fs::remove_all(srv.data_dir());
}

// A database written by an earlier release opens in this one with every session intact:
// the checked-in fixture is migrated, and the scripted session's record, minutes and
// commitments are as they were.
TEST(Upgrade, TheEarlierReleasesDatabaseOpensWithEverySessionIntact) {
  if (ServerProcess::on_postgresql()) GTEST_SKIP() << "the fixture is a SQLite file (PostgreSQL: Migrate.*)";
  const std::string data = ServerProcess::make_temp_dir();
  fs::copy_file(YST_SOURCE_DIR "/tests/fixtures/release-schema2.db", data + "/yishiting.db");
  ServerProcess srv({}, data);
  auto sessions = http(srv.port(), "GET", "/api/sessions").json_body();
  ASSERT_EQ(sessions.size(), 1u);
  const std::string sid = sessions[0]["id"];
  EXPECT_EQ(sessions[0]["status"], "ended");
  auto snap = http(srv.port(), "GET", "/api/sessions/" + sid).json_body();
  EXPECT_EQ(snap["title"], "老旧小区加装电梯怎么装");
  EXPECT_EQ(snap["venue"], "东街道议事厅");
  EXPECT_EQ(snap["episode"], 12);
  ASSERT_EQ(snap["commitments"].size(), 1u);
  EXPECT_EQ(snap["commitments"][0]["status"], "in_progress");
  auto verify = http(srv.port(), "GET", "/api/sessions/" + sid + "/verify").json_body();
  EXPECT_TRUE(verify["ok"]);
  EXPECT_EQ(verify["events"], 27);
  auto md = http(srv.port(), "GET", "/api/sessions/" + sid + "/minutes?format=md");
  ASSERT_EQ(md.status, 200);
  expect_in_order(md.body, {"## 一、主要发言要点", "我认为应当先征求一楼住户意见", "## 四、会后工作安排", "年底前完成两栋楼的加装试点"},
                  "migrated minutes");
  srv.stop();
  fs::remove_all(data);
}

// The office moves to PostgreSQL: `yishiting migrate` copies a SQLite data directory (the
// earlier release's fixture) into an empty database, verifies every chain, and a server on
// that database serves the same sessions.
TEST(Migrate, ASqliteDataDirectoryMovesIntoPostgresqlIntact) {
  if (!ServerProcess::on_postgresql()) GTEST_SKIP() << "runs with YST_TEST_STORE=postgresql";
  const std::string from = ServerProcess::make_temp_dir();
  fs::copy_file(YST_SOURCE_DIR "/tests/fixtures/release-schema2.db", from + "/yishiting.db");
  const std::string data = ServerProcess::make_temp_dir();
  const std::string url = *ServerProcess::postgresql_store(data);
  const std::string migrate = std::string(YST_BINARY) + " migrate --from " + from + " --to " + url + " 2>&1";
  const std::string said = run_command(migrate);
  EXPECT_NE(said.find("copied 1 sessions (27 events, every chain verified)"), std::string::npos) << said;
  EXPECT_NE(run_command(migrate).find("already holds data"), std::string::npos) << "never into a database in use";
  {
    ServerProcess srv({}, data);
    auto sessions = http(srv.port(), "GET", "/api/sessions").json_body();
    ASSERT_EQ(sessions.size(), 1u);
    const std::string sid = sessions[0]["id"];
    auto verify = http(srv.port(), "GET", "/api/sessions/" + sid + "/verify").json_body();
    EXPECT_TRUE(verify["ok"]);
    EXPECT_EQ(verify["events"], 27);
    auto snap = http(srv.port(), "GET", "/api/sessions/" + sid).json_body();
    EXPECT_EQ(snap["commitments"][0]["status"], "in_progress");
    EXPECT_EQ(snap["peak_audience"], 2);
  }
  ServerProcess::drop_postgresql_store(data);
  fs::remove_all(from);
  fs::remove_all(data);
}
