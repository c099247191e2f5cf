// WebSocket rows, joins: everything before a join, bad joins (session, token, audience
// fields, after, id, batch), the numbers at the edge that are fine, and a second join.
#include "tests/reliability/BadInputRows.hpp"

namespace yst::test::bad_input {

std::vector<WsCase> ws_join_cases(const World& w) {
  const std::string s = S(w);
  const std::string host_token = w.token.at(Where::main).at(Who::host);
  auto join_tok = [&](const std::string& tok) { return J({{"type", "join"}, {"session", s}, {"token", tok}}); };
  auto aud = [&](json extra) {
    json j{{"type", "join"}, {"session", s}, {"role", "audience"}, {"name", "听众"}, {"client_id", "bad-input-join-01"}};
    for (auto& [k, v] : extra.items()) {
      if (v.is_null() && k.rfind("drop:", 0) == 0) j.erase(k.substr(5));
      else j[k] = v;
    }
    return J(j);
  };
  auto drop = [](const std::string& k) { return json{{"drop:" + k, nullptr}}; };
  auto after = [&](const std::string& raw) {
    return T(R"({"type":"join","session":")" + s + R"(","token":")" + host_token + R"(","after":)" + raw + "}");
  };

  return {
      // --- Before joining: not_joined comes first in the precedence.
      {"before join: say", Who::none, Where::main, {J({{"type", "say"}, {"text", "插话"}})}, err("not_joined")},
      {"before join: ping", Who::none, Where::main, {J({{"type", "ping"}})}, err("not_joined")},
      {"before join: not JSON", Who::none, Where::main, {T("hello")}, err("not_joined")},
      {"before join: unknown type", Who::none, Where::main, {T(R"({"type":"dance"})")}, err("not_joined")},
      {"before join: array", Who::none, Where::main, {T("[]")}, err("not_joined")},
      {"before join: vote", Who::none, Where::main, {J(well_formed("vote"))}, err("not_joined")},
      {"before join: note", Who::none, Where::main, {J(well_formed("note"))}, err("not_joined")},
      {"before join: empty frame", Who::none, Where::main, {T("")}, err("not_joined")},
      {"before join: id is echoed", Who::none, Where::main, {T(R"({"type":"say","id":"x-1"})")},
       err("not_joined", id_is("x-1"))},

      // --- Bad joins.
      {"join: no session", Who::none, Where::main, {T(R"({"type":"join"})")}, err("bad_request")},
      {"join: session is a number", Who::none, Where::main, {T(R"({"type":"join","session":42,"token":"x"})")},
       err("bad_request")},
      {"join: session empty", Who::none, Where::main, {T(R"({"type":"join","session":"","token":"x"})")},
       err("bad_request")},
      {"join: session 65 chars", Who::none, Where::main,
       {J({{"type", "join"}, {"session", std::string(65, 's')}, {"token", host_token}})}, err("bad_request")},
      {"join: unknown session", Who::none, Where::main,
       {J({{"type", "join"}, {"session", "nosuchsession"}, {"token", host_token}})}, err("not_found")},
      {"join: session ../../etc/passwd", Who::none, Where::main,
       {J({{"type", "join"}, {"session", "../../etc/passwd"}, {"token", host_token}})}, err("not_found")},
      {"join: forged token", Who::none, Where::main, {join_tok("forged-token-0000000000000000")}, err("unauthorized")},
      {"join: other session's host token", Who::none, Where::main, {join_tok(w.token.at(Where::other).at(Who::host))},
       err("unauthorized")},
      {"join: other session's member token", Who::none, Where::main,
       {join_tok(w.token.at(Where::other).at(Who::member))}, err("unauthorized")},
      {"join: the admin token is not a participant's", Who::none, Where::main, {join_tok(w.srv->admin_token())},
       err("unauthorized")},
      {"join: host token plus one char", Who::none, Where::main, {join_tok(host_token + "x")}, err("unauthorized")},
      {"join: host token minus one char", Who::none, Where::main,
       {join_tok(host_token.substr(0, host_token.size() - 1))}, err("unauthorized")},
      {"join: host token with a flipped char", Who::none, Where::main,
       {join_tok(std::string(1, host_token[0] == 'A' ? 'B' : 'A') + host_token.substr(1))}, err("unauthorized")},
      {"join: token empty", Who::none, Where::main, {join_tok("")}, err("bad_request")},
      {"join: token 257 chars", Who::none, Where::main, {join_tok(std::string(257, 't'))}, err("bad_request")},
      {"join: token is a number", Who::none, Where::main,
       {T(R"({"type":"join","session":")" + s + R"(","token":12345})")}, err("bad_request")},
      {"join: token is null", Who::none, Where::main, {T(R"({"type":"join","session":")" + s + R"(","token":null})")},
       err("bad_request")},
      {"join: neither token nor role", Who::none, Where::main, {J({{"type", "join"}, {"session", s}})},
       err("bad_request")},
      {"audience join: no name", Who::none, Where::main, {aud(drop("name"))}, err("bad_request")},
      {"audience join: name empty", Who::none, Where::main, {aud({{"name", ""}})}, err("bad_request")},
      {"audience join: name 33 chars", Who::none, Where::main, {aud({{"name", repeat("名", 33)}})}, err("bad_request")},
      {"audience join: name with BEL", Who::none, Where::main, {aud({{"name", "听\a众"}})}, err("bad_request")},
      {"audience join: name is a number", Who::none, Where::main, {aud({{"name", 7}})}, err("bad_request")},
      {"audience join: no client_id", Who::none, Where::main, {aud(drop("client_id"))}, err("bad_request")},
      {"audience join: client_id 7 chars", Who::none, Where::main, {aud({{"client_id", "abcdefg"}})},
       err("bad_request")},
      {"audience join: client_id 65 chars", Who::none, Where::main, {aud({{"client_id", std::string(65, 'c')}})},
       err("bad_request")},
      {"audience join: client_id Chinese", Who::none, Where::main, {aud({{"client_id", "听众的设备号码很长"}})},
       err("bad_request")},
      {"audience join: client_id with ../", Who::none, Where::main, {aud({{"client_id", "../../../etc"}})},
       err("bad_request")},
      {"audience join: client_id with space", Who::none, Where::main, {aud({{"client_id", "client id 01"}})},
       err("bad_request")},
      {"audience join: role host without token", Who::none, Where::main, {aud({{"role", "host"}})},
       err("bad_request")},
      {"audience join: role admin", Who::none, Where::main, {aud({{"role", "admin"}})}, err("bad_request")},
      {"audience join: role is a number", Who::none, Where::main, {aud({{"role", 5}})}, err("bad_request")},
      {"join: after -1", Who::none, Where::main, {after("-1")}, err("bad_request")},
      {"join: after \"5\"", Who::none, Where::main, {after("\"5\"")}, err("bad_request")},
      {"join: after 1.5", Who::none, Where::main, {after("1.5")}, err("bad_request")},
      {"join: after 2^64", Who::none, Where::main, {after("18446744073709551616")}, err("bad_request")},
      {"join: after 2^64-1", Who::none, Where::main, {after("18446744073709551615")}, err("bad_request")},
      {"join: after -2^63", Who::none, Where::main, {after("-9223372036854775808")}, err("bad_request")},
      {"join: after true", Who::none, Where::main, {after("true")}, err("bad_request")},
      {"join: after -0.0", Who::none, Where::main, {after("-0.0")}, err("bad_request")},
      // Fixed in 9763bb7 (found by this suite): a number no double can hold used to make
      // the whole frame "not JSON", so a joining client was told not_joined.
      {"join: after 1e400", Who::none, Where::main, {after("1e400")}, err("bad_request")},
      {"join: after -1e400", Who::none, Where::main, {after("-1e400")}, err("bad_request")},
      {"join: id 1e400", Who::none, Where::main,
       {T(R"({"type":"join","id":1e400,"session":")" + s + R"(","token":")" + host_token + R"("})")},
       err("bad_request")},
      {"join: batch \"yes\"", Who::none, Where::main,
       {T(R"({"type":"join","session":")" + s + R"(","token":")" + host_token + R"(","batch":"yes"})")},
       err("bad_request")},
      // Numbers at the edge that are valid: -0 is zero; 2^63-1 is past every seq (no history, no crash).
      {"join: after -0 is zero", Who::none, Where::main, {after("-0")}, ok("welcome")},
      {"join: after 2^63-1", Who::none, Where::main, {after("9223372036854775807")},
       ok("welcome", [](const json& r) { return r["last_seq"].get<int64_t>() > 0 ? "" : "no last_seq"; })},
      // Extra fields are ignored, and cannot promote an audience join.
      {"audience join: extra fields cannot claim staff", Who::none, Where::main,
       {aud({{"participant", "p_host"}, {"you", {{"role", "host"}}}, {"admin", true}})},
       ok("welcome", [](const json& r) {
         return r["you"]["role"] == "audience" ? "" : "became " + r["you"].dump();
       })},

      // --- A second join.
      {"second join: same token", Who::host, Where::main, {join_tok(host_token)}, err("conflict")},
      {"second join: audience then staff", Who::audience, Where::main, {join_tok(host_token)}, err("conflict")},
      {"second join: other session", Who::member, Where::main,
       {join_tok(w.token.at(Where::other).at(Who::host))}, err("conflict")},
      {"second join: malformed is bad_request first", Who::host, Where::main, {T(R"({"type":"join"})")},
       err("bad_request")},
      // Fixed in 9763bb7 (found by this suite): not_found comes before conflict.
      {"second join: unknown session is not_found before conflict", Who::host, Where::main,
       {J({{"type", "join"}, {"session", "nosuchsession"}, {"token", host_token}})}, err("not_found")},
  };
}

}  // namespace yst::test::bad_input
