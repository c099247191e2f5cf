#include "server/WebSocketConnection.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>

#include <boost/beast/websocket/detail/hybi13.hpp>

#include "server/HttpResponses.hpp"
#include "server/Hub.hpp"
#include "server/Room.hpp"
#include "server/Wire.hpp"
#include "session/Request.hpp"
#include "session/Vocabulary.hpp"

namespace yst {

namespace {

// Requests are counted per window; over the role's rate in one window the caller gets
// rate_limited, over kFloodFactor times it the connection is closed (1008).
constexpr int64_t kRateWindowMs = 1000;
constexpr int kFloodFactor = 3;
// How long a close frame may wait for a peer that reads nothing before the socket is cut.
constexpr auto kCloseTimeout = std::chrono::seconds(2);
// What one write carries at most (one frame at least); the rest follow in the next. A
// close frame waits behind the write under way, so for a phone that stopped reading the
// write must not be megabytes: it would never see why it was closed.
constexpr size_t kMaxFramesPerWrite = 1024;
constexpr size_t kMaxBytesPerWrite = 64 * 1024;
// Queue vectors grown past this by a burst give their memory back once drained.
constexpr size_t kKeptQueueCapacity = 16;
// An unknown session id is echoed in the error at most this long.
constexpr size_t kEchoedSessionBytes = 64;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool WebSocketConnection::routine(const beast::error_code& ec) {
  return ec == net::error::operation_aborted || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::bad_descriptor || ec == beast::error::timeout ||
         ec == net::ssl::error::stream_truncated;
}

WebSocketConnection::WebSocketConnection(net::any_io_executor executor, Hub& hub,
                                         std::unique_ptr<ConnectionLimits::Slot> slot, std::string client)
    : executor_(std::move(executor)),
      hub_(hub),
      slot_(std::move(slot)),
      client_(std::move(client)),
      reader_(hub.config().max_frame_bytes),
      timer_(executor_),
      thread_index_(hub.thread_index_of(executor_)) {
  hub_.metrics().connections_open.fetch_add(1, std::memory_order_relaxed);
  hub_.metrics().connections_total.fetch_add(1, std::memory_order_relaxed);
}

WebSocketConnection::~WebSocketConnection() { hub_.metrics().connections_open.fetch_sub(1, std::memory_order_relaxed); }

namespace {

// RFC 6455 4.2.1: the key is 16 random bytes in base64, so 24 characters ending "==".
bool plausible_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
  return true;
}

std::string serialized(http::response<http::string_body>& res) {
  stamp_common_headers(res);
  std::ostringstream out;
  out << res;
  return std::move(out).str();
}

// The answer to an upgrade request: 101, or the refusal a handshake error deserves (the
// refusals Beast made before: 400, and 426 naming the version spoken).
std::string handshake_answer(const http::request<http::string_body>& req, bool& accepted) {
  accepted = false;
  const auto refuse = [&](http::status status, std::string why) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    if (status == http::status::upgrade_required) res.set(http::field::sec_websocket_version, "13");
    res.keep_alive(false);
    res.body() = std::move(why);
    res.prepare_payload();
    return serialized(res);
  };
  const std::string_view key = req[http::field::sec_websocket_key];
  const std::string_view version = req[http::field::sec_websocket_version];
  if (req.find(http::field::host) == req.end()) return refuse(http::status::bad_request, "Missing Host");
  if (key.empty()) return refuse(http::status::bad_request, "Missing Sec-WebSocket-Key");
  if (!plausible_key(key)) return refuse(http::status::bad_request, "Invalid Sec-WebSocket-Key");
  if (version.empty()) return refuse(http::status::bad_request, "Missing Sec-WebSocket-Version");
  if (version != "13") return refuse(http::status::upgrade_required, "Unsupported Sec-WebSocket-Version");
  websocket::detail::sec_ws_accept_type accept;
  websocket::detail::make_sec_ws_accept(accept, key);
  http::response<http::string_body> res{http::status::switching_protocols, 11};
  res.set(http::field::upgrade, "websocket");
  res.set(http::field::connection, "Upgrade");
  res.set(http::field::sec_websocket_accept, std::string_view(accept.data(), accept.size()));
  accepted = true;
  return serialized(res);
}

const Frame& ping_frame() {
  static const Frame ping = std::make_shared<const std::string>(ws::frame(ws::Opcode::ping, {}));
  return ping;
}

}  // namespace

