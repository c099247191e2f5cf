#include "server/WrongTokenLockout.hpp"

#include <algorithm>

namespace yst {

using std::chrono::steady_clock;

WrongTokenLockout::WrongTokenLockout(Limits limits, Clock clock)
    : limits_(limits), clock_(clock ? std::move(clock) : Clock([] { return steady_clock::now(); })) {}

std::optional<int64_t> WrongTokenLockout::seconds_locked(const std::string& address) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(address);
  if (it == entries_.end() || !it->second.locked_until) return std::nullopt;
  const auto left = *it->second.locked_until - now;
  if (left <= steady_clock::duration::zero()) {
    // Served its time: forgotten, so it starts afresh.
    by_recency_.erase(it->second.recency);
    entries_.erase(it);
    return std::nullopt;
  }
  return std::max<int64_t>(1, std::chrono::ceil<std::chrono::seconds>(left).count());
}

bool WrongTokenLockout::count_failure(const std::string& address) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(address);
  if (it == entries_.end()) {
    if (entries_.size() >= limits_.max_addresses && !by_recency_.empty()) {
      // A flood of addresses must not grow the table without bound. Losing the oldest may
      // lift a lockout early; whoever can spend 10 000 addresses could guess from them anyway.
      entries_.erase(by_recency_.front());
      by_recency_.pop_front();
    }
    by_recency_.push_back(address);
    it = entries_.emplace(address, Entry{{}, std::nullopt, std::prev(by_recency_.end())}).first;
  } else {
    by_recency_.splice(by_recency_.end(), by_recency_, it->second.recency);
  }
  Entry& e = it->second;
  if (e.locked_until) {
    if (*e.locked_until > now) return false;  // refused already; a racing request still counts as nothing new
    e.locked_until.reset();
  }
  // A sliding window: ten failures within any 60 s, not ten in each fixed minute.
  std::erase_if(e.failures, [&](steady_clock::time_point t) { return now - t >= limits_.window; });
  e.failures.push_back(now);
  if (static_cast<int>(e.failures.size()) < limits_.max_failures) return false;
  e.failures.clear();
  e.locked_until = now + limits_.window;
  return true;
}

size_t WrongTokenLockout::addresses_tracked() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace yst
