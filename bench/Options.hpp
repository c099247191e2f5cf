#pragma once
// The load tool's command line: every flag, its default and its bounds.
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace ystbench {

struct Options {
  std::string scenario = "fanout";
  int port = 0;
  // Where the audience connects, in turn (--ports; default: --port alone): the nodes of a
  // cluster. The session is set up and the staff connect through --port.
  std::vector<int> ports;
  std::string path;  // default: /ws for yishiting, / for raw
  std::string admin_token;
  std::string label;
  size_t n = 100;
  double rate = 5;       // events per second; 0 = saturate
  double duration = 15;  // seconds of sending
  size_t window = 64;    // saturate: says (frames) in flight without an ack (echo)
  size_t lag = 256;      // saturate: how far the sender may run ahead of the average receiver
  int threads = 2;
  std::vector<pid_t> server_pids;  // their CPU and RSS are summed
  size_t connect_window = 256;  // connection attempts in flight while setting up
  size_t raw_size = 200;        // raw: bytes per frame (padded)
  double spread = 2;            // storm: seconds over which the audience's requests are spread
  size_t events_before = 20;    // resume: events seen before the restart
  size_t events_after = 20;     // resume: events said while the audience reconnects
  std::string restart_cmd;
  double timeout = 60;  // seconds allowed to each waiting phase
  bool batch = false;   // fanout/join: the audience joins with "batch": true
  bool json_out = false;
};

// Parses argv; prints the usage and exits (2) on a bad command line, (0) on --help.
Options parse_options(int argc, char** argv);

}  // namespace ystbench