void WebSocketConnection::run(const http::request<http::string_body>& upgrade) {
  rate_limit_ = hub_.config().audience_rate;
  bool accepted = false;
  push_control(std::make_shared<const std::string>(handshake_answer(upgrade, accepted)));
  if (!accepted) {
    refused_ = closing_ = true;
    return;
  }
  read_some();
  watch_idle();
}

void WebSocketConnection::watch_idle() {
  // As Beast did: silence for half the idle time gets a ping; silence for the other half,
  // the peer is gone and the socket is cut.
  timer_.expires_after(std::chrono::milliseconds(hub_.config().idle_timeout_s * 500));
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_ || self->read_done_) return;
    if (self->heard_) {
      self->heard_ = false;
    } else if (self->pinged_) {
      return self->cut();
    } else {
      self->pinged_ = true;
      self->push_control(ping_frame());
    }
    self->watch_idle();
  });
}

void WebSocketConnection::on_bytes(char* data, size_t size) {
  if (refused_) return;
  heard_ = true;
  pinged_ = false;
  reader_.feed(data, size, *this);
}

void WebSocketConnection::on_read_end(beast::error_code ec) {
  if (read_done_) return;
  read_done_ = true;
  if (!routine(ec)) spdlog::debug("websocket read: {}", ec.message());
  timer_.cancel();
  cut();
  if (room_) room_->leave(shared_from_this());
  room_.reset();
}

void WebSocketConnection::on_ping(std::string_view payload) {
  if (closing_) return;
  push_control(std::make_shared<const std::string>(ws::frame(ws::Opcode::pong, payload)));
}

void WebSocketConnection::on_close(uint16_t code) {
  peer_closed_ = true;
  if (closing_) {  // the answer to ours: the handshake is over once ours is out too
    if (close_sent_) cut();
    return;
  }
  // The peer's close is answered with its own code, the frames not yet written dropped.
  close_now(code == 1005 ? 0 : code, "");
}

void WebSocketConnection::on_fail(uint16_t code, const char* reason) { close_now(code, reason); }

bool WebSocketConnection::over_rate_limit() {
  int64_t now = steady_ms();
  if (now - window_start_ms_ >= kRateWindowMs) {
    window_start_ms_ = now;
    window_count_ = 0;
  }
  ++window_count_;
  if (window_count_ > kFloodFactor * rate_limit_) {
    hub_.metrics().flood_disconnects.fetch_add(1, std::memory_order_relaxed);
    close_now(ws::close_code::policy, "request flood");
    return true;
  }
  if (window_count_ > rate_limit_) {
    hub_.metrics().rate_limited.fetch_add(1, std::memory_order_relaxed);
    reply(error_frame(nullptr, ErrorCode::rate_limited,
                      "more than " + std::to_string(rate_limit_) + " requests a second"));
    return true;
  }
  return false;
}

void WebSocketConnection::on_text(std::string_view text) {
  if (closing_) return;
  const int64_t read_us = hub_.timeline() ? Timeline::now_us() : 0;
  hub_.metrics().requests.fetch_add(1, std::memory_order_relaxed);
  if (over_rate_limit()) return;
  ParsedRequest parsed = parse_request(text);
  const bool is_join = parsed.type == "join";
  // The contract's precedence puts not_joined before bad_request.
  if (!room_ && !is_join) {
    hub_.metrics().request_errors.fetch_add(1, std::memory_order_relaxed);
    return reply(error_frame(parsed.id, ErrorCode::not_joined, "join a session first"));
  }
  if (parsed.error) {
    hub_.metrics().request_errors.fetch_add(1, std::memory_order_relaxed);
    return reply(error_frame(parsed.id, parsed.error->code, parsed.error->message));
  }
  const Request& r = *parsed.request;
  if (r.type == RequestType::join) return handle_join(r, parsed.id);
  if (r.type == RequestType::ping) return reply(json{{"type", "pong"}, {"id", parsed.id}}.dump());
  room_->request(shared_from_this(), r, caller_, parsed.id, std::string(text), read_us);
}

