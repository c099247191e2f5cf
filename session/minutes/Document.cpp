#include "session/minutes/Document.hpp"

#include <cstdio>

#include "session/minutes/Escape.hpp"
#include "session/EventData.hpp"
#include "session/minutes/Labels.hpp"
#include "session/minutes/Time.hpp"

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

// "〔seq〕time［0:01:23］  ", which opens every entry that stands for one event: the
// timecode (from the on-air mark, else the start) finds the moment in the recording.
std::string stamp(const Event& e, const Model& m) {
  const auto tc = m.timecode_of(e.at_ms);
  return "〔" + std::to_string(e.seq) + "〕" + cst_datetime(e.at_ms) + (tc ? "［" + *tc + "］" : std::string()) + "  ";
}

// An entry quoting an event's text: stamp, who (in bold), `lead`, then the text.
std::vector<Run> said(const Event& e, std::string lead, const Model& m) {
  return {{stamp(e, m)}, {actor_label(e.by, m), true}, {std::move(lead)}, {str_field(e.data, "text")}};
}

void add_cover(std::vector<Block>& doc, const MinutesInput& in, const Model& m) {
  const SessionInfo& info = in.info;
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
  meta("结束时间", m.ended_ms ? cst_datetime(*m.ended_ms) : m.started_ms ? std::string(status_cn("live")) : "—");
  if (m.started_ms && m.ended_ms) meta("会议时长", duration_cn(*m.ended_ms - *m.started_ms));
  if (m.timecode_origin_ms)
    meta("时码起点", cst_datetime(*m.timecode_origin_ms) + (m.on_air ? "（直播画面开始）" : "（会议开始）") +
                         "，会议过程中［时:分:秒］为距此时刻的时间");
  if (!info.stream_url.empty()) meta("直播地址", info.stream_url);
  meta("听众在线峰值", std::to_string(in.peak_audience) + " 人");
  meta("纪要生成时间", cst_datetime(in.generated_ms));
  // Whether the clerk submitted it and the host approved it: a draft is not yet the record.
  const Approval& a = m.approval;
  std::string approval(approval_cn(a.status()));
  if (a.approved_ms)
    approval += "（" + (a.approved_by ? a.approved_by->name + "，" : std::string()) + cst_datetime(*a.approved_ms) + "）";
  else if (a.submitted_ms)
    approval += "（" + cst_datetime(*a.submitted_ms) + "，待主持人审核）";
  else
    approval += "（记录员尚未提交审核）";
  meta("纪要状态", approval);
  if (in.edition == MinutesEdition::audience) meta("版本", "公开版（仅含听众可见的内容，不含记录员备注和未公开的提问）");
  doc.push_back(make(BlockType::para, {{"本纪要中的时间均为北京时间（UTC+8）。"}}, "note-small"));
}

void add_participants(std::vector<Block>& doc, const std::vector<Participant>& participants) {
  doc.push_back(heading(2, "参会人员"));
  Block t = make(BlockType::table, {}, "participants");
  t.rows.push_back({"角色", "姓名", "单位 / 界别"});
  t.widths = {2, 3, 5};
  for (Role r : {Role::host, Role::member, Role::department, Role::clerk})
    for (const auto& p : participants)
      if (p.role == r) t.rows.push_back({std::string(role_cn(r)), p.name, p.affiliation});
  if (t.rows.size() > 1)
    doc.push_back(std::move(t));
  else
    doc.push_back(make(BlockType::para, {{"（未登记参会人员）"}}));
}

void add_timeline(std::vector<Block>& doc, const Model& m) {
  doc.push_back(heading(2, "会议过程"));
  for (const Event* e : m.events) {
    Block b = make(BlockType::item, describe(*e, m), "timeline");
    b.item_cls = "ev kind-" + css_ident(e->kind);
    doc.push_back(std::move(b));
  }
  if (m.events.empty()) doc.push_back(make(BlockType::para, {{"尚无事件记录。"}}));
}

void add_speakers(std::vector<Block>& doc, const Model& m) {
  if (m.speakers.empty()) return;
  doc.push_back(heading(2, "发言时长"));
  Block t = make(BlockType::table, {}, "speakers");
  t.rows.push_back({"发言人", "身份", "发言次数", "发言时长", "超时次数"});
  t.widths = {3, 3, 2, 3, 2};
  for (const auto& s : m.speakers)
    t.rows.push_back({s.name.empty() ? s.participant : s.name, std::string(role_cn(s.role)), std::to_string(s.turns),
                      seconds_cn(s.spoken_ms), std::to_string(s.overruns)});
  doc.push_back(std::move(t));
  doc.push_back(make(BlockType::para, {{"发言时长自主持人给予发言权起，至发言权交给他人、收回或会议结束止。"}},
                     "note-small"));
}

// Only the questions someone took up: featured, answered, or replied to in a statement.
void add_questions(std::vector<Block>& doc, const Model& m) {
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
      doc.push_back(make(BlockType::item, said(*a, " 答复：", m), "answers"));
    }
    if (q.answers.empty()) doc.push_back(make(BlockType::para, {{"（现场口头答复，未留文字发言记录）"}}, "note-small"));
  }
  if (!any_question) doc.push_back(make(BlockType::para, {{"本次会议没有选定作答的群众提问。"}}));
}

