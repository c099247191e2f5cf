// libFuzzer target: the WebSocket request path without the sockets.
//
// The input is up to 16 frames separated by '\n'. Each frame goes through
// parse_request() exactly as WebSocketConnection::handle_text does (only valid UTF-8 gets
// there: Beast closes invalid text frames with 1007 first). Every request that parses is
// then decided by one evolving yst::Session as each role in turn, the way Room does it,
// and the invariants a client relies on are checked:
//   - the UTF-8 helpers agree with an independent reference decoder;
//   - a parsed request obeys the contract's limits (lengths in characters, no controls);
//   - forbidden exactly when the contract's "who" column says so;
//   - a refused request changes nothing (state, seq, hash);
//   - an accepted one makes events numbered last_seq+1.. and chained by hash, which
//     serialize strictly (the server dumps them with the throwing UTF-8 handler), and
//     applying those changes to the committed copy gives the same state as the deciding
//     copy (Room keeps decided_ and committed_ and relies on that).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "session/Event.hpp"
#include "session/Request.hpp"
#include "session/Session.hpp"
#include "session/Text.hpp"
#include "session/WordFilter.hpp"

using namespace yst;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz_request invariant broken: %s %s\n", what, detail.substr(0, 400).c_str());
  std::abort();
}
#define CHECK(cond, ...)                     \
  do {                                       \
    if (!(cond)) fail(#cond, ##__VA_ARGS__); \
  } while (0)

// A reference UTF-8 decoder written from RFC 3629's table, independent of Text.cpp.
// Returns the number of code points, or -1 when the bytes are not UTF-8.
long reference_utf8_length(std::string_view s) {
  long n = 0;
  size_t i = 0;
  auto cont = [&](size_t k) { return k < s.size() && (static_cast<unsigned char>(s[k]) >> 6) == 2; };
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    auto b1 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    size_t len;
    if (b <= 0x7F) len = 1;
    else if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b == 0xE0) len = (b1 >= 0xA0 && b1 <= 0xBF) ? 3 : 0;
    else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) len = 3;
    else if (b == 0xED) len = (b1 >= 0x80 && b1 <= 0x9F) ? 3 : 0;
    else if (b == 0xF0) len = (b1 >= 0x90 && b1 <= 0xBF) ? 4 : 0;
    else if (b >= 0xF1 && b <= 0xF3) len = 4;
    else if (b == 0xF4) len = (b1 >= 0x80 && b1 <= 0x8F) ? 4 : 0;
    else len = 0;
    if (len == 0) return -1;
    for (size_t k = 1; k < len; ++k)
      if (!cont(i + k)) return -1;
    i += len;
    ++n;
  }
  return n;
}

bool reference_has_control(std::string_view s) {
  // Decode and test code points: C0 but tab/LF/CR, DEL, C1.
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (len == 1) cp = b;
    else if (len == 2 && i + 1 < s.size()) cp = ((b & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    else cp = 0x100;  // longer sequences are never controls
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F)) return true;
    i += len;
  }
  return false;
}

void check_text(const std::string& s, size_t min_chars, size_t max_chars, const char* field) {
  long n = reference_utf8_length(s);
  CHECK(n >= 0, std::string(field) + " is not UTF-8");
  CHECK(static_cast<size_t>(n) >= min_chars && static_cast<size_t>(n) <= max_chars, field);
  CHECK(!reference_has_control(s), field);
}

const std::map<RequestType, std::set<Role>>& contract_who() {
  static const std::map<RequestType, std::set<Role>> who = {
      {RequestType::join, {Role::host, Role::member, Role::department, Role::clerk, Role::audience, Role::overlay}},
      {RequestType::start, {Role::host}},
      {RequestType::end, {Role::host}},
      {RequestType::say, {Role::host, Role::member, Role::department}},
      {RequestType::ask, {Role::host, Role::member, Role::department, Role::clerk, Role::audience}},
      {RequestType::upvote, {Role::host, Role::member, Role::department, Role::clerk, Role::audience}},
      {RequestType::moderate, {Role::host}},
      {RequestType::floor, {Role::host}},
      {RequestType::merge, {Role::host}},
      {RequestType::raise_hand, {Role::member, Role::department}},
      {RequestType::lower_hand, {Role::host, Role::member, Role::department}},
      {RequestType::on_air, {Role::host}},
      {RequestType::submit_minutes, {Role::clerk}},
      {RequestType::approve_minutes, {Role::host}},
      {RequestType::propose, {Role::host, Role::member, Role::clerk}},
      {RequestType::vote, {Role::host, Role::member, Role::department, Role::audience}},  // audience: setting
      {RequestType::close_point, {Role::host}},
      {RequestType::note, {Role::clerk}},
      {RequestType::ping, {Role::host, Role::member, Role::department, Role::clerk, Role::audience, Role::overlay}},
  };
  return who;
}

