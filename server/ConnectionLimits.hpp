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
class ConnectionLimits {
 public:
  ConnectionLimits(size_t max_total, size_t max_per_address) : max_total_(max_total), max_per_address_(max_per_address) {}

  class Slot {
   public:
    Slot(ConnectionLimits& limits, std::string address) : limits_(limits), address_(std::move(address)) {}
    ~Slot() { limits_.release(address_); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ConnectionLimits& limits_;
    std::string address_;
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

 private:
  void release(const std::string& address) {
    std::lock_guard lock(mutex_);
    --total_;
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
