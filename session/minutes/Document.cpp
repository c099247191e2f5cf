#include "session/minutes/Document.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "session/minutes/Escape.hpp"
#include "session/EventData.hpp"
#include "session/minutes/Labels.hpp"
#include "session/minutes/Time.hpp"
#include "session/Vocabulary.hpp"

namespace yst::minutes {

namespace {

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

// One role's votes in a stored TALLY (`by_role`), empty when the tally has none.
json role_counts(const json& tally, std::string_view role) {
  if (!tally.is_object() || !tally.contains("by_role")) return json::object();
  const json& by_role = tally["by_role"];
  const std::string key(role);
  return by_role.is_object() && by_role.contains(key) ? by_role[key] : json::object();
}

// The counted roles' votes of a closed point: its `counted` (contract v2), or for a point
// closed before v2 the sum of those roles in `by_role`.
json counted_tally(const json& tally, const std::vector<Role>& counted) {
  if (tally.is_object() && tally.contains("counted") && tally["counted"].is_object()) return tally["counted"];
  json sum{{"agree", 0}, {"disagree", 0}, {"abstain", 0}};
  for (Role r : counted) {
    const json votes = role_counts(tally, to_string(r));
    for (const char* c : {"agree", "disagree", "abstain"}) sum[c] = sum[c].get<int>() + int_field(votes, c);
  }
  return sum;
}

// "8 / 3 / 1": agree, disagree, abstain.
std::string tally_cell(const json& t) {
  return std::to_string(int_field(t, "agree")) + " / " + std::to_string(int_field(t, "disagree")) + " / " +
         std::to_string(int_field(t, "abstain"));
}

// "2026-11-26 21:30:00［0:01:23］  ", which opens every entry that stands for one
// event: the timecode (from the on-air mark, else the start) finds the moment in the
// recording.
std::string stamp(const Event& e, const Model& m) {
  const auto tc = m.timecode_of(e.at_ms);
  // The date once the attachment has said it: only a moment on another day repeats it.
  const std::string at = cst_datetime(e.at_ms);
  const bool same_day = m.started_ms && cst_date(*m.started_ms) == at.substr(0, 10);
  return (same_day ? at.substr(11) : at) + (tc ? "［" + *tc + "］" : std::string()) + "  ";
}

// "张三、李四": names joined with the enumeration comma.
std::string joined(const std::vector<std::string>& parts, std::string_view sep = "、") {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

std::string name_with_affiliation(const Participant& p) {
  return p.name + (p.affiliation.empty() ? std::string() : "（" + p.affiliation + "）");
}

std::vector<const Participant*> with_role(const MinutesInput& in, Role r) {
  std::vector<const Participant*> out;
  for (const auto& p : in.participants)
    if (p.role == r) out.push_back(&p);
  return out;
}

// Paragraphs of text the clerk wrote, one block per line they typed.
void add_text(std::vector<Block>& doc, const std::string& text, std::string_view missing) {
  bool any = false;
  std::string line;
  auto flush = [&] {
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      doc.push_back(make(BlockType::para, {{line}}));
      any = true;
    }
    line.clear();
  };
  for (char c : text) {
    if (c == '\n') flush();
    else line += c;
  }
  flush();
  if (!any) doc.push_back(make(BlockType::para, {{std::string(missing)}}, "placeholder"));
}

// The public's questions that reached the room (made public, not taken down or merged).
std::vector<const QuestionRec*> public_questions(const Model& m) {
  std::vector<const QuestionRec*> out;
  for (const auto& q : m.questions)
    if (q.made_public && q.status != "rejected" && q.status != "merged" && q.status != "pending") out.push_back(&q);
  return out;
}

bool taken_up(const QuestionRec& q) { return q.status == "answered" || q.replied(); }

std::string percent(int part, int whole) {
  if (whole <= 0) return "0%";
  return std::to_string((part * 100 + whole / 2) / whole) + "%";
}

// When and where, who presided and on what: the opening sentence of both documents.
std::string opening_sentence(const MinutesInput& in, const Model& m, std::string_view verb) {
  const SessionInfo& info = in.info;
  std::string s;
  if (m.started_ms) {
    s += cst_date_cn(*m.started_ms) + cst_clock(*m.started_ms);
    if (m.ended_ms) s += "至" + cst_clock(*m.ended_ms);
    s += "，";
  } else if (!info.scheduled_at.empty()) {
    s += "预定于" + display_time_as_given(info.scheduled_at) + "，";
  }
  s += "区政协";
  if (!info.venue.empty()) s += "在" + info.venue;
  s += std::string(verb) + "“" + std::string(kProgramme) + "”" +
       (info.episode > 0 ? "第" + std::to_string(info.episode) + "期" : std::string()) + "协商活动";
  if (!info.form.empty()) s += "（" + std::string(term("form", info.form).zh) + "）";
  s += "，围绕“" + (info.topic.empty() ? info.title : info.topic) + "”开展协商";
  const auto hosts = with_role(in, Role::host);
  if (!hosts.empty()) {
    std::vector<std::string> names;
    for (const auto* h : hosts) names.push_back(h->name);
    s += "。会议由" + joined(names) + "主持";
  }
  s += "，通过网络直播线上线下同步进行。";
  return s;
}

// A line of attendance: the word in bold, a full-width colon, the names.
void add_attendance_line(std::vector<Block>& doc, std::string label, std::string names) {
  doc.push_back(make(BlockType::para, {{std::move(label), true}, {"：" + std::move(names)}}, "attendance"));
}

void add_attendance(std::vector<Block>& doc, const MinutesInput& in, const Model& m) {
  std::vector<std::string> present, attending;
  for (const auto* p : with_role(in, Role::host)) present.push_back(p->name + "（主持人）");
  for (const auto* p : with_role(in, Role::member)) present.push_back(name_with_affiliation(*p));
  for (const auto* p : with_role(in, Role::department)) attending.push_back(name_with_affiliation(*p));
  add_attendance_line(doc, "出席", present.empty() ? "（未登记）" : joined(present));
  if (!attending.empty()) add_attendance_line(doc, "列席", joined(attending));
  // 应到: everyone whose vote counts; 实到: those of them with something on record.
  int expected = 0, present_count = 0;
  for (const auto& p : in.participants)
    if (std::find(m.counted_roles.begin(), m.counted_roles.end(), p.role) != m.counted_roles.end()) {
      ++expected;
      if (m.active.count(p.id)) ++present_count;
    }
  std::vector<std::string> roles;
  for (Role r : m.counted_roles) roles.push_back(std::string(role_cn(r)));
  if (expected > 0)
    add_attendance_line(doc, "表决人员",
                        "应到" + std::to_string(expected) + "人，实到" + std::to_string(present_count) + "人（" +
                            joined(roles) + "；以会上发言、表决等记录计）");
  // The public edition knows an asker by the name shown, not by who they are.
  std::set<std::string> askers;
  for (const auto& q : m.questions) askers.insert(q.asker.empty() ? "name:" + q.name : q.asker);
  add_attendance_line(doc, "群众参与",
                      "在线听众峰值" + std::to_string(in.peak_audience) + "人，" + std::to_string(askers.size()) +
                          "人提问" + std::to_string(m.questions.size()) + "条");
}

// What each member and department said, by speaker, in the order they first spoke;
// answers to the public's questions go with the questions.
void add_main_points(std::vector<Block>& doc, const Model& m) {
  std::vector<std::pair<std::optional<Actor>, std::vector<const Event*>>> by_speaker;
  for (const Event* e : m.events) {
    if (e->kind != "statement" || !str_field(e->data, "reply_to").empty()) continue;
    const std::string who = e->by ? e->by->participant : std::string();
    auto it = std::find_if(by_speaker.begin(), by_speaker.end(),
                           [&](const auto& s) { return (s.first ? s.first->participant : std::string()) == who; });
    if (it == by_speaker.end()) it = by_speaker.insert(by_speaker.end(), {e->by, {}});
    it->second.push_back(e);
  }
  if (by_speaker.empty()) doc.push_back(make(BlockType::para, {{"（会上无文字发言记录）"}}, "placeholder"));
  for (const auto& [who, said_list] : by_speaker) {
    std::vector<Run> runs{{actor_label(who, m) + "指出：", true}};
    for (size_t i = 0; i < said_list.size(); ++i)
      runs.push_back({(i ? "\n" : "") + str_field(said_list[i]->data, "text")});
    doc.push_back(make(BlockType::para, std::move(runs), "speaker"));
  }
}

void add_clerk_notes(std::vector<Block>& doc, const Model& m) {
  if (m.notes.empty()) return;
  doc.push_back(heading(3, "（记录员整理）"));
  // A note after the approval does not change what was approved: it is an addendum.
  for (const Event* n : m.notes) {
    const bool addendum = m.approval.approved_ms && n->at_ms > *m.approval.approved_ms;
    doc.push_back(make(BlockType::para, {{addendum ? "（审核后补记）：" : ""}, {str_field(n->data, "text")}}, "notes"));
  }
}

// The public's questions with their support and the answers given; the ones not taken
// up are listed apart, for the office to hand on.
void add_public_questions(std::vector<Block>& doc, const Model& m) {
  const auto questions = public_questions(m);
  int answered = 0;
  for (const auto* q : questions) answered += taken_up(*q);
  doc.push_back(make(BlockType::para,
                     {{"直播期间，听众提交提问" + std::to_string(m.questions.size()) + "条，经主持人审核公开" +
                       std::to_string(questions.size()) + "条，其中" + std::to_string(answered) +
                       "条在会上得到答复。"}}));
  int n = 0;
  for (const auto* q : questions) {
    if (!taken_up(*q)) continue;
    doc.push_back(make(BlockType::para,
                       {{"（" + std::to_string(++n) + "）", true},
                        {q->text},
                        {"（提问人：" + (q->name.empty() ? std::string("匿名") : q->name) + "，获赞 " +
                         std::to_string(q->upvotes) + "）"}},
                       "question"));
    for (const Event* a : q->answers)
      doc.push_back(make(BlockType::para, {{actor_label(a->by, m) + "答复：", true}, {str_field(a->data, "text")}},
                         "answer"));
    if (q->answers.empty()) doc.push_back(make(BlockType::para, {{"（现场口头答复，未留文字记录）"}}, "answer"));
  }
  std::vector<const QuestionRec*> open;
  for (const auto* q : questions)
    if (!taken_up(*q)) open.push_back(q);
  if (open.empty()) return;
  doc.push_back(make(BlockType::para, {{"会上未及答复的提问" + std::to_string(open.size()) + "条："}}));
  for (const auto* q : open)
    doc.push_back(make(BlockType::item,
                       {{q->text}, {"（" + (q->name.empty() ? std::string("匿名") : q->name) + "，获赞 " +
                                    std::to_string(q->upvotes) + "）"}},
                       "open-questions"));
}

// How the outcome was decided, in words, before the table of votes.
Block vote_rule(const Settings& settings) {
  std::string counted;
  for (Role r : settings.counted_roles)
    if (r != Role::audience) counted += (counted.empty() ? "" : "、") + std::string(role_cn(r));
  char threshold[32];
  std::snprintf(threshold, sizeof threshold, "%.1f%%", settings.consensus_threshold * 100.0);
  return make(BlockType::para,
              {{"共识点由" + counted + "表决，赞成票占赞成与反对票之和达到" + threshold +
                "即为采纳；票数按“赞成 / 反对 / 弃权”列出。听众投票单独统计，仅作民意参考，不影响结果。"}},
              "note-small");
}

void add_points(std::vector<Block>& doc, const Settings& settings, const Model& m) {
  if (m.points.empty()) {
    doc.push_back(make(BlockType::para, {{"本次协商未提出共识点。"}}));
    return;
  }
  std::vector<std::string> adopted;
  for (const auto& p : m.points)
    if (p.closed && p.outcome == "adopted") adopted.push_back(p.text);
  doc.push_back(make(BlockType::para, {{"会议提出共识点" + std::to_string(m.points.size()) + "项，表决采纳" +
                                        std::to_string(adopted.size()) + "项。"}}));
  int n = 0;
  for (const auto& text : adopted)
    doc.push_back(make(BlockType::para, {{"会议议定：", true}, {std::to_string(++n) + ". " + text}}, "agreed"));
  doc.push_back(vote_rule(settings));
  // The roles that decide, then their sum (the result), then the audience's advisory vote
  // apart: adding the audience in would show a result the rule did not decide.
  const std::vector<Role>& counted = m.counted_roles;
  Block t = make(BlockType::table, {}, "points");
  t.rows.push_back({"序号", "共识点"});
  for (Role r : counted) t.rows[0].push_back(std::string(role_cn(r)));
  for (const char* h : {"计入结果", "结果", "听众（民意参考）"}) t.rows[0].push_back(h);
  // Wide enough that "12 / 3 / 1" stays on one line in 小四 across the type area.
  t.widths = {3, 7};
  for (size_t i = 0; i < counted.size() + 1; ++i) t.widths.push_back(4);
  t.widths.push_back(3);
  t.widths.push_back(5);
  int row_number = 0;
  for (const auto& p : m.points) {
    std::vector<std::string> row{std::to_string(++row_number), p.text};
    auto counts = [&](std::string_view role) { return p.closed ? tally_cell(role_counts(p.tally, role)) : "—"; };
    for (Role r : counted) row.push_back(counts(to_string(r)));
    row.push_back(p.closed ? tally_cell(counted_tally(p.tally, m.counted_roles)) : "—");
    row.push_back(p.closed ? std::string(outcome_cn(p.outcome)) : "未表决完毕");
    row.push_back(counts("audience"));
    t.rows.push_back(std::move(row));
  }
  doc.push_back(std::move(t));
}

// "区住建局（陈科长）": the unit answers for a commitment, its representative made it.
std::string department_label(const Commitment& c, const Model& m) {
  const std::string name = c.department_name.empty() ? c.department : c.department_name;
  auto it = m.participants.find(c.department);
  if (it == m.participants.end() || it->second->affiliation.empty()) return name;
  return it->second->affiliation + "（" + name + "）";
}

// Each commitment: department, what, by when, and how far it has got by `today`.
void add_commitments(std::vector<Block>& doc, const Model& m, const std::string& today, bool with_progress) {
  if (m.commitments.empty()) {
    doc.push_back(make(BlockType::para, {{"本次协商未记录承诺事项。"}}));
    return;
  }
  int n = 0;
  for (const auto& c : m.commitments) {
    std::string tail = "（" + (c.due.empty() ? std::string("未定完成时限") : "完成时限：" + c.due);
    if (with_progress) {
      tail += "；" + std::string(term("commitment_status", c.status).zh);
      if (c.overdue(today)) tail += "，已逾期";
      if (c.updated_ms) tail += "，" + cst_date(*c.updated_ms) + "报告";
    }
    tail += "）";
    doc.push_back(make(BlockType::para,
                       {{std::to_string(++n) + ". " + department_label(c, m) + "：", true},
                        {c.text},
                        {tail}},
                       "commitment"));
    if (with_progress && !c.progress.empty())
      doc.push_back(make(BlockType::para, {{"办理情况：", true}, {c.progress}}, "progress"));
  }
}

void add_sign_off(std::vector<Block>& doc, const MinutesInput& in, const Model& m) {
  std::vector<std::string> clerks;
  for (const auto* p : with_role(in, Role::clerk)) clerks.push_back(p->name);
  const Approval& a = m.approval;
  std::string approver = a.approved_ms ? (a.approved_by ? a.approved_by->name : std::string("主持人")) + "（" +
                                             cst_date_cn(*a.approved_ms) + "审核）"
                         : a.submitted_ms ? std::string("（已提交，待主持人审核）")
                                          : std::string("（草稿，记录员尚未提交审核）");
  doc.push_back(make(BlockType::para, {{"记录人", true}, {"：" + (clerks.empty() ? std::string("—") : joined(clerks))}},
                     "signature"));
  doc.push_back(make(BlockType::para, {{"审核人", true}, {"：" + approver}}, "signature"));
  doc.push_back(make(BlockType::para, {{cst_date_cn(m.ended_ms.value_or(m.started_ms.value_or(in.generated_ms)))}},
                     "date-line"));
}

void add_participants(std::vector<Block>& doc, const std::vector<Participant>& participants) {
  Block t = make(BlockType::table, {}, "participants");
  t.rows.push_back({"角色", "姓名", "单位 / 界别"});
  t.widths = {2, 3, 5};
  for (Role r : {Role::host, Role::member, Role::department, Role::clerk})
    for (const auto& p : participants)
      if (p.role == r) t.rows.push_back({std::string(role_cn(r)), p.name, p.affiliation});
  if (t.rows.size() > 1) {
    doc.push_back(make(BlockType::para, {{"参会人员："}}));
    doc.push_back(std::move(t));
  }
}

void add_timeline(std::vector<Block>& doc, const Model& m) {
  for (const Event* e : m.events) {
    Block b = make(BlockType::item, describe(*e, m), "timeline");
    b.item_cls = "ev kind-" + css_ident(e->kind);
    doc.push_back(std::move(b));
  }
  if (m.events.empty()) doc.push_back(make(BlockType::para, {{"尚无事件记录。"}}));
}

void add_speakers(std::vector<Block>& doc, const Model& m) {
  if (m.speakers.empty()) return;
  doc.push_back(make(BlockType::para, {{"发言时长（自主持人给予发言权起，至发言权交给他人、收回或会议结束止）："}}));
  Block t = make(BlockType::table, {}, "speakers");
  t.rows.push_back({"发言人", "身份", "发言次数", "发言时长", "超时次数"});
  t.widths = {3, 3, 2, 3, 2};
  for (const auto& s : m.speakers)
    t.rows.push_back({s.name.empty() ? s.participant : s.name, std::string(role_cn(s.role)), std::to_string(s.turns),
                      seconds_cn(s.spoken_ms), std::to_string(s.overruns)});
  doc.push_back(std::move(t));
}

// The record's integrity in one sentence a clerk can repeat, with the chain head for
// whoever wants to check it.
void add_integrity_note(std::vector<Block>& doc, const MinutesInput& in, const ChainCheck& chain) {
  std::string s = "注：本记录由系统依据会议中逐条保存的" + std::to_string(chain.events) + "个事件生成";
  if (in.edition == MinutesEdition::audience)
    s += "（本公开版列出其中听众可见的" + std::to_string(in.events.size()) + "个）";
  s += chain.ok ? "，导出时逐条核验，记录完整，未被改动。"
                : "，导出时核验发现第" + std::to_string(chain.first_bad_seq.value_or(0)) +
                      "个事件与原记录不一致，记录可能被改动，请与系统管理员核对。";
  doc.push_back(make(BlockType::para, {{s}}, "chain"));
  doc.push_back(make(BlockType::para,
                     {{"校验值（SHA-256）：" + (chain.head.empty() ? std::string("（尚无事件）") : chain.head)}},
                     "chain"));
}

void add_cover(std::vector<Block>& doc, const MinutesInput& in, const Model& m, std::string_view kind) {
  const SessionInfo& info = in.info;
  doc.push_back(make(BlockType::title,
                     {{std::string(kProgramme) + (info.episode > 0 ? "第" + std::to_string(info.episode) + "期" : "") +
                       std::string(kind)}}));
  if (!info.title.empty()) doc.push_back(make(BlockType::subtitle, {{info.title}}));
  // Whether the clerk submitted it and the host approved it: a draft is not yet the record.
  const Approval& a = m.approval;
  std::string status = "纪要状态：" + std::string(approval_cn(a.status()));
  if (a.approved_ms)
    status += "（" + (a.approved_by ? a.approved_by->name + "，" : std::string()) + cst_datetime(*a.approved_ms) + "）";
  else if (a.submitted_ms)
    status += "（" + cst_datetime(*a.submitted_ms) + "，待主持人审核）";
  if (m.status() != "ended") status += "（会议" + std::string(status_cn(m.status())) + "）";
  if (in.edition == MinutesEdition::audience) status += "　版本：公开版（仅含听众可见的内容）";
  doc.push_back(make(BlockType::para, {{status}}, "doc-status"));
}

}  // namespace

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

static std::string participant_name(const std::string& id, const Model& m) {
  auto it = m.participants.find(id);
  if (it != m.participants.end() && !it->second->name.empty()) return it->second->name;
  for (const auto& s : m.speakers)
    if (s.participant == id && !s.name.empty()) return s.name;
  return id;
}

std::string tally_words(const json& t) {
  return "赞成 " + std::to_string(int_field(t, "agree")) + "，反对 " + std::to_string(int_field(t, "disagree")) +
         "，弃权 " + std::to_string(int_field(t, "abstain"));
}

std::vector<Run> describe(const Event& e, const Model& m) {
  const json& d = e.data;
  const std::string& k = e.kind;
  std::vector<Run> r;
  r.push_back({stamp(e, m)});
  auto who = [&] { r.push_back({actor_label(e.by, m), true}); };
  auto say = [&](std::string s) { r.push_back({std::move(s)}); };
  // A question by its words: its id is the server's, not the reader's.
  auto question_ref = [&](const std::string& id) {
    const QuestionRec* q = m.question(id);
    return std::string("群众提问") + (q && !q->text.empty() ? "「" + q->text + "」" : std::string());
  };
  auto point_ref = [&](const std::string& id) {
    for (const auto& p : m.points)
      if (p.id == id) return "共识点「" + p.text + "」";
    return std::string("共识点");
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
    say(reply_to.empty() ? " 发言：" : " 答复" + question_ref(reply_to) + "：");
    say(str_field(d, "text"));
  } else if (k == "question.asked") {
    std::string name = str_field(d, "name");
    r.push_back({"听众 " + (name.empty() ? std::string("匿名") : name), true});
    say(bool_field(d, "flagged") ? " 提问（含敏感词，待主持人审核）：" : " 提问：");
    say(str_field(d, "text"));
  } else if (k == "question.approved") {
    if (e.by) {
      who();
      say(" 审核公开提问：");
    } else {
      say("提问自动公开：");
    }
    say(str_field(d, "text"));
  } else if (k == "question.rejected") {
    who();
    std::string reason = str_field(d, "reason");
    say(" 未公开" + question_ref(str_field(d, "question")) + (reason.empty() ? "" : "，理由：" + reason));
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
  } else if (k == "floor.overrun") {
    say("发言时间已到（" + participant_name(str_field(d, "participant"), m) + "）");
  } else if (k == "question.unfeatured") {
    who();
    say(" 将" + question_ref(str_field(d, "question")) + "撤下直播");
  } else if (k == "question.withdrawn") {
    who();
    say(" 撤回" + question_ref(str_field(d, "question")));
  } else if (k == "question.merged") {
    who();
    say(" 将" + question_ref(str_field(d, "question")) + "合并到" + question_ref(str_field(d, "into")));
  } else if (k == "hand.raised") {
    who();
    const std::string note = str_field(d, "note");
    say(" 申请发言" + (note.empty() ? std::string() : "：" + note));
  } else if (k == "hand.lowered") {
    who();
    say(" 取消发言申请");
  } else if (k == "broadcast.on_air") {
    who();
    say(" 标记直播画面开始（时码起点）");
  } else if (k == "minutes.submitted") {
    who();
    say(" 提交纪要审核");
  } else if (k == "minutes.approved") {
    who();
    say(" 审核通过纪要");
  } else if (k == "point.proposed") {
    who();
    say(" 提出共识点：");
    say(str_field(d, "text"));
  } else if (k == "point.closed") {
    who();
    const json tally = d.is_object() && d.contains("tally") ? d["tally"] : json::object();
    say(" 结束" + point_ref(str_field(d, "point")) + "表决：" + std::string(outcome_cn(str_field(d, "outcome"))) +
        "（计入结果：" + tally_words(counted_tally(tally, m.counted_roles)) + "；听众民意参考：" +
        tally_words(role_counts(tally, "audience")) + "）");
  } else if (k == "commitment.made") {
    who();
    const std::string due = str_field(d, "due");
    say(" 记录承诺事项（" + str_field(d, "department_name") + (due.empty() ? "" : "，完成时限 " + due) + "）：");
    say(str_field(d, "text"));
  } else if (k == "commitment.updated") {
    who();
    say(" 报告办理情况（" + std::string(term("commitment_status", str_field(d, "status")).zh) + "）：");
    say(str_field(d, "text"));
  } else if (k == "case.text") {
    who();
    say(" 撰写协商案例的" + std::string(term("case_section", str_field(d, "section")).zh));
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
  std::vector<Block> doc;
  add_cover(doc, in, m, "协商纪要");
  doc.push_back(make(BlockType::para, {{opening_sentence(in, m, "举办")}}, "opening"));
  add_attendance(doc, in, m);
  doc.push_back(heading(2, "一、主要发言要点"));
  add_main_points(doc, m);
  add_clerk_notes(doc, m);
  doc.push_back(heading(2, "二、群众提问与答复"));
  add_public_questions(doc, m);
  doc.push_back(heading(2, "三、形成的共识"));
  add_points(doc, in.info.settings, m);
  doc.push_back(heading(2, "四、会后工作安排"));
  add_commitments(doc, m, local_date(in.generated_ms), false);
  add_sign_off(doc, in, m);

  Block attachment = heading(2, "附件：协商过程记录");
  attachment.page_break_before = true;
  doc.push_back(std::move(attachment));
  if (m.started_ms)
    doc.push_back(make(BlockType::para,
                       {{"会议日期：" + cst_date_cn(*m.started_ms) + "。时间为北京时间；［时:分:秒］为距" +
                         std::string(m.on_air ? "直播画面开始" : "会议开始") + "（" +
                         cst_datetime(m.timecode_origin_ms.value_or(*m.started_ms)).substr(11) + "）的时码，可据此在录像中查找。"}},
                       "note-small"));
  add_participants(doc, in.participants);
  add_timeline(doc, m);
  add_speakers(doc, m);
  add_integrity_note(doc, in, m.chain);
  return doc;
}

std::vector<Block> build_case_document(const MinutesInput& in, const Model& m) {
  std::vector<Block> doc;
  add_cover(doc, in, m, "协商案例");
  doc.pop_back();  // a case report has no sign-off of its own

  doc.push_back(heading(2, "一、协商背景"));
  add_text(doc, m.case_text.background, "（协商背景由记录员撰写，尚未填写。）");
  doc.push_back(make(BlockType::para, {{opening_sentence(in, m, "举办")}}));
  if (const auto& item = in.plan_item) {
    std::string plan = "该议题列入区政协" + std::to_string(item->year) + "年度协商计划（" +
                       std::string(term("form", item->form).zh) + "）";
    if (!item->lead.empty()) plan += "，由" + item->lead + "牵头";
    if (!item->departments.empty()) plan += "，" + joined(item->departments) + "参与";
    if (!item->planned_date.empty()) plan += "，计划于" + item->planned_date + "开展";
    doc.push_back(make(BlockType::para, {{plan + "。"}}));
  }
  std::vector<std::string> members, departments;
  for (const auto* p : with_role(in, Role::member)) members.push_back(p->name);
  for (const auto* p : with_role(in, Role::department)) departments.push_back(name_with_affiliation(*p));
  std::string who;
  if (!members.empty()) who += "政协委员" + joined(members);
  if (!departments.empty()) who += (who.empty() ? "" : "，") + std::string("部门代表") + joined(departments);
  if (!who.empty()) doc.push_back(make(BlockType::para, {{"参加协商的有" + who + "。"}}));

  doc.push_back(heading(2, "二、协商过程"));
  std::string run = "协商以网络直播方式进行";
  if (m.started_ms && m.ended_ms) run += "，历时" + duration_cn(*m.ended_ms - *m.started_ms);
  run += "，在线听众峰值" + std::to_string(in.peak_audience) + "人";
  int turns = 0;
  for (const auto& s : m.speakers) turns += s.turns;
  if (turns > 0) run += "，" + std::to_string(m.speakers.size()) + "人先后发言" + std::to_string(turns) + "人次";
  run += "。";
  doc.push_back(make(BlockType::para, {{run}}));
  doc.push_back(heading(3, "（一）群众提问与部门答复"));
  add_public_questions(doc, m);
  const auto questions = public_questions(m);
  int answered = 0;
  for (const auto* q : questions) answered += taken_up(*q);
  if (!questions.empty())
    doc.push_back(make(BlockType::para, {{"公开提问的会上答复率为" + percent(answered, static_cast<int>(questions.size())) + "。"}}));
  doc.push_back(heading(3, "（二）委员与部门的交流"));
  add_main_points(doc, m);

  doc.push_back(heading(2, "三、协商成果"));
  add_points(doc, in.info.settings, m);

  doc.push_back(heading(2, "四、落实情况"));
  const std::string today = local_date(in.generated_ms);
  int done = 0;
  for (const auto& c : m.commitments) done += c.status == "done";
  if (!m.commitments.empty())
    doc.push_back(make(BlockType::para, {{"截至" + cst_date_cn(in.generated_ms) + "，" + std::to_string(m.commitments.size()) +
                                          "项承诺事项已办结" + std::to_string(done) + "项。"}}));
  add_commitments(doc, m, today, true);

  doc.push_back(heading(2, "五、经验启示"));
  add_text(doc, m.case_text.lessons, "（经验启示由记录员撰写，尚未填写。）");
  return doc;
}

DocumentInfo minutes_document_info(const MinutesInput& in, const Model& m, std::string kind) {
  return DocumentInfo{.title = in.info.title.empty() ? std::string("议事厅") : single_line(in.info.title),
                      .kind = std::move(kind),
                      .subject = single_line(in.info.topic),
                      .identifier = in.info.id,
                      .date_ms = m.started_ms.value_or(in.generated_ms),
                      .generated_ms = in.generated_ms};
}

}  // namespace yst::minutes
