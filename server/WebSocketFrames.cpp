#include "server/WebSocketFrames.hpp"

#include <algorithm>
#include <cstring>

#include "session/Text.hpp"

namespace yst::ws {

namespace {

constexpr uint8_t kFin = 0x80;
constexpr uint8_t kMask = 0x80;
constexpr size_t kMaxControlPayload = 125;

}  // namespace

size_t header_size(size_t payload) { return payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10; }

void write_header(char* out, Opcode opcode, size_t payload) {
  out[0] = static_cast<char>(kFin | static_cast<uint8_t>(opcode));
  if (payload < 126) {
    out[1] = static_cast<char>(payload);
  } else if (payload <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<char>(payload >> 8);
    out[3] = static_cast<char>(payload & 0xFF);
  } else {
    out[1] = 127;
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<char>(static_cast<uint64_t>(payload) >> (56 - 8 * i));
  }
}

namespace {

// Eight bytes at a time: unmasking is the one pass over every byte a client sends.
void unmask(char* data, size_t size, const uint8_t key[4]) {
  uint64_t wide;
  uint8_t pattern[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
  std::memcpy(&wide, pattern, 8);
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, data + i, 8);
    chunk ^= wide;
    std::memcpy(data + i, &chunk, 8);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ key[i % 4]);
}

// RFC 6455 7.4: the codes a peer may send (1004-1006 and 1015 are never on the wire).
bool valid_close_code(uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

}  // namespace

std::string frame(Opcode opcode, std::string_view payload) {
  const size_t header = header_size(payload.size());
  std::string out(header + payload.size(), '\0');
  write_header(out.data(), opcode, payload.size());
  if (!payload.empty()) std::memcpy(out.data() + header, payload.data(), payload.size());
  return out;
}

std::string close_frame(uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, kMaxControlPayload - 2));
  return frame(Opcode::close, payload);
}

std::string_view payload_of(std::string_view wire) {
  if (wire.size() < 2) return {};
  const uint8_t length = static_cast<uint8_t>(wire[1]) & 0x7F;
  return wire.substr(length < 126 ? 2 : length == 126 ? 4 : 10);
}

// Every text message a client sends passes here once (session/Text.cpp has the check).
bool valid_utf8(std::string_view text) { return is_valid_utf8(text); }

void Reader::feed(char* data, size_t size, Handler& handler) {
  if (done_) return;
  if (partial_.empty()) {
    const size_t used = parse(data, size, handler);
    if (!done_ && used < size) partial_.assign(data + used, size - used);
    return;
  }
  // A frame began in an earlier read: it is completed in partial_ (rare, and bounded by
  // the message size limit, since an oversized frame is dropped from its header).
  partial_.append(data, size);
  const size_t used = parse(partial_.data(), partial_.size(), handler);
  partial_.erase(0, used);
  if (done_ || partial_.empty()) std::string().swap(partial_);
}

size_t Reader::parse(char* data, size_t size, Handler& handler) {
  size_t pos = 0;
  while (pos < size && !done_) {
    if (skip_ > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(skip_, size - pos));
      skip_ -= n;
      pos += n;
      continue;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(data + pos);
    const size_t available = size - pos;
    if (available < 2) break;
    const bool fin = p[0] & kFin;
    const uint8_t opcode = p[0] & 0x0F;
    const bool masked = p[1] & kMask;
    uint64_t length = p[1] & 0x7F;
    size_t header = 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + (masked ? 4 : 0);
    if (available < header) break;
    if (length == 126) {
      length = (uint64_t{p[2]} << 8) | p[3];
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; ++i) length = (length << 8) | p[2 + i];
    }
    const bool control = opcode & 0x08;
    const char* broken = nullptr;
    if (p[0] & 0x70) broken = "reserved bits set";
    else if (!masked) broken = "a client frame must be masked";
    else if (length >> 63) broken = "frame length out of range";
    else if (control && opcode != 0x8 && opcode != 0x9 && opcode != 0xA) broken = "unknown control opcode";
    else if (control && (!fin || length > kMaxControlPayload)) broken = "control frames are short and whole";
    else if (!control && opcode > 0x2) broken = "unknown data opcode";
    else if (!control && !dropping_ && opcode == 0x0 && !in_message_) broken = "a continuation of nothing";
    else if (!control && !dropping_ && opcode != 0x0 && in_message_) broken = "a new message inside a fragmented one";
    if (broken) {
      fail(close_code::protocol_error, broken, handler);
      break;
    }
    if (!control) {
      const uint64_t so_far = opcode == 0x0 ? message_bytes_ : 0;
      if (!dropping_ && so_far + length > max_message_bytes_) fail(close_code::too_big, "message too big", handler);
      if (dropping_) {  // its bytes are dropped as they come, never held
        pos += header;
        skip_ = length;
        continue;
      }
    }
    if (available - header < length) break;  // the rest is still on its way
    uint8_t key[4];
    std::memcpy(key, p + header - 4, 4);
    char* payload = data + pos + header;
    unmask(payload, static_cast<size_t>(length), key);
    pos += header + static_cast<size_t>(length);
    dispatch(opcode, fin, payload, static_cast<size_t>(length), handler);
  }
  return pos;
}

void Reader::dispatch(uint8_t opcode, bool fin, char* payload, size_t size, Handler& handler) {
  const std::string_view bytes(payload, size);
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::close: {
      uint16_t code = 1005;
      if (size == 1) return fail(close_code::protocol_error, "a close frame of one byte", handler);
      if (size >= 2) {
        code = static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
        if (!valid_close_code(code)) return fail(close_code::protocol_error, "invalid close code", handler);
        if (!valid_utf8(bytes.substr(2))) return fail(close_code::invalid_data, "invalid UTF-8 in the close reason", handler);
      }
      done_ = true;
      release_message();
      return handler.on_close(code);
    }
    case Opcode::ping:
      if (!dropping_) handler.on_ping(bytes);
      return;
    case Opcode::pong:
      return;
    default:
      break;
  }
  if (opcode != static_cast<uint8_t>(Opcode::continuation)) {
    in_message_ = true;
    message_is_text_ = opcode == static_cast<uint8_t>(Opcode::text);
    message_bytes_ = 0;
  }
  message_bytes_ += size;
  if (!message_is_text_) {  // a binary message is only counted, never kept
    if (fin) fail(close_code::unsupported_data, "binary frames are not accepted", handler);
    return;
  }
  if (fin && message_.empty()) {  // the whole message in one frame: handed over in place
    in_message_ = false;
    message_bytes_ = 0;
    if (!valid_utf8(bytes)) return fail(close_code::invalid_data, "invalid UTF-8", handler);
    return handler.on_text(bytes);
  }
  message_.append(bytes);
  if (!fin) return;
  // Moved out first: the handler may close the connection, which releases message_.
  std::string whole = std::move(message_);
  release_message();
  if (!valid_utf8(whole)) return fail(close_code::invalid_data, "invalid UTF-8", handler);
  handler.on_text(whole);
}

void Reader::fail(uint16_t code, const char* reason, Handler& handler) {
  dropping_ = true;
  // After a framing error the next header cannot be found: nothing more is parsed.
  if (code == close_code::protocol_error) done_ = true;
  release_message();
  handler.on_fail(code, reason);
}

void Reader::release_message() {
  in_message_ = false;
  message_bytes_ = 0;
  std::string().swap(message_);
}

}  // namespace yst::ws
