#pragma once
// A Peer without a socket, for driving Room and RoomShard directly: it records every
// frame a room hands it, in order. Like a WebSocket connection it holds at most
// `max_queued` frames it has not written; one more and it closes itself with 1013 (too
// slow) and takes nothing further. A stalled peer writes nothing on flush(), like a
// client that has stopped reading.
//
// Not thread-safe: a test runs the peer's io_context on its own thread.
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/Peer.hpp"

namespace yst::test {

class FakePeer : public Peer {
 public:
  explicit FakePeer(size_t thread_index = 0) : thread_index_(thread_index) {}

  size_t thread_index() const override { return thread_index_; }

  bool deliver(Frame frame, bool /*counted*/) override {
    if (closed_with) return false;
    queued_.push_back(std::move(frame));
    if (queued_.size() > max_queued) {
      close(1013, "too slow: resume with after");
      return false;
    }
    if (flush_due_) return false;
    flush_due_ = true;
    return true;
  }

  void flush() override {
    flush_due_ = false;
    ++flushes;
    if (stalled) return;
    for (auto& f : queued_) written.push_back(nlohmann::json::parse(text_of(f)));
    queued_.clear();
  }

  void join_refused() override { ++joins_refused; }

  void close(uint16_t code, const char* /*reason*/) override {
    if (!closed_with) closed_with = code;
    queued_.clear();
  }

  // The written frames of one type ("event", "ack", ...), in order.
  std::vector<nlohmann::json> of_type(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (const auto& j : written)
      if (j.value("type", "") == type) out.push_back(j);
    return out;
  }
  size_t queued() const { return queued_.size(); }

  size_t max_queued = std::numeric_limits<size_t>::max();
  bool stalled = false;
  std::vector<nlohmann::json> written;  // what flush() wrote, in order
  int flushes = 0;
  int joins_refused = 0;
  std::optional<uint16_t> closed_with;

 private:
  const size_t thread_index_;
  std::deque<Frame> queued_;
  bool flush_due_ = false;
};

}  // namespace yst::test
