#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/WebSocketFrames.hpp"

namespace yst {

using Frame = std::shared_ptr<const std::string>;

// What a Room needs of a connection. The WebSocket connection implements it.
//
// A connection lives on one I/O thread (its shard) for its whole life. The room never
// touches it directly: it hands frames to that thread's RoomShard, which calls deliver()
// and flush() there, so the outgoing queue needs no lock. close() may be called from any
// thread.
class Peer {
 public:
  virtual ~Peer() = default;
  // The I/O thread this connection runs on (an index into the server's io_contexts).
  virtual size_t thread_index() const = 0;
  // On the shard's thread. Queues a frame without starting a write, so that everything
  // a room sends in one pass goes out together; returns true when flush() is due. Replay
  // of history passes counted=false: those frames are shared with the room's history, so
  // they cost the connection a pointer, not their bytes.
  virtual bool deliver(Frame frame, bool counted) = 0;
  // On the shard's thread: writes what deliver() queued.
  virtual void flush() = 0;
  // On the shard's thread, after the error frame was delivered: the room refused the
  // join (e.g. resume_too_far), so the connection may try another.
  virtual void join_refused() = 0;
  virtual void close(uint16_t code, const char* reason) = 0;
};

// A text frame as it goes on the wire, header included: built once, whoever receives it.
inline Frame make_frame(std::string_view text) {
  return std::make_shared<const std::string>(ws::frame(ws::Opcode::text, text));
}
// The text a frame carries.
inline std::string_view text_of(const Frame& frame) { return ws::payload_of(*frame); }

}  // namespace yst
