// WebSocket rows, the limits of the contract: over-long strings (and exactly at the
// limit, accepted), control characters, invalid UTF-8, binary and oversized frames.
#include "tests/reliability/BadInputRows.hpp"

namespace yst::test::bad_input {

std::vector<WsCase> ws_limit_cases(const World& w) {
  auto say = [](const std::string& text) { return J({{"type", "say"}, {"text", text}}); };

  const std::string zh2001 = repeat("议", 2001), zh2000 = repeat("议", 2000);
  const std::string emoji2001 = repeat("\xF0\x9F\x98\x80", 2001), emoji2000 = repeat("\xF0\x9F\x98\x80", 2000);

  return {
      // --- Over-long strings (limits per field), refused.
      {"say: 2001 ASCII", Who::member, Where::main, {say(std::string(2001, 'a'))}, err("bad_request")},
      {"say: 2001 Chinese", Who::member, Where::main, {say(zh2001)}, err("bad_request")},
      {"say: 2001 emoji", Who::member, Where::main, {say(emoji2001)}, err("bad_request")},
      {"say: empty", Who::member, Where::main, {say("")}, err("bad_request")},
      {"ask: 501 chars", Who::audience, Where::main, {J({{"type", "ask"}, {"text", repeat("问", 501)}})},
       err("bad_request")},
      {"ask: empty", Who::audience, Where::main, {J({{"type", "ask"}, {"text", ""}})}, err("bad_request")},
      {"propose: 501 chars", Who::member, Where::main, {J({{"type", "propose"}, {"text", repeat("提", 501)}})},
       err("bad_request")},
      {"note: 5001 ASCII", Who::clerk, Where::main, {J({{"type", "note"}, {"text", std::string(5001, 'n')}})},
       err("bad_request")},
      {"note: 5001 Chinese", Who::clerk, Where::main, {J({{"type", "note"}, {"text", repeat("记", 5001)}})},
       err("bad_request")},
      {"moderate: reason 501 chars", Who::host, Where::main,
       {J({{"type", "moderate"}, {"question", "q2"}, {"action", "reject"}, {"reason", repeat("因", 501)}})},
       err("bad_request")},
      {"say: reply_to 65 chars", Who::member, Where::main,
       {J({{"type", "say"}, {"text", "答"}, {"reply_to", std::string(65, 'q')}})}, err("bad_request")},
      {"vote: point 65 chars", Who::member, Where::main,
       {J({{"type", "vote"}, {"point", std::string(65, 'p')}, {"choice", "agree"}})}, err("bad_request")},
      {"upvote: question 65 chars", Who::audience, Where::main,
       {J({{"type", "upvote"}, {"question", std::string(65, 'q')}})}, err("bad_request")},
      {"type: 1000 chars", Who::member, Where::main, {J({{"type", std::string(1000, 't')}})}, err("bad_request")},

      // --- The same limits are inclusive: exactly at the limit is accepted (on scratch).
      {"say: 2000 Chinese accepted", Who::member, Where::scratch, {say(zh2000)}, ok("ack")},
      {"say: 2000 emoji accepted", Who::member, Where::scratch, {say(emoji2000)}, ok("ack")},
      {"ask: 500 Chinese accepted", Who::audience, Where::scratch, {J({{"type", "ask"}, {"text", repeat("问", 500)}})},
       ok("ack")},
      {"propose: 500 Chinese accepted", Who::member, Where::scratch,
       {J({{"type", "propose"}, {"text", repeat("提", 500)}})}, ok("ack")},
      {"note: 5000 Chinese accepted", Who::clerk, Where::scratch, {J({{"type", "note"}, {"text", repeat("记", 5000)}})},
       ok("ack")},
      {"say: tab, newline and CR accepted", Who::member, Where::scratch, {say("第一行\n第二行\t制表\r")}, ok("ack")},
      {"audience join: name 32 Chinese accepted", Who::none, Where::scratch,
       {J({{"type", "join"}, {"session", S(w, Where::scratch)}, {"role", "audience"}, {"name", repeat("名", 32)},
           {"client_id", "name-limit-01"}})},
       ok("welcome")},
      {"audience join: client_id 64 chars accepted", Who::none, Where::scratch,
       {J({{"type", "join"}, {"session", S(w, Where::scratch)}, {"role", "audience"}, {"name", "听众"},
           {"client_id", std::string(62, 'c') + "_-"}})},
       ok("welcome")},
      {"audience join: client_id 8 chars accepted", Who::none, Where::scratch,
       {J({{"type", "join"}, {"session", S(w, Where::scratch)}, {"role", "audience"}, {"name", "听众"},
           {"client_id", "ABCdef09"}})},
       ok("welcome")},

      // --- Control characters (other than tab, newline, CR).
      {"say: NUL", Who::member, Where::main, {say(std::string("a\0b", 3))}, err("bad_request")},
      {"say: BEL", Who::member, Where::main, {say("bell\a")}, err("bad_request")},
      {"say: ANSI escape", Who::member, Where::main, {say("\x1b[31m红色")}, err("bad_request")},
      {"say: DEL", Who::member, Where::main, {say("del\x7f")}, err("bad_request")},
      {"say: C1 NEL U+0085", Who::member, Where::main, {say("nel\xC2\x85")}, err("bad_request")},
      {"say: C1 CSI U+009B", Who::member, Where::main, {say("csi\xC2\x9B")}, err("bad_request")},
      {"ask: NUL", Who::audience, Where::main, {J({{"type", "ask"}, {"text", std::string("问\0", 4)}})},
       err("bad_request")},
      {"note: backspace", Who::clerk, Where::main, {J({{"type", "note"}, {"text", "记\b录"}})}, err("bad_request")},
      {"propose: unit separator", Who::member, Where::main, {J({{"type", "propose"}, {"text", "提\x1f议"}})},
       err("bad_request")},
      {"moderate: reason with NUL", Who::host, Where::main,
       {J({{"type", "moderate"}, {"question", "q2"}, {"action", "reject"}, {"reason", std::string("\0", 1)}})},
       err("bad_request")},
      {"vote: point with ESC", Who::member, Where::main, {J({{"type", "vote"}, {"point", "pt\x1b"}, {"choice", "agree"}})},
       err("bad_request")},

      // --- Invalid UTF-8 in a text frame: closed with 1007.
      {"utf8: 0xFF", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xff\"}")}, closes(1007)},
      {"utf8: 0xFE", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xfe\"}")}, closes(1007)},
      {"utf8: overlong slash C0 AF", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xc0\xaf\"}")},
       closes(1007)},
      {"utf8: overlong 3-byte E0 80 AF", Who::member, Where::main,
       {T("{\"type\":\"say\",\"text\":\"\xe0\x80\xaf\"}")}, closes(1007)},
      {"utf8: encoded surrogate ED A0 80", Who::member, Where::main,
       {T("{\"type\":\"say\",\"text\":\"\xed\xa0\x80\"}")}, closes(1007)},
      {"utf8: past U+10FFFF", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xf4\x90\x80\x80\"}")},
       closes(1007)},
      {"utf8: truncated at the end", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xe4\xbd")},
       closes(1007)},
      {"utf8: lone continuation byte", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\x80\"}")},
       closes(1007)},
      {"utf8: Latin-1 e-acute", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"caf\xe9\"}")},
       closes(1007)},
      {"utf8: before join", Who::none, Where::main, {T("\xff\xff\xff")}, closes(1007)},
      {"utf8: audience", Who::audience, Where::main, {T("{\"type\":\"ask\",\"text\":\"\xc3\x28\"}")}, closes(1007)},

      // --- Binary frames: closed with 1003.
      {"binary: a ping", Who::member, Where::main, {B(R"({"type":"ping"})")}, closes(1003)},
      {"binary: before join", Who::none, Where::main, {B("\x01\x02\x03")}, closes(1003)},
      {"binary: empty", Who::member, Where::main, {B("")}, closes(1003)},
      {"binary: Chinese text", Who::audience, Where::main, {B("议事厅")}, closes(1003)},

      // --- Oversized frames (> 16 KiB): closed with 1009; exactly 16 KiB is fine.
      {"frame: 16384 bytes is fine", Who::member, Where::main, {T(ping_of_size(16384))}, ok("pong")},
      {"frame: 16385 bytes", Who::member, Where::main, {T(ping_of_size(16385))}, closes(1009)},
      {"frame: 16385 bytes before join", Who::none, Where::main, {T(ping_of_size(16385))}, closes(1009)},
      {"frame: 20 KiB binary", Who::member, Where::main, {B(std::string(20 * 1024, 'b'))}, closes(1009)},
      {"frame: 6000 Chinese chars (18 KB)", Who::member, Where::main, {say(repeat("议", 6000))}, closes(1009)},
  };
}

}  // namespace yst::test::bad_input
