#pragma once
// What the server, this tool and the whole machine spend over one measured phase of a
// scenario, read from /proc.
#include <nlohmann/json.hpp>
#include <optional>

#include "BenchStats.hpp"
#include "Options.hpp"

namespace ystbench {

using json = nlohmann::json;

// The server's CPU seconds and resident memory at one moment (empty without --server-pid).
struct ServerSample {
  std::optional<double> cpu_s;
  std::optional<long> rss_kib;
};
ServerSample sample_server(const Options& o);

class Measurement {
 public:
  explicit Measurement(const Options& o) : o_(o) {}
  void start();  // the phase begins
  void stop();   // the phase's CPU figures end (the machine's window ends in report())

  const ServerSample& server_before() const { return s0_; }
  const ServerSample& server_after() const { return s1_; }
  std::optional<double> server_cpu_s() const;
  double client_cpu_s() const { return client_cpu1_ - client_cpu0_; }

  // Adds client_cpu_s, server_cpu_s, and what the whole machine did: on a shared machine,
  // "others" is the CPU that neither the server nor this tool got.
  void report(json& out) const;

 private:
  const Options& o_;
  ServerSample s0_, s1_;
  double client_cpu0_ = 0, client_cpu1_ = 0;
  std::optional<MachineCpu> machine0_;
  int64_t t0_ = 0;
  std::string load_;
};

}  // namespace ystbench
