#include "Measurement.hpp"

#include <cmath>

#include "Report.hpp"

namespace ystbench {

ServerSample sample_server(const Options& o) {
  if (o.server_pids.empty()) return {};
  ServerSample sum{0.0, 0L};
  for (pid_t pid : o.server_pids) {
    ServerSample one{process_cpu_seconds(pid), process_rss_kib(pid)};
    if (!one.cpu_s || !one.rss_kib) return {};
    *sum.cpu_s += *one.cpu_s;
    *sum.rss_kib += *one.rss_kib;
  }
  return sum;
}

void Measurement::start() {
  client_cpu0_ = self_cpu_seconds();
  s0_ = sample_server(o_);
  machine0_ = machine_cpu();
  t0_ = now_ns();
  load_ = load_average();
}

void Measurement::stop() {
  s1_ = sample_server(o_);
  client_cpu1_ = self_cpu_seconds();
}

std::optional<double> Measurement::server_cpu_s() const {
  if (!s0_.cpu_s || !s1_.cpu_s) return std::nullopt;
  return *s1_.cpu_s - *s0_.cpu_s;
}

void Measurement::report(json& out) const {
  out["client_cpu_s"] = round3(client_cpu_s());
  const auto server_cpu = server_cpu_s();
  if (server_cpu) out["server_cpu_s"] = round3(*server_cpu);
  auto machine1 = machine_cpu();
  const double wall = static_cast<double>(now_ns() - t0_) / 1e9;
  out["load_average"] = load_;
  if (!machine0_ || !machine1 || wall <= 0) return;
  const double busy = (machine1->busy_s - machine0_->busy_s) / wall;
  out["machine_busy_cores"] = std::round(busy * 100) / 100;
  out["machine_steal_cores"] = std::round((machine1->steal_s - machine0_->steal_s) / wall * 100) / 100;
  if (server_cpu) out["other_cores"] = std::round((busy - (*server_cpu + client_cpu_s()) / wall) * 100) / 100;
}

}  // namespace ystbench
