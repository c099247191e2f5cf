#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "session/Types.hpp"

namespace yst {

class Writer;

// Counters shared by every thread (relaxed atomics: they are statistics, not state).
struct Metrics {
  std::array<std::atomic<int64_t>, kRoleCount> connections_by_role{};
  std::atomic<int64_t> connections_open{0};
  std::atomic<uint64_t> connections_total{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> deliveries{0};
  std::atomic<uint64_t> bytes_out{0};
  std::atomic<uint64_t> frames_out{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> request_errors{0};
  std::atomic<uint64_t> rate_limited{0};
  std::atomic<uint64_t> slow_client_disconnects{0};
  std::atomic<uint64_t> flood_disconnects{0};
  std::atomic<uint64_t> http_requests{0};

  std::string render(const Writer& writer) const;
};

}  // namespace yst