struct State {
  Session decided;
  Session committed;
  std::string decided_state;  // state_of(decided), kept current by decide()
};

Caller caller_for(Role r) {
  switch (r) {
    case Role::host: return {"p_host", Role::host, "主持人"};
    case Role::member: return {"p_mem", Role::member, "李委员"};
    case Role::department: return {"p_dept", Role::department, "住建局"};
    case Role::clerk: return {"p_clerk", Role::clerk, "记录员"};
    case Role::audience: return {Session::audience_participant_id("s1", "fuzz-client-01"), Role::audience, "听众"};
    case Role::overlay: return {"overlay", Role::overlay, "直播画面"};
  }
  return {};
}

const WordFilter& filter() {
  static const WordFilter f(std::vector<std::string>{"敏感词", "违禁", "badword", "法轮"});
  return f;
}

Session base_session(bool audience_can_vote) {
  Settings settings;
  settings.audience_can_vote = audience_can_vote;
  settings.ask_interval_s = 10;
  Session s(SessionInfo{"s1", "议事厅", "加装电梯", "", "", settings, 1'790'000'000'000, "", "", 0, ""});
  for (Role r : {Role::host, Role::member, Role::department, Role::clerk}) {
    Caller c = caller_for(r);
    s.add_participant(Participant{c.participant, "s1", r, c.name, ""});
  }
  return s;
}

std::string state_of(const Session& s) {
  json j = s.snapshot(Role::host);
  j["last_seq"] = s.last_seq();
  j["last_hash"] = s.last_hash();
  j["participants"] = s.participants_json();
  return j.dump();
}

int64_t g_now = 1'790'000'000'000;

void decide(State& st, const Request& r, Role role) {
  const Caller c = caller_for(role);
  if (st.decided_state.empty()) st.decided_state = state_of(st.decided);
  const int64_t last = st.decided.last_seq();
  const std::string last_hash = st.decided.last_hash();
  g_now += 700;
  Outcome o = st.decided.handle(r, c, g_now, &filter());

  bool allowed = contract_who().at(r.type).count(role) > 0;
  if (r.type == RequestType::vote && role == Role::audience) allowed = st.decided.info().settings.audience_can_vote;
  if (!allowed) {
    CHECK(o.error && o.error->code == ErrorCode::forbidden, std::string(to_string(r.type)));
  } else {
    CHECK(!o.error || o.error->code != ErrorCode::forbidden, std::string(to_string(r.type)));
  }
  if (o.error) {
    CHECK(o.changes.empty());
    CHECK(state_of(st.decided) == st.decided_state, "a refused request changed the state");
    (void)json(o.ack).dump();
    return;
  }
  // Accepted: events numbered and chained after the last one.
  int64_t seq = last;
  std::string prev = last_hash;
  for (const auto& e : o.changes.events) {
    CHECK(e.seq == ++seq, "seq");
    CHECK(e.hash == chain_hash(prev, e), "hash chain");
    prev = e.hash;
    // The server dumps the wire form with the default (throwing) UTF-8 handler.
    std::string wire = to_wire_json(e).dump();
    CHECK(!wire.empty());
    if (auto it = e.data.find("text"); it != e.data.end()) {
      size_t max = e.kind == "note" ? 5000 : e.kind == "statement" ? 2000 : 500;
      check_text(it->get<std::string>(), 1, max, e.kind.c_str());
    }
  }
  CHECK(st.decided.last_seq() == seq);
  st.committed.apply(o.changes);
  st.decided_state = state_of(st.decided);
  CHECK(state_of(st.committed) == st.decided_state, "committed copy differs from the deciding copy");
}

