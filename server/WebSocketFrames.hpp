#pragma once
// The WebSocket wire format (RFC 6455) as the server speaks it: frames it sends are built
// once, header and payload in one buffer, so a broadcast hands every connection the same
// bytes; frames a client sends are parsed from whatever a read returned, unmasked in
// place. No sockets here: the connection feeds bytes in and writes bytes out, and the
// fuzzer and unit tests drive the same code.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yst::ws {

enum class Opcode : uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes the server sends.
namespace close_code {
constexpr uint16_t normal = 1000;
constexpr uint16_t going_away = 1001;
constexpr uint16_t protocol_error = 1002;
constexpr uint16_t unsupported_data = 1003;
constexpr uint16_t invalid_data = 1007;
constexpr uint16_t policy = 1008;
constexpr uint16_t too_big = 1009;
constexpr uint16_t try_again_later = 1013;
}  // namespace close_code

// The header of an unmasked frame (FIN set) with a payload of `payload` bytes.
size_t header_size(size_t payload);
void write_header(char* out, Opcode opcode, size_t payload);
// A whole unmasked frame (FIN set): header and payload.
std::string frame(Opcode opcode, std::string_view payload);
std::string close_frame(uint16_t code, std::string_view reason);
// The payload of a frame built by frame().
std::string_view payload_of(std::string_view wire);

bool valid_utf8(std::string_view text);

// Parses what a client sends. Every client frame is masked; a text message may come in
// fragments and is handed over whole. A message over the size limit is refused from its
// header, before its payload arrives, and its bytes are dropped as they come.
class Reader {
 public:
  class Handler {
   public:
    virtual void on_text(std::string_view message) = 0;
    virtual void on_ping(std::string_view payload) = 0;
    // The peer's close frame; `code` is 1005 when it carried none.
    virtual void on_close(uint16_t code) = 0;
    // The peer broke the protocol or a limit: the connection should be closed with `code`.
    virtual void on_fail(uint16_t code, const char* reason) = 0;

   protected:
    ~Handler() = default;
  };

  explicit Reader(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // `data` is unmasked in place. Calls back into `handler` for every complete message or
  // control frame, in order; keeps an incomplete frame's bytes for the next call.
  void feed(char* data, size_t size, Handler& handler);

  // From now on messages are dropped (the connection is closing); only a close frame is
  // still reported, so the closing handshake can finish.
  void drop_messages() {
    dropping_ = true;
    release_message();
  }
  // Bytes held for a frame not yet complete, plus a fragmented message's: what an idle
  // connection costs here is the object itself.
  size_t held_bytes() const { return partial_.capacity() + message_.capacity(); }

 private:
  // Parses frames from data[0, size); returns how many bytes were consumed.
  size_t parse(char* data, size_t size, Handler& handler);
  void dispatch(uint8_t opcode, bool fin, char* payload, size_t size, Handler& handler);
  void fail(uint16_t code, const char* reason, Handler& handler);
  void release_message();

  const size_t max_message_bytes_;
  std::string partial_;  // an incomplete frame, still masked
  std::string message_;  // the fragments of a text message so far, unmasked
  uint64_t skip_ = 0;    // payload bytes of a dropped frame still to come
  size_t message_bytes_ = 0;  // of the message being received, all its frames
  bool in_message_ = false;
  bool message_is_text_ = false;
  bool dropping_ = false;
  bool done_ = false;  // after a close frame or a protocol error nothing more is parsed
};

}  // namespace yst::ws
