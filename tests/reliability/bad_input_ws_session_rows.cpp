// WebSocket rows, the rules of a session: unknown types and ids, conflicts, the
// precedence between the error codes, floods, and every request a role may not make.
#include <map>
#include <set>

#include "tests/reliability/BadInputRows.hpp"

namespace yst::test::bad_input {

namespace {

// The contract's "who" column, written out independently of the server's role_may().

const std::vector<std::string> kRoles = {"host", "member", "department", "clerk", "audience"};

bool contract_allows(const std::string& role, const std::string& type, bool audience_can_vote) {
  static const std::map<std::string, std::set<std::string>> who = {
      {"start", {"host"}},
      {"end", {"host"}},
      {"say", {"host", "member", "department"}},
      {"ask", {"host", "member", "department", "clerk", "audience"}},
      {"upvote", {"host", "member", "department", "clerk", "audience"}},
      {"moderate", {"host"}},
      {"floor", {"host"}},
      {"propose", {"host", "member", "clerk"}},
      {"vote", {"member", "department", "host", "audience"}},
      {"close_point", {"host"}},
      {"note", {"clerk"}},
      {"merge", {"host"}},
      {"raise_hand", {"member", "department"}},
      {"lower_hand", {"host", "member", "department"}},
      {"on_air", {"host"}},
      {"submit_minutes", {"clerk"}},
      {"approve_minutes", {"host"}},
      {"ping", {"host", "member", "department", "clerk", "audience"}},
  };
  if (type == "vote" && role == "audience") return audience_can_vote;
  return who.at(type).count(role) > 0;
}

Who who_of(const std::string& role) {
  if (role == "host") return Who::host;
  if (role == "member") return Who::member;
  if (role == "department") return Who::department;
  if (role == "clerk") return Who::clerk;
  return Who::audience;
}

}  // namespace

json well_formed(const std::string& type) {
  if (type == "say") return {{"type", "say"}, {"text", "越权发言"}};
  if (type == "ask") return {{"type", "ask"}, {"text", "越权提问"}};
  if (type == "upvote") return {{"type", "upvote"}, {"question", "q1"}};
  if (type == "moderate") return {{"type", "moderate"}, {"question", "q1"}, {"action", "feature"}};
  if (type == "floor") return {{"type", "floor"}, {"participant", nullptr}};
  if (type == "propose") return {{"type", "propose"}, {"text", "越权提议"}};
  if (type == "vote") return {{"type", "vote"}, {"point", "pt1"}, {"choice", "disagree"}};
  if (type == "close_point") return {{"type", "close_point"}, {"point", "pt1"}};
  if (type == "note") return {{"type", "note"}, {"text", "越权记录"}};
  if (type == "merge") return {{"type", "merge"}, {"question", "q2"}, {"into", "q1"}};
  if (type == "raise_hand") return {{"type", "raise_hand"}, {"note", "越权举手"}};
  return {{"type", type}};
}

std::vector<WsCase> ws_session_cases(const World& w) {
  std::vector<WsCase> c = {
      // --- Unknown types.
      {"type: dance", Who::member, Where::main, {T(R"({"type":"dance"})")}, err("bad_request")},
      {"type: empty", Who::member, Where::main, {T(R"({"type":""})")}, err("bad_request")},
      {"type: PING", Who::member, Where::main, {T(R"({"type":"PING"})")}, err("bad_request")},
      {"type: trailing space", Who::member, Where::main, {T(R"({"type":"ping "})")}, err("bad_request")},
      {"type: Chinese", Who::member, Where::main, {T(R"({"type":"加入"})")}, err("bad_request")},
      {"type: __proto__", Who::member, Where::main, {T(R"({"type":"__proto__"})")}, err("bad_request")},
      {"type: event (a server message)", Who::member, Where::main, {T(R"({"type":"event","seq":1})")},
       err("bad_request")},
      {"type: ack (a server message)", Who::member, Where::main, {T(R"({"type":"ack","seq":99})")},
       err("bad_request")},
      {"type: welcome (a server message)", Who::member, Where::main, {T(R"({"type":"welcome"})")},
       err("bad_request")},

      // --- Unknown ids in the session.
      {"vote: unknown point", Who::member, Where::main, {T(R"({"type":"vote","point":"pt999","choice":"agree"})")},
       err("not_found")},
      {"upvote: unknown question", Who::audience, Where::main, {T(R"({"type":"upvote","question":"q999"})")},
       err("not_found")},
      {"upvote: audience on a question not made public", Who::audience, Where::main,
       {T(R"({"type":"upvote","question":"q2"})")}, err("not_found")},
      {"moderate: unknown question", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q999","action":"approve"})")}, err("not_found")},
      {"floor: unknown participant", Who::host, Where::main, {T(R"({"type":"floor","participant":"p_nobody"})")},
       err("not_found")},
      {"floor: an audience participant", Who::host, Where::main,
       {J({{"type", "floor"}, {"participant", w.setup_audience_participant}})}, err("not_found")},
      {"say: reply_to unknown question", Who::member, Where::main,
       {T(R"({"type":"say","text":"答复","reply_to":"q999"})")}, err("not_found")},
      {"close_point: unknown point", Who::host, Where::main, {T(R"({"type":"close_point","point":"pt999"})")},
       err("not_found")},

