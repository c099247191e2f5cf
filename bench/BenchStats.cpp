#include "BenchStats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

namespace ystbench {

Histogram::Histogram() : buckets_(new std::atomic<uint64_t>[kBuckets]) {
  for (int i = 0; i < kBuckets; ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

size_t Histogram::index_of(uint64_t us) {
  if (us < kLinear) return static_cast<size_t>(us);
  const int e = 63 - std::countl_zero(us);  // 8 or more
  const uint64_t sub = (us >> (e - kSubBits)) & ((1u << kSubBits) - 1);
  return static_cast<size_t>(kLinear + (e - 8) * (1 << kSubBits) + static_cast<int>(sub));
}

double Histogram::value_of(size_t index) {
  if (index < kLinear) return static_cast<double>(index) + 0.5;
  const size_t rel = index - kLinear;
  const int e = static_cast<int>(rel >> kSubBits) + 8;
  const double sub = static_cast<double>(rel & ((1u << kSubBits) - 1));
  const double width = std::ldexp(1.0, e - kSubBits);
  return std::ldexp(1.0, e) + (sub + 0.5) * width;
}

void Histogram::record_ns(int64_t ns) {
  if (ns < 0) ns = 0;  // cannot happen with one steady clock; never index out of range
  buckets_[index_of(static_cast<uint64_t>(ns) / 1000)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
  int64_t prev = max_ns_.load(std::memory_order_relaxed);
  while (ns > prev && !max_ns_.compare_exchange_weak(prev, ns, std::memory_order_relaxed)) {
  }
}

double Histogram::percentile_ms(double q) const {
  const uint64_t total = count();
  if (total == 0) return 0;
  // The smallest value with at least q of the samples at or below it.
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < static_cast<size_t>(kBuckets); ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(value_of(i) / 1000.0, max_ms());
  }
  return max_ms();
}

double Histogram::mean_ms() const {
  const uint64_t n = count();
  return n ? static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / static_cast<double>(n) / 1e6 : 0;
}

nlohmann::json Histogram::summary() const {
  auto r = [](double v) { return std::round(v * 1000.0) / 1000.0; };  // µs precision in the output
  return {{"p50", r(percentile_ms(0.50))}, {"p90", r(percentile_ms(0.90))}, {"p99", r(percentile_ms(0.99))},
          {"p999", r(percentile_ms(0.999))}, {"max", r(max_ms())},          {"mean", r(mean_ms())},
          {"count", count()}};
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::optional<double> process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may contain spaces and parentheses: fields are counted
  // from the last ')'. utime and stime are fields 14 and 15.
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> f;
  std::string tok;
  while (rest >> tok && f.size() < 13) f.push_back(tok);
  if (f.size() < 13) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(f[11]) + std::stod(f[12])) / ticks;
}

std::optional<long> process_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return std::nullopt;
}

std::optional<MachineCpu> machine_cpu() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || cpu != "cpu")
    return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return MachineCpu{(user + nice + system + irq + softirq) / ticks, steal / ticks};
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

}  // namespace ystbench
