#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "session/Types.hpp"

namespace yst {

class Writer;

// A counter bumped by every io thread on every write or read: one cache line per
// thread slot, so the threads do not pass one line back and forth; /metrics sums them.
class ShardedCounter {
 public:
  void fetch_add(uint64_t n, std::memory_order order) { slots_[slot()].value.fetch_add(n, order); }
  uint64_t load() const {
    uint64_t sum = 0;
    for (const auto& s : slots_) sum += s.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  static constexpr size_t kSlots = 16;
  struct alignas(64) Slot {
    std::atomic<uint64_t> value{0};
  };
  static size_t slot();
  std::array<Slot, kSlots> slots_{};
};

// Counters shared by every thread (relaxed atomics: they are statistics, not state).
struct Metrics {
  std::array<std::atomic<int64_t>, kRoleCount> connections_by_role{};
  std::atomic<int64_t> connections_open{0};
  // What the rooms keep for resumes (Room::keep_history): events and their frames' bytes.
  std::atomic<int64_t> history_events{0};
  std::atomic<int64_t> history_bytes{0};
  std::atomic<uint64_t> resumes_from_store{0};  // resumes from further back than that
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> deliveries{0};
  ShardedCounter bytes_out;
  ShardedCounter frames_out;
  ShardedCounter writes_out;  // frames_out / writes_out: how many frames a write carries
  ShardedCounter requests;
  std::atomic<uint64_t> request_errors{0};
  std::atomic<uint64_t> rate_limited{0};
  std::atomic<uint64_t> slow_client_disconnects{0};
  std::atomic<uint64_t> flood_disconnects{0};
  std::atomic<uint64_t> http_requests{0};
  std::atomic<uint64_t> wrong_tokens{0};
  std::atomic<uint64_t> token_lockouts{0};

  std::string render(const Writer& writer) const;
};

}  // namespace yst
