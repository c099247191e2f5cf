#include "server/Timeline.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

namespace yst {

int64_t Timeline::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Timeline::Record& Timeline::record(const std::string& session, int64_t seq) {
  Record& r = records_[{session, seq}];
  if (r.handed.empty()) {
    r.handed.assign(threads_, 0);
    r.written.assign(threads_, 0);
  }
  return r;
}

void Timeline::decided(const std::string& session, std::span<const int64_t> seqs, int64_t read_us, int64_t at_us) {
  std::lock_guard lock(mutex_);
  for (int64_t seq : seqs) {
    Record& r = record(session, seq);
    r.read = read_us;
    r.decided = at_us;
  }
}

void Timeline::stage(const std::string& session, std::span<const int64_t> seqs, Stage stage, int64_t at_us) {
  std::lock_guard lock(mutex_);
  for (int64_t seq : seqs) {
    Record& r = record(session, seq);
    int64_t& field = stage == Stage::submitted ? r.submitted : stage == Stage::committed ? r.committed : r.applied;
    field = at_us;
  }
}

void Timeline::handed(const std::string& session, int64_t seq, size_t thread, int64_t at_us) {
  std::lock_guard lock(mutex_);
  Record& r = record(session, seq);
  if (thread < threads_ && !r.handed[thread]) r.handed[thread] = at_us;
}

void Timeline::written(const std::string& session, std::span<const int64_t> seqs, size_t thread, int64_t at_us) {
  std::lock_guard lock(mutex_);
  for (int64_t seq : seqs) {
    Record& r = record(session, seq);
    if (thread < threads_) r.written[thread] = at_us;
  }
}

void Timeline::write() {
  std::lock_guard lock(mutex_);
  if (written_) return;
  written_ = true;
  std::ofstream out(path_, std::ios::trunc);
  if (!out) return spdlog::warn("--timeline: cannot write {}", path_);
  for (const auto& [key, r] : records_) {
    out << nlohmann::json{{"session", key.first}, {"seq", key.second},       {"read", r.read},
                          {"decided", r.decided}, {"submitted", r.submitted}, {"committed", r.committed},
                          {"applied", r.applied}, {"handed", r.handed},       {"written", r.written}}
               .dump()
        << '\n';
  }
  spdlog::info("--timeline: {} events written to {}", records_.size(), path_);
}

}  // namespace yst