void WebSocketConnection::handle_join(const Request& r, const json& id) {
  // A join with a token from an address locked out for wrong tokens (the HTTP API's
  // lockout too): rate_limited, which the contract decides before everything else.
  if (!r.claimed_role) {  // a staff join: it carries a token
    if (auto wait_s = hub_.token_lockout_seconds(client_))
      return reply(error_frame(id, ErrorCode::rate_limited, "too many wrong tokens from this address",
                               json{{"retry_after_s", *wait_s}}));
  }
  // In a cluster a session or a link created on another node a moment ago may not have
  // reached this one yet: it reads the store once before refusing.
  if (hub_.cluster() && !looked_up_ && !room_ &&
      (!hub_.room(r.session) || (!r.claimed_role && !hub_.find_token(r.token)))) {
    looked_up_ = true;
    return hub_.look_up_session(r.session, [self = shared_from_this(), r, id] {
      net::post(self->executor_, [self, r, id] { self->handle_join(r, id); });
    });
  }
  // not_found comes before conflict in the contract's precedence.
  auto room = hub_.room(r.session);
  if (!room)
    return reply(error_frame(id, ErrorCode::not_found, "no session " + r.session.substr(0, kEchoedSessionBytes)));
  if (room_) return reply(error_frame(id, ErrorCode::conflict, "this connection has joined already"));
  Caller caller;
  if (r.claimed_role == Role::overlay) {
    // A screen, not a person: one shared identity, counted apart from the audience.
    caller.role = Role::overlay;
    caller.participant = "overlay";
    caller.name = std::string(label(Role::overlay).zh);
  } else if (r.claimed_role) {
    caller.role = Role::audience;
    caller.participant = Session::audience_participant_id(r.session, r.client_id);
    caller.name = r.name;
  } else {
    hub_.record_token_attempt(r.token, client_, "/ws");
    auto owner = hub_.find_token(r.token);
    if (!owner || owner->session_id != r.session)
      return reply(error_frame(id, ErrorCode::unauthorized, "the token is not valid for this session"));
    caller.role = owner->participant.role;
    caller.participant = owner->participant.id;
    caller.name = owner->participant.name;
  }
  rate_limit_ = is_staff(caller.role) ? hub_.config().staff_rate : hub_.config().audience_rate;
  batch_ = r.batch;
  caller_ = caller;
  room_ = room;
  room->join(shared_from_this(), std::move(caller), r.after, id);
}

void WebSocketConnection::join_refused() { room_.reset(); }

void WebSocketConnection::reply(std::string text) {
  if (push(make_frame(text), true) && !writing_) do_write();
}

bool WebSocketConnection::deliver(Frame frame, bool counted) {
  if (!push(std::move(frame), counted) || flush_due_) return false;
  flush_due_ = true;
  return true;
}

void WebSocketConnection::flush() {
  flush_due_ = false;
  if (!writing_ && !queue_.empty()) do_write();
}

void WebSocketConnection::close(uint16_t code, const char* reason) {
  net::post(executor_, [self = shared_from_this(), code, reason] { self->close_now(code, reason); });
}

bool WebSocketConnection::push(Frame frame, bool counted) {
  if (closing_) return false;
  if (counted) queued_bytes_ += frame->size();
  queue_.push_back(Outgoing{std::move(frame), counted, false});
  if (queued_bytes_ > hub_.config().max_queue_bytes || queue_.size() + sending_.size() > hub_.config().max_queue_messages) {
    // A client that cannot keep up is let go rather than slow anyone else down; it
    // resumes with `after` when it reconnects.
    hub_.metrics().slow_client_disconnects.fetch_add(1, std::memory_order_relaxed);
    close_now(ws::close_code::try_again_later, "too slow: resume with after");
    return false;
  }
  return true;
}

void WebSocketConnection::push_control(Frame frame) {
  queue_.push_back(Outgoing{std::move(frame), false, true});
  if (!writing_) do_write();
}

