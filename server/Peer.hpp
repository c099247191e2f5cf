#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace yst {

using Frame = std::shared_ptr<const std::string>;

// What a Room needs of a connection. The WebSocket connection implements it; tests may
// implement it with a recorder. Both methods may be called from any thread.
class Peer {
 public:
  virtual ~Peer() = default;
  // Queues a frame. Replay of history passes counted=false: those frames are shared
  // with the room's history, so they cost the connection a pointer, not their bytes.
  virtual void send(Frame frame, bool counted = true) = 0;
  virtual void close(uint16_t code, const char* reason) = 0;
  // The room's answer to a join: false when it refused (e.g. resume_too_far).
  virtual void joined(bool ok) = 0;
};

inline Frame make_frame(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

}  // namespace yst