void check_parsed(const Request& r) {
  switch (r.type) {
    case RequestType::say:
      check_text(r.text, 1, 2000, "say.text");
      if (!r.reply_to.empty()) check_text(r.reply_to, 1, 64, "reply_to");
      break;
    case RequestType::ask: check_text(r.text, 1, 500, "ask.text"); break;
    case RequestType::propose: check_text(r.text, 1, 500, "propose.text"); break;
    case RequestType::note: check_text(r.text, 1, 5000, "note.text"); break;
    case RequestType::upvote: check_text(r.question, 1, 64, "question"); break;
    case RequestType::moderate:
      check_text(r.question, 1, 64, "question");
      if (!r.reason.empty()) check_text(r.reason, 0, 500, "reason");
      break;
    case RequestType::vote:
    case RequestType::close_point: check_text(r.point, 1, 64, "point"); break;
    case RequestType::floor:
      if (r.participant) check_text(*r.participant, 1, 64, "participant");
      break;
    case RequestType::join:
      check_text(r.session, 1, 64, "session");
      if (r.claimed_role == Role::audience) {
        check_text(r.name, 1, 32, "name");
        CHECK(r.client_id.size() >= 8 && r.client_id.size() <= 64, r.client_id);
        for (char ch : r.client_id) CHECK(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-');
      } else if (!r.claimed_role) {
        check_text(r.token, 1, 256, "token");
      }
      if (r.after) CHECK(*r.after >= 0);
      break;
    default: break;
  }
}

State make_live(bool audience_can_vote) {
  State st{base_session(audience_can_vote), base_session(audience_can_vote), ""};
  Request start;
  start.type = RequestType::start;
  decide(st, start, Role::host);
  Request ask;
  ask.type = RequestType::ask;
  ask.text = "电梯费用怎么分摊？";
  decide(st, ask, Role::audience);
  Request approve;
  approve.type = RequestType::moderate;
  approve.question = "q1";
  approve.action = ModerateAction::approve;
  decide(st, approve, Role::host);
  Request propose;
  propose.type = RequestType::propose;
  propose.text = "先征求住户意见";
  decide(st, propose, Role::member);
  return st;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // The UTF-8 helpers against the reference, on every input.
  long ref = reference_utf8_length(input);
  CHECK(is_valid_utf8(input) == (ref >= 0), "is_valid_utf8 disagrees with RFC 3629");
  if (ref >= 0) {
    CHECK(utf8_length(input) == static_cast<size_t>(ref), "utf8_length");
    CHECK(has_forbidden_control(input) == reference_has_control(input), "has_forbidden_control");
  }

  // Odd first byte: audience may not vote in this session. The live session with a
  // question and a point is built once per setting and copied for every input.
  const bool audience_can_vote = size == 0 || (data[0] & 1) == 0;
  static const State live[2] = {make_live(false), make_live(true)};
  State st = live[audience_can_vote ? 1 : 0];
  g_now = 1'790'000'100'000;  // the same clock for every input, so a crash replays alone

  size_t frames = 0;
  size_t pos = 0;
  while (pos <= input.size() && frames < 16) {
    size_t nl = input.find('\n', pos);
    if (nl == std::string_view::npos) nl = input.size();
    std::string_view frame = input.substr(pos, nl - pos);
    pos = nl + 1;
    ++frames;
    if (!is_valid_utf8(frame)) continue;  // Beast closes with 1007 before parse_request
    ParsedRequest p = parse_request(frame);
    CHECK(p.request.has_value() != p.error.has_value(), "exactly one of request and error");
    CHECK(p.id.is_null() || p.id.is_string() || p.id.is_number_integer(), p.id.dump());
    if (p.error) {
      CHECK(p.error->code == ErrorCode::bad_request);
      continue;
    }
    CHECK(to_string(p.request->type) == p.type);
    check_parsed(*p.request);
    if (p.request->type == RequestType::join) continue;  // joins are the server's, not the Session's
    for (Role role : kAllRoles) decide(st, *p.request, role);
  }
  return 0;
}