      // --- Conflicts.
      {"start: already live", Who::host, Where::main, {T(R"({"type":"start"})")}, err("conflict")},
      {"moderate: approve an approved question", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q1","action":"approve"})")}, err("conflict")},
      {"moderate: feature a pending question", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q2","action":"feature"})")}, err("conflict")},
      {"upvote: staff on a pending question", Who::member, Where::main, {T(R"({"type":"upvote","question":"q2"})")},
       err("conflict")},
      {"vote: closed point", Who::member, Where::main, {T(R"({"type":"vote","point":"pt2","choice":"agree"})")},
       err("conflict")},
      {"close_point: already closed", Who::host, Where::main, {T(R"({"type":"close_point","point":"pt2"})")},
       err("conflict")},

      // --- The studio's requests (contract v2).
      {"merge: missing into", Who::host, Where::main, {T(R"({"type":"merge","question":"q2"})")}, err("bad_request")},
      {"merge: unknown question", Who::host, Where::main, {T(R"({"type":"merge","question":"q999","into":"q1"})")},
       err("not_found")},
      {"merge: into itself", Who::host, Where::main, {T(R"({"type":"merge","question":"q1","into":"q1"})")},
       err("conflict")},
      {"merge: into a pending question", Who::host, Where::main,
       {T(R"({"type":"merge","question":"q1","into":"q2"})")}, err("conflict")},
      {"moderate: unfeature a question not on air", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q1","action":"unfeature"})")}, err("conflict")},
      {"floor: seconds under 10", Who::host, Where::main, {T(R"({"type":"floor","participant":null,"seconds":5})")},
       err("bad_request")},
      {"floor: seconds over 3600", Who::host, Where::main,
       {T(R"({"type":"floor","participant":null,"seconds":3601})")}, err("bad_request")},
      {"floor: seconds as a string", Who::host, Where::main,
       {T(R"({"type":"floor","participant":null,"seconds":"60"})")}, err("bad_request")},
      {"raise_hand: note over 200 characters", Who::member, Where::main,
       {J({{"type", "raise_hand"}, {"note", std::string(201, 'x')}})}, err("bad_request")},
      {"lower_hand: a member lowers another's hand", Who::member, Where::main,
       {T(R"({"type":"lower_hand","participant":"p_someone_else"})")}, err("forbidden")},
      {"lower_hand: the host names nobody known", Who::host, Where::main,
       {T(R"({"type":"lower_hand","participant":"p_nobody"})")}, err("not_found")},
      {"on_air: at is not a time", Who::host, Where::main, {T(R"({"type":"on_air","at":"下午三点"})")},
       err("bad_request")},
      {"on_air: at without a zone", Who::host, Where::main, {T(R"({"type":"on_air","at":"2026-11-26T21:30:00"})")},
       err("bad_request")},
      {"on_air: before the start", Who::host, Where::scheduled, {T(R"({"type":"on_air"})")}, err("not_live")},
      {"submit_minutes: while live", Who::clerk, Where::main, {T(R"({"type":"submit_minutes"})")}, err("not_live")},
      {"approve_minutes: nothing submitted", Who::host, Where::ended, {T(R"({"type":"approve_minutes"})")},
       err("conflict")},

      // --- Precedence between the codes.
      {"precedence: bad_request before forbidden", Who::audience, Where::main, {T(R"({"type":"say"})")},
       err("bad_request")},
      {"precedence: forbidden before not_live", Who::audience, Where::scheduled, {J(well_formed("say"))},
       err("forbidden")},
      {"precedence: not_live before not_found", Who::member, Where::scheduled,
       {T(R"({"type":"vote","point":"pt999","choice":"agree"})")}, err("not_live")},
      {"precedence: not_live on an ended session", Who::member, Where::ended, {J(well_formed("say"))},
       err("not_live")},
      {"precedence: start on an ended session is conflict", Who::host, Where::ended, {T(R"({"type":"start"})")},
       err("conflict")},
      {"precedence: vote on ended is not_live, not conflict", Who::member, Where::ended,
       {T(R"({"type":"vote","point":"pt1","choice":"agree"})")}, err("not_live")},
      {"audience vote when audience_can_vote is off", Who::audience, Where::novote, {J(well_formed("vote"))},
       err("forbidden")},

      // --- Floods.
      {"flood: 25 pings in a burst (audience, 20/s)", Who::audience, Where::main,
       std::vector<Frame>(25, T(R"({"type":"ping"})")), err("rate_limited")},
      {"flood: 100 pings in a burst (audience)", Who::audience, Where::main,
       std::vector<Frame>(100, T(R"({"type":"ping"})")), closes(1008)},
      {"flood: 200 pings in a burst (staff, 1000/s) all answered", Who::host, Where::main,
       std::vector<Frame>(200, T(R"({"type":"ping"})")), ok("pong")},
  };

  // --- Every role, every request it may not make: forbidden (on the live session, and
  // on the scheduled one, where forbidden must win over not_live).
  const std::vector<std::string> types = {"start",      "end",        "say",    "ask",  "upvote",
                                          "moderate",   "merge",      "floor",  "propose", "vote",
                                          "close_point", "note",      "raise_hand", "lower_hand", "on_air",
                                          "submit_minutes", "approve_minutes", "ping"};
  for (Where where : {Where::main, Where::scheduled}) {
    for (const auto& role : kRoles) {
      for (const auto& type : types) {
        if (contract_allows(role, type, true)) continue;
        c.push_back(WsCase{std::string(where == Where::main ? "forbidden (live): " : "forbidden (scheduled): ") +
                               role + " " + type,
                           who_of(role), where, {J(well_formed(type))}, err("forbidden")});
      }
    }
  }
  return c;
}

}  // namespace yst::test::bad_input