void add_notes(std::vector<Block>& doc, const Model& m) {
  doc.push_back(heading(2, "记录员备注"));
  // A note after the approval does not change what was approved: it is an addendum.
  for (const Event* n : m.notes)
    doc.push_back(make(BlockType::item,
                       said(*n, m.approval.approved_ms && n->at_ms > *m.approval.approved_ms ? "（审核后补记）：" : "：", m),
                       "notes"));
  if (m.notes.empty()) doc.push_back(make(BlockType::para, {{"（无）"}}));
}

// How the outcome was decided, in words, before the table of votes.
Block vote_rule(const Settings& settings) {
  std::string counted;
  for (Role r : settings.counted_roles) counted += (counted.empty() ? "" : "、") + std::string(role_cn(r));
  char threshold[32];
  std::snprintf(threshold, sizeof threshold, "%.1f%%", settings.consensus_threshold * 100.0);
  return make(BlockType::para,
              {{"票数按“赞成 / 反对 / 弃权”列出。计入表决结果的角色：" + counted +
                "；赞成票占赞成与反对票之和达到 " + threshold +
                " 即为采纳。听众投票单独统计，仅作民意参考，不影响结果。"}},
              "note-small");
}

void add_points(std::vector<Block>& doc, const Settings& settings, const Model& m) {
  doc.push_back(heading(2, "共识点表决"));
  if (m.points.empty()) {
    doc.push_back(make(BlockType::para, {{"本次会议未提出共识点。"}}));
    return;
  }
  doc.push_back(vote_rule(settings));
  // The roles that decide, then their sum (the result), then the audience's advisory vote
  // apart: adding the audience in would show a result the rule did not decide.
  const std::vector<Role>& counted = m.counted_roles;
  Block t = make(BlockType::table, {}, "points");
  t.rows.push_back({"编号", "共识点"});
  for (Role r : counted) t.rows[0].push_back(std::string(role_cn(r)));
  for (const char* h : {"计入结果", "结果", "听众（民意参考）"}) t.rows[0].push_back(h);
  t.widths = {2, 8};
  for (size_t i = 0; i < counted.size() + 3; ++i) t.widths.push_back(3);
  for (const auto& p : m.points) {
    std::vector<std::string> row{p.id, p.text};
    auto counts = [&](std::string_view role) { return p.closed ? tally_cell(role_counts(p.tally, role)) : "—"; };
    for (Role r : counted) row.push_back(counts(to_string(r)));
    row.push_back(p.closed ? tally_cell(counted_tally(p.tally, m.counted_roles)) : "—");
    row.push_back(p.closed ? std::string(outcome_cn(p.outcome)) : "未表决完毕");
    row.push_back(counts("audience"));
    t.rows.push_back(std::move(row));
  }
  doc.push_back(std::move(t));
}

void add_digest(std::vector<Block>& doc, const MinutesInput& in, const Model& m) {
  doc.push_back(heading(2, "摘要"));
  doc.push_back(make(BlockType::para,
                     {{"本次会议共记录发言 " + std::to_string(m.statements) + " 条，群众提问 " +
                       std::to_string(m.questions.size()) + " 条（已答复 " + std::to_string(m.answered()) +
                       " 条），共识点 " + std::to_string(m.points.size()) + " 项（" + std::string(outcome_cn("adopted")) + " " +
                       std::to_string(m.adopted()) + " 项）" +
                       (in.edition == MinutesEdition::full
                            ? "，记录员备注 " + std::to_string(m.notes.size()) + " 条。"
                            : std::string("。"))}},
                     "digest"));
}

void add_chain(std::vector<Block>& doc, const MinutesInput& in, const ChainCheck& chain) {
  const std::string& session_id = in.info.id;
  std::string head = chain.head.empty() ? "（尚无事件）" : chain.head;
  std::string check = chain.ok ? "导出时重新计算，哈希链完整。"
                               : "导出时重新计算，哈希链在第 " + std::to_string(chain.first_bad_seq.value_or(0)) +
                                     " 号事件处不一致，记录可能被改动。";
  doc.push_back(make(BlockType::para,
                     {{"哈希链头 SHA-256: " + head + "（共 " + std::to_string(chain.events) + " 个事件" +
                       (in.edition == MinutesEdition::audience
                            ? "，本公开版列出其中听众可见的 " + std::to_string(in.events.size()) + " 个"
                            : std::string()) +
                       "）"}},
                     "chain"));
  doc.push_back(make(BlockType::para,
                     {{check + "可通过 GET /api/sessions/" + session_id + "/verify 核对。"}}, "chain"));
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
    say(" 提出共识点 " + str_field(d, "point") + "：");
    say(str_field(d, "text"));
  } else if (k == "point.closed") {
    who();
    const json tally = d.is_object() && d.contains("tally") ? d["tally"] : json::object();
    say(" 结束共识点 " + str_field(d, "point") + " 表决：" + std::string(outcome_cn(str_field(d, "outcome"))) +
        "（计入结果：" + tally_words(counted_tally(tally, m.counted_roles)) + "；听众民意参考：" +
        tally_words(role_counts(tally, "audience")) + "）");
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
  add_cover(doc, in, m);
  add_participants(doc, in.participants);
  add_timeline(doc, m);
  add_speakers(doc, m);
  add_questions(doc, m);
  add_notes(doc, m);
  add_points(doc, in.info.settings, m);
  add_digest(doc, in, m);
  add_chain(doc, in, m.chain);
  return doc;
}

}  // namespace yst::minutes
