#include "Options.hpp"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

namespace ystbench {
namespace {

const char* kUsage = R"(usage: yishiting-bench --scenario fanout|raw|join|storm|resume --port P [flags]
  --admin-token T      admin token of the yishiting server (all but raw)
  --n N                audience (receiver) connections (100)
  --rate E             events per second (5); 0 = as fast as --window allows
  --duration T         seconds of sending (15)
  --window W           rate 0: frames in flight without an ack (64)
  --lag L              rate 0: most frames the sender may run ahead of the average receiver (256)
  --threads K          io threads of this tool (2)
  --server-pid PID[,PID...]  server process(es), for CPU seconds and RSS from /proc
  --ports P1,P2,...    the audience connects to these ports in turn (a cluster's nodes);
                       latency is also reported per port. Default: --port
  --connect-window C   connection attempts in flight while connecting (256; join: N)
  --path P             WebSocket path (/ws; raw: /)
  --size B             raw: bytes per frame (200)
  --spread S           storm: seconds over which the votes are spread (2)
  --events-before S    resume: events before the restart (20)
  --events-after K     resume: events while reconnecting (20)
  --restart-cmd CMD    resume: shell command that restarts the server on the same port
  --timeout S          bound of every waiting phase (60)
  --batch              fanout, join: the audience joins with "batch": true (the protocol
                       extension: several messages per frame as a JSON array)
  --label L            a name for the run, copied to the JSON
  --json               also print one JSON line with every figure
Only 127.0.0.1 is ever contacted.
)";

[[noreturn]] void usage_error(const std::string& msg) {
  std::cerr << "yishiting-bench: " << msg << "\n\n" << kUsage;
  std::exit(2);
}

double parse_number(const std::string& flag, const std::string& v, double lo, double hi) {
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || p != v.data() + v.size() || !(d >= lo && d <= hi))
    usage_error(flag + " must be a number from " + nlohmann::json(lo).dump() + " to " + nlohmann::json(hi).dump());
  return d;
}

size_t parse_count(const std::string& flag, const std::string& v, double lo, double hi) {
  return static_cast<size_t>(parse_number(flag, v, lo, hi));
}

std::vector<std::string> split_commas(const std::string& v) {
  std::vector<std::string> out;
  for (size_t from = 0;;) {
    const size_t comma = v.find(',', from);
    out.push_back(v.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

// One flag that takes a value; false when the flag is unknown.
bool parse_valued_flag(Options& o, const std::string& a, const std::string& v, bool& connect_window_set) {
  if (a == "--scenario") o.scenario = v;
  else if (a == "--port") o.port = static_cast<int>(parse_number(a, v, 1, 65535));
  else if (a == "--admin-token") o.admin_token = v;
  else if (a == "--label") o.label = v;
  else if (a == "--n") o.n = parse_count(a, v, 1, 1e6);
  else if (a == "--rate") o.rate = parse_number(a, v, 0, 1e6);
  else if (a == "--duration") o.duration = parse_number(a, v, 0.1, 3600);
  else if (a == "--window") o.window = parse_count(a, v, 1, 1e6);
  else if (a == "--lag") o.lag = parse_count(a, v, 1, 1e6);
  else if (a == "--threads") o.threads = static_cast<int>(parse_number(a, v, 1, 64));
  else if (a == "--server-pid") {
    for (const auto& one : split_commas(v)) o.server_pids.push_back(static_cast<pid_t>(parse_number(a, one, 1, 1e9)));
  } else if (a == "--ports") {
    for (const auto& one : split_commas(v)) o.ports.push_back(static_cast<int>(parse_number(a, one, 1, 65535)));
  }
  else if (a == "--connect-window") {
    o.connect_window = parse_count(a, v, 1, 1e6);
    connect_window_set = true;
  } else if (a == "--path") o.path = v;
  else if (a == "--size") o.raw_size = parse_count(a, v, 32, 1 << 20);
  else if (a == "--spread") o.spread = parse_number(a, v, 0, 600);
  else if (a == "--events-before") o.events_before = parse_count(a, v, 1, 100000);
  else if (a == "--events-after") o.events_after = parse_count(a, v, 0, 100000);
  else if (a == "--restart-cmd") o.restart_cmd = v;
  else if (a == "--timeout") o.timeout = parse_number(a, v, 1, 3600);
  else return false;
  return true;
}

// The checks between flags, and the defaults that depend on the scenario.
void complete(Options& o, bool connect_window_set) {
  static const std::set<std::string> scenarios{"fanout", "raw", "join", "storm", "resume"};
  if (!scenarios.count(o.scenario)) usage_error("unknown scenario " + o.scenario);
  if (o.port == 0) usage_error("--port is required");
  if (o.ports.empty()) o.ports.push_back(o.port);
  if (o.scenario != "raw" && o.admin_token.empty()) usage_error("--admin-token is required for " + o.scenario);
  if (o.scenario == "resume" && o.restart_cmd.empty()) usage_error("resume needs --restart-cmd");
  if (o.batch && o.scenario != "fanout" && o.scenario != "join" && o.scenario != "storm")
    usage_error("--batch is for fanout, join and storm");
  if (o.path.empty()) o.path = o.scenario == "raw" ? "/" : "/ws";
  if (o.scenario == "join" && !connect_window_set) o.connect_window = o.n;  // a burst: everyone at once
  if (o.label.empty()) o.label = o.scenario;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  bool connect_window_set = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (a == "--json") {
      o.json_out = true;
      continue;
    }
    if (a == "--batch") {
      o.batch = true;
      continue;
    }
    if (i + 1 >= argc) usage_error(a + " needs a value");
    std::string v = argv[++i];
    if (!parse_valued_flag(o, a, v, connect_window_set)) usage_error("unknown flag " + a);
  }
  complete(o, connect_window_set);
  return o;
}

}  // namespace ystbench
