// yishiting-bench: the load tool of issue 7. All connections live in this one process
// (asynchronous Beast clients on 1-2 io threads) and talk to 127.0.0.1 only.
//
// Scenarios (--scenario), one file each in scenarios/:
//   fanout  a member says E events/s to N audience connections; send-to-receipt latency.
//   raw     the same fan-out against a plain broadcast relay (baseline-relay, ws-relay.mjs).
//   join    N audience connections join in one burst; time until all are welcomed.
//   storm   every audience connection upvotes and votes within --spread s; acks/s, time
//           to the final live figures, and whether the stored counts are exact.
//   resume  the server restarts under N connections; they must catch up with no gap and
//           no duplicate.
//
// Output: a human summary, and with --json one line of JSON with every figure.
//
// Timing: every timestamp is steady_clock in this process, so a latency is one clock
// read at the sender minus one at the receiver, with no clock sync involved. Note that
// the tool shares the machine's cores with the server it measures.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "BenchNet.hpp"
#include "Options.hpp"
#include "scenarios/Scenarios.hpp"

namespace {

using namespace ystbench;

struct Scenario {
  const char* name;
  json (*run)(const Options&);
  void (*print)(const json&);
};

// Every name parse_options() accepts has a row.
const Scenario kScenarios[] = {
    {"fanout", run_fanout, print_fanout}, {"raw", run_raw, print_fanout},
    {"join", run_join, print_join},       {"storm", run_storm, print_storm},
    {"resume", run_resume, print_resume},
};

const Scenario& scenario_named(const std::string& name) {
  for (const auto& s : kScenarios)
    if (name == s.name) return s;
  throw std::logic_error("no scenario " + name);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_options(argc, argv);
  const long nofile = raise_nofile_limit();
  if (nofile > 0 && static_cast<size_t>(nofile) < o.n + 64)
    std::cerr << "warning: only " << nofile << " file descriptors for " << o.n << " connections\n";
  const Scenario& scenario = scenario_named(o.scenario);
  json result;
  try {
    result = scenario.run(o);
  } catch (const std::exception& e) {
    std::cerr << "yishiting-bench: " << o.scenario << ": " << e.what() << "\n";
    if (o.json_out)
      std::cout << json{{"scenario", o.scenario}, {"label", o.label}, {"n", o.n}, {"error", e.what()}}.dump() << "\n";
    return 1;
  }
  std::cout << "== " << result.value("scenario", "") << " [" << result.value("label", "") << "] N=" << result["n"]
            << "\n";
  scenario.print(result);
  if (o.json_out) std::cout << result.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  std::cout.flush();
  return 0;
}
