#pragma once
// Wrong tokens, counted per client address: after too many in a window the address may
// not present any token for a while, not even a right one (otherwise the refusal would
// still tell a guess that hits from one that misses).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace yst {

// Outside the class, so that it can be a defaulted constructor argument.
struct WrongTokenLimits {
  int max_failures = 10;                     // within `window`; the last of them locks the address out...
  std::chrono::milliseconds window{60'000};  // ...for this long
  size_t max_addresses = 10'000;             // remembered at once; the least recently failed go first
};

class WrongTokenLockout {
 public:
  using Limits = WrongTokenLimits;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit WrongTokenLockout(Limits limits = {}, Clock clock = {});

  // Whole seconds (at least 1) until `address` may present a token again; nothing when it
  // may now.
  std::optional<int64_t> seconds_locked(const std::string& address);
  // Counts a wrong token from `address`. True when this one locks the address out, so
  // that the caller says so once per lockout.
  bool count_failure(const std::string& address);

  size_t addresses_tracked() const;

 private:
  struct Entry {
    std::vector<std::chrono::steady_clock::time_point> failures;  // within the window, oldest first
    std::optional<std::chrono::steady_clock::time_point> locked_until;
    std::list<std::string>::iterator recency;
  };

  const Limits limits_;
  const Clock clock_;
  // Held only to read or update the table: no I/O, no logging, under it. Every I/O thread
  // and the WebSocket joins come through here, and each visit is a hash lookup.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> by_recency_;  // least recently failed first: evicted first when full
};

}  // namespace yst