void WebSocketConnection::do_write() {
  writing_ = true;
  size_t take = 0, bytes = 0;
  while (take < queue_.size() && take < kMaxFramesPerWrite &&
         (take == 0 || bytes + queue_[take].frame->size() <= kMaxBytesPerWrite))
    bytes += queue_[take++].frame->size();
  if (take == queue_.size()) {
    sending_.swap(queue_);
  } else {
    auto end = queue_.begin() + static_cast<std::ptrdiff_t>(take);
    sending_.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
    queue_.erase(queue_.begin(), end);
  }
  buffers_.clear();
  if (!batch_) {
    // Corked: everything waiting goes out in one write, one system call for many frames.
    for (const auto& o : sending_) buffers_.emplace_back(o.frame->data(), o.frame->size());
    return write(buffers_);
  }
  // Protocol extension (join with "batch": true): a run of frames waiting together goes
  // out as one text frame holding a JSON array, in order; a lone frame goes as it is.
  // The arrays are built in batch_buffer_ first and pointed at after, since it grows.
  constexpr size_t kRoom = 10;  // the largest frame header, written in front once the size is known
  batch_buffer_.clear();
  struct Piece {
    size_t index;          // into sending_, when the frame goes as it is
    size_t offset, size;   // else a slice of batch_buffer_
  };
  std::vector<Piece> pieces;
  for (size_t i = 0; i < sending_.size();) {
    size_t run = 0, bytes = 0;
    while (i + run < sending_.size() && !sending_[i + run].control && run < kMaxBatchMessages &&
           (run == 0 || bytes + sending_[i + run].frame->size() <= kMaxBatchBytes))
      bytes += sending_[i + run++].frame->size();
    if (run < 2) {
      pieces.push_back(Piece{i, 0, 0});
      ++i;
      continue;
    }
    const size_t start = batch_buffer_.size();
    batch_buffer_.append(kRoom, '\0');
    batch_buffer_.push_back('[');
    for (size_t k = 0; k < run; ++k) {
      if (k > 0) batch_buffer_.push_back(',');
      batch_buffer_.append(ws::payload_of(*sending_[i + k].frame));
    }
    batch_buffer_.push_back(']');
    const size_t payload = batch_buffer_.size() - start - kRoom;
    const size_t header = ws::header_size(payload);
    ws::write_header(batch_buffer_.data() + start + kRoom - header, ws::Opcode::text, payload);
    pieces.push_back(Piece{sending_.size(), start + kRoom - header, payload + header});
    i += run;
  }
  for (const auto& p : pieces) {
    if (p.index < sending_.size())
      buffers_.emplace_back(sending_[p.index].frame->data(), sending_[p.index].frame->size());
    else
      buffers_.emplace_back(batch_buffer_.data() + p.offset, p.size);
  }
  write(buffers_);
}

void WebSocketConnection::on_write(beast::error_code ec, size_t bytes) {
  writing_ = false;
  if (ec) {
    if (!routine(ec)) spdlog::debug("websocket write: {}", ec.message());
    sending_.clear();
    queue_.clear();
    queued_bytes_ = 0;
    return cut();
  }
  hub_.metrics().frames_out.fetch_add(sending_.size(), std::memory_order_relaxed);
  hub_.metrics().writes_out.fetch_add(1, std::memory_order_relaxed);
  hub_.metrics().bytes_out.fetch_add(bytes, std::memory_order_relaxed);
  for (const auto& o : sending_)
    if (o.counted) queued_bytes_ -= o.frame->size();
  sending_.clear();
  if (sending_.capacity() > kKeptQueueCapacity) std::vector<Outgoing>().swap(sending_);
  if (buffers_.capacity() > kKeptQueueCapacity) std::vector<net::const_buffer>().swap(buffers_);
  // A resume's replay can make a batch of a few hundred KiB: an idle connection keeps none of it.
  if (batch_buffer_.capacity() > 4096) std::string().swap(batch_buffer_);
  if (!queue_.empty()) return do_write();
  if (closing_ && !close_sent_) {  // what closed the connection is out, and it was the last
    close_sent_ = true;
    if (refused_ || peer_closed_) cut();
  }
}

void WebSocketConnection::close_now(uint16_t code, const char* reason) {
  if (closing_ || read_done_) return;
  closing_ = true;
  reader_.drop_messages();
  // The close frame is the last thing this connection sends. A connection closed for
  // being too slow loses what is queued (the frames being written stay: their buffers are
  // in use), since it cannot read it anyway; any other keeps it (bounded by the queue
  // limit), so that a flooding client still gets the answers to what it sent before.
  if (code == ws::close_code::try_again_later) {
    queue_.clear();
    queued_bytes_ = 0;
    for (const auto& o : sending_)
      if (o.counted) queued_bytes_ += o.frame->size();
  }
  push_control(std::make_shared<const std::string>(code ? ws::close_frame(code, reason)
                                                        : ws::frame(ws::Opcode::close, {})));
  // A peer that reads nothing will never let the close frame out, and one that never
  // answers it keeps the socket: either way it is cut.
  timer_.expires_after(kCloseTimeout);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->cut();
  });
}

}  // namespace yst
