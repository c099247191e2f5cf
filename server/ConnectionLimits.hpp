#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace yst {

// Counts open connections in total and per client address. A Slot is held for the life
// of a connection (HTTP, then WebSocket after the upgrade) and gives its place back when
// destroyed.
//
// A connection from a trusted proxy (--trusted-proxy) is not one client's: it is counted
// in the total at once, and against a client's address only once a request says whose it
// is (attribute), moving with it when the proxy reuses the connection for another client.
class ConnectionLimits {
 public:
  ConnectionLimits(size_t max_total, size_t max_per_address) : max_total_(max_total), max_per_address_(max_per_address) {}

  class Slot {
   public:
    Slot(ConnectionLimits& limits, std::string address) : limits_(limits), address_(std::move(address)) {}
    ~Slot() { limits_.release(address_); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // Counts this connection against `address` instead of whatever it was counted against;
    // false, and nothing changed, when `address` is at its limit.
    bool attribute(const std::string& address) { return address == address_ || limits_.move(address_, address); }

   private:
    ConnectionLimits& limits_;
    std::string address_;  // empty: not counted against any address yet
  };

  // Null when a limit is reached.
  std::unique_ptr<Slot> acquire(const std::string& address) {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) return nullptr;
    auto& n = per_address_[address];
    if (max_per_address_ && n >= max_per_address_) return nullptr;
    ++n;
    ++total_;
    return std::make_unique<Slot>(*this, address);
  }
  // Counted in the total only, until Slot::attribute. Null when the total is reached.
  std::unique_ptr<Slot> acquire_unattributed() {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) return nullptr;
    ++total_;
    return std::make_unique<Slot>(*this, std::string());
  }

 private:
  bool move(std::string& from, const std::string& to) {
    std::lock_guard lock(mutex_);
    auto& n = per_address_[to];
    if (max_per_address_ && n >= max_per_address_) return false;
    ++n;
    forget(from);
    from = to;
    return true;
  }
  void release(const std::string& address) {
    std::lock_guard lock(mutex_);
    --total_;
    forget(address);
  }
  void forget(const std::string& address) {  // under mutex_
    if (address.empty()) return;
    auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }

  const size_t max_total_;
  const size_t max_per_address_;
  std::mutex mutex_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> per_address_;
};

}  // namespace yst
