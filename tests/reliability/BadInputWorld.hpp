#pragma once
// The world every row of the bad-input suite runs in: a server with a header timeout of
// 2 s, six sessions in known states, a token per role, and a good client joined all along.
// And what of it must not change, however bad the input.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "tests/support/Helpers.hpp"

namespace yst::test::bad_input {

using Clock = std::chrono::steady_clock;

enum class Who { none, host, member, department, clerk, audience };
// main: live, with an approved question q1, a pending q2, an open point pt1 (a member
// voted agree) and a closed pt2. scheduled: never started. ended: started and ended.
// novote: live, audience_can_vote false. scratch: live; rows that must be *accepted*
// (limits are inclusive) write here, so main stays untouched.
enum class Where { main, scheduled, ended, novote, scratch, other };

const char* who_name(Who w);
std::string where_name(Where w);

struct World {
  std::unique_ptr<ServerProcess> srv;
  std::map<Where, std::string> sid;
  std::map<Where, std::map<Who, std::string>> token;
  std::string setup_audience_client = "setup-audience-0001";
  std::string setup_audience_participant;
  std::unique_ptr<WsClient> keeper;  // the good client: the host of main, joined all along
  int pings = 0;
};

inline std::string S(const World& w, Where where = Where::main) { return w.sid.at(where); }

// Starts the server and sets the sessions up; fails the test (ASSERT) when it cannot.
void build_world(World& w);

// What must not change.
struct Stored {
  std::map<Where, std::string> events;  // the events JSON as served to a staff token
  std::string main_snapshot;            // without the live figures (online, peak)
  std::string main_participants;
  size_t sessions = 0;
};
Stored stored(World& w);

}  // namespace yst::test::bad_input
