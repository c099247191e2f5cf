#include "session/Vocabulary.hpp"

#include <array>

namespace yst {

namespace {

using enum EventKind;
constexpr Visibility all = Visibility::everyone;
constexpr Visibility staff = Visibility::staff;
constexpr Visibility asker = Visibility::staff_and_asker;
constexpr Visibility if_public = Visibility::public_question;

// Data table: one row per kind, in the order of the enum.
constexpr std::array kEventKinds{
    EventKindInfo{session_started, "session.started", all, {"议事厅开始", "Session started"}},
    EventKindInfo{session_ended, "session.ended", all, {"议事厅结束", "Session ended"}},
    EventKindInfo{statement, "statement", all, {"发言", "Statement"}},
    EventKindInfo{question_asked, "question.asked", asker, {"新提问（待审核）", "New question (pending)"}},
    EventKindInfo{question_approved, "question.approved", all, {"听众提问", "Audience question"}},
    EventKindInfo{question_rejected, "question.rejected", asker, {"提问未公开", "Question not published"}},
    EventKindInfo{question_featured, "question.featured", all, {"主持人选定当前问题", "The host featured a question"}},
    EventKindInfo{question_answered, "question.answered", all, {"问题已答复", "Question answered"}},
    EventKindInfo{question_unfeatured, "question.unfeatured", all, {"问题撤下直播", "Question taken off air"}},
    EventKindInfo{question_withdrawn, "question.withdrawn", all, {"问题已撤回", "Question withdrawn"}},
    EventKindInfo{question_merged, "question.merged", if_public, {"问题合并", "Question merged"}},
    EventKindInfo{hand_raised, "hand.raised", staff, {"申请发言", "Hand raised"}},
    EventKindInfo{hand_lowered, "hand.lowered", staff, {"取消发言申请", "Hand lowered"}},
    EventKindInfo{floor_granted, "floor.granted", all, {"获得发言", "Has the floor"}},
    EventKindInfo{floor_overrun, "floor.overrun", all, {"发言超时", "Time is up"}},
    EventKindInfo{floor_released, "floor.released", all, {"发言结束", "Floor released"}},
    EventKindInfo{broadcast_on_air, "broadcast.on_air", all, {"直播画面开始", "On air"}},
    EventKindInfo{point_proposed, "point.proposed", all, {"提出共识点", "Point proposed"}},
    EventKindInfo{point_closed, "point.closed", all, {"共识点表决结束", "Vote closed"}},
    EventKindInfo{note, "note", staff, {"记录", "Note"}},
    EventKindInfo{minutes_submitted, "minutes.submitted", staff, {"纪要已提交审核", "Minutes submitted"}},
    EventKindInfo{minutes_approved, "minutes.approved", all, {"纪要已审核通过", "Minutes approved"}},
    EventKindInfo{commitment_made, "commitment.made", all, {"承诺事项", "Commitment made"}},
    EventKindInfo{commitment_updated, "commitment.updated", all, {"办理情况", "Commitment progress"}},
    EventKindInfo{case_text, "case.text", staff, {"案例撰写", "Case report text"}},
};

constexpr bool rows_follow_enum() {
  for (size_t i = 0; i < kEventKinds.size(); ++i)
    if (static_cast<size_t>(kEventKinds[i].kind) != i) return false;
  return true;
}
static_assert(rows_follow_enum(), "kEventKinds must list the kinds in the order of EventKind");

constexpr Term kRoles[]{
    {"host", {"主持人", "Host"}},
    {"member", {"政协委员", "CPPCC member"}},
    {"department", {"部门代表", "Department"}},
    {"clerk", {"记录员", "Clerk"}},
    {"audience", {"听众", "Audience"}},
    {"overlay", {"直播画面", "Overlay"}},
};
constexpr Term kSessionStatus[]{
    {"scheduled", {"未开始", "Not started"}},
    {"live", {"直播中", "Live"}},
    {"ended", {"已结束", "Ended"}},
};
constexpr Term kQuestionStatus[]{
    {"pending", {"待审核", "Pending"}},
    {"approved", {"已公开", "Public"}},
    {"featured", {"正在回应", "Being answered"}},
    {"answered", {"已答复", "Answered"}},
    {"rejected", {"未公开", "Not published"}},
    {"merged", {"已合并", "Merged"}},
};
constexpr Term kPointStatus[]{
    {"open", {"表决中", "Voting"}},
    {"closed", {"表决结束", "Closed"}},
};
constexpr Term kOutcome[]{
    {"adopted", {"已采纳", "Adopted"}},
    {"not_adopted", {"未采纳", "Not adopted"}},
};
constexpr Term kChoice[]{
    {"agree", {"赞成", "Agree"}},
    {"disagree", {"反对", "Disagree"}},
    {"abstain", {"弃权", "Abstain"}},
};
constexpr Term kApproval[]{
    {"draft", {"草稿", "Draft"}},
    {"submitted", {"已提交审核", "Submitted"}},
    {"approved", {"已审核", "Approved"}},
};
constexpr Term kCommitmentStatus[]{
    {"open", {"待办理", "Open"}},
    {"in_progress", {"办理中", "In progress"}},
    {"done", {"已办结", "Done"}},
};
constexpr Term kForm[]{
    {"plenary", {"全体会议", "Plenary session"}},
    {"standing_committee", {"专题议政性常委会议", "Standing committee on a theme"}},
    {"thematic", {"专题协商会", "Thematic consultation"}},
    {"counterpart", {"对口协商会", "Counterpart consultation"}},
    {"proposal", {"提案办理协商会", "Consultation on handling proposals"}},
    {"forum", {"协商座谈会", "Consultation forum"}},
    {"micro", {"小微协商", "Neighbourhood consultation"}},
    {"supervision", {"协商式民主监督", "Consultative oversight"}},
};
constexpr Term kCaseSection[]{
    {"background", {"协商背景", "Background"}},
    {"lessons", {"经验启示", "Lessons"}},
};
constexpr TermGroup kTermGroups[]{
    {"role", kRoles},
    {"session_status", kSessionStatus},
    {"question_status", kQuestionStatus},
    {"point_status", kPointStatus},
    {"outcome", kOutcome},
    {"choice", kChoice},
    {"approval", kApproval},
    {"commitment_status", kCommitmentStatus},
    {"form", kForm},
    {"case_section", kCaseSection},
};

// JavaScript string literal; the table holds no quote or backslash, but a future label
// might, and the generated file must stay valid.
std::string js_string(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

// The pages' names: 'all', 'staff', 'asker' (staff and the asker), 'public' (everyone
// when the question was public, else staff and the asker).
std::string_view visibility_name(Visibility v) {
  switch (v) {
    case Visibility::everyone: return "all";
    case Visibility::staff: return "staff";
    case Visibility::staff_and_asker: return "asker";
    case Visibility::public_question: return "public";
  }
  return "staff";
}

std::string js_label(const Label& l) { return "zh: " + js_string(l.zh) + ", en: " + js_string(l.en); }

}  // namespace

std::span<const EventKindInfo> event_kinds() { return kEventKinds; }

const EventKindInfo& info(EventKind k) { return kEventKinds[static_cast<size_t>(k)]; }

std::optional<EventKind> event_kind_from_string(std::string_view wire) {
  for (const auto& row : kEventKinds)
    if (row.wire == wire) return row.kind;
  return std::nullopt;
}

std::string_view to_string(QuestionStatus s) {
  switch (s) {
    case QuestionStatus::pending: return "pending";
    case QuestionStatus::approved: return "approved";
    case QuestionStatus::featured: return "featured";
    case QuestionStatus::answered: return "answered";
    case QuestionStatus::rejected: return "rejected";
    case QuestionStatus::merged: return "merged";
  }
  return "pending";
}

std::span<const TermGroup> term_groups() { return kTermGroups; }

Label term(std::string_view group, std::string_view key) {
  for (const auto& g : kTermGroups) {
    if (g.name != group) continue;
    for (const auto& t : g.terms)
      if (t.key == key) return t.label;
  }
  return Label{key, key};
}

bool is_consultation_form(std::string_view form) {
  for (const auto& t : kForm)
    if (t.key == form) return true;
  return false;
}

Label label(Role r) { return term("role", to_string(r)); }
Label label(Status s) { return term("session_status", to_string(s)); }
Label label(QuestionStatus s) { return term("question_status", to_string(s)); }

std::string_view page_path(Role r) {
  switch (r) {
    case Role::host: return "/host/";
    case Role::member:
    case Role::department: return "/p/";
    case Role::clerk: return "/clerk/";
    case Role::audience: return "/s/";
    case Role::overlay: return "/overlay/";
  }
  return "/s/";
}

std::string vocabulary_js() {
  std::string js =
      "// Generated by `yishiting vocabulary` from session/Vocabulary.cpp. Do not edit by hand:\n"
      "// tests/vocabulary_test.cpp fails when this file differs from the server's table.\n"
      "// Each event kind once: who may see it and its label; each status one word.\n\n"
      "export const EVENT_KINDS = {\n";
  for (const auto& row : kEventKinds)
    js += "  " + js_string(row.wire) + ": { visible: " + js_string(visibility_name(row.visible)) + ", " +
          js_label(row.label) + " },\n";
  js += "};\n\nexport const LABELS = {\n";
  for (const auto& g : kTermGroups) {
    js += "  " + std::string(g.name) + ": {\n";
    for (const auto& t : g.terms) js += "    " + std::string(t.key) + ": { " + js_label(t.label) + " },\n";
    js += "  },\n";
  }
  js +=
      "};\n\n"
      "// The page each role's join link opens (its id follows; staff add #token=...).\n"
      "export const PAGES = {\n";
  for (Role r : kAllRoles) js += "  " + std::string(to_string(r)) + ": " + js_string(page_path(r)) + ",\n";
  js += "};\n";
  return js;
}

}  // namespace yst
