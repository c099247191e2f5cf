#include "server/WebSocketConnection.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

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
// An unknown session id is echoed in the error at most this long.
constexpr size_t kEchoedSessionBytes = 64;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool WebSocketConnection::routine(const beast::error_code& ec) {
  return ec == net::error::operation_aborted || ec == websocket::error::closed || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == beast::error::timeout;
}

WebSocketConnection::WebSocketConnection(net::any_io_executor executor, Hub& hub,
                                         std::unique_ptr<ConnectionLimits::Slot> slot, std::string client)
    : executor_(std::move(executor)),
      hub_(hub),
      slot_(std::move(slot)),
      client_(std::move(client)),
      close_timer_(executor_),
      thread_index_(hub.thread_index_of(executor_)) {
  hub_.metrics().connections_open.fetch_add(1, std::memory_order_relaxed);
  hub_.metrics().connections_total.fetch_add(1, std::memory_order_relaxed);
}

WebSocketConnection::~WebSocketConnection() { hub_.metrics().connections_open.fetch_sub(1, std::memory_order_relaxed); }

void WebSocketConnection::run(http::request<http::string_body> upgrade) {
  const Config& cfg = hub_.config();
  // The WebSocket layer has its own timeouts; the HTTP ones must not fire under it.
  lowest().expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(cfg.handshake_timeout_s);
  timeouts.idle_timeout = std::chrono::seconds(cfg.idle_timeout_s);
  timeouts.keep_alive_pings = true;  // a ping after half the idle time; no pong, the peer is dead
  rate_limit_ = cfg.audience_rate;
  accept(timeouts, std::move(upgrade));
}

void WebSocketConnection::on_accept(beast::error_code ec) {
  if (ec) {
    if (!routine(ec)) spdlog::debug("websocket accept: {}", ec.message());
    return;
  }
  read_some();
}

void WebSocketConnection::on_read(beast::error_code ec, size_t) {
  if (ec) {
    // Beast has already answered protocol violations with their close codes, e.g. 1007
    // for invalid UTF-8 in a text message.
    if (!routine(ec)) spdlog::debug("websocket read: {}", ec.message());
    close_timer_.cancel();
    if (room_) room_->leave(shared_from_this());
    room_.reset();
    return;
  }
  if (closing_) {  // the rest of whatever the peer sends before its close is dropped
    buffer_.consume(buffer_.size());
    read_some();
    return;
  }
  // The size is checked before the kind, as Beast did: a 20 KiB binary frame is 1009.
  const bool is_text = got_text();
  if (is_text) {
    message_bytes_ = buffer_.size();
  } else {  // a binary message is only counted, never kept
    message_bytes_ += buffer_.size();
    buffer_.consume(buffer_.size());
  }
  if (message_bytes_ > hub_.config().max_frame_bytes) {
    buffer_.consume(buffer_.size());
    close_now(websocket::close_code::too_big, "message too big");
    read_some();
    return;
  }
  if (!is_message_done()) {
    read_some();  // the message continues
    return;
  }
  message_bytes_ = 0;
  if (!is_text) {
    close_now(websocket::close_code::unknown_data, "binary frames are not accepted");
    read_some();  // keep reading until the close handshake finishes
    return;
  }
  auto data = buffer_.cdata();
  std::string_view text(static_cast<const char*>(data.data()), data.size());
  handle_text(text);
  buffer_.consume(buffer_.size());
  read_some();
}

bool WebSocketConnection::over_rate_limit() {
  int64_t now = steady_ms();
  if (now - window_start_ms_ >= kRateWindowMs) {
    window_start_ms_ = now;
    window_count_ = 0;
  }
  ++window_count_;
  if (window_count_ > kFloodFactor * rate_limit_) {
    hub_.metrics().flood_disconnects.fetch_add(1, std::memory_order_relaxed);
    close_now(websocket::close_code::policy_error, "request flood");
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

void WebSocketConnection::handle_text(std::string_view text) {
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
  room_->request(shared_from_this(), r, caller_, parsed.id, std::string(text));
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

void WebSocketConnection::reply(std::string frame) {
  if (push(make_frame(std::move(frame)), true) && !writing_) do_write();
}

bool WebSocketConnection::deliver(Frame frame, bool counted) {
  if (!push(std::move(frame), counted) || flush_due_) return false;
  flush_due_ = true;
  return true;
}

void WebSocketConnection::flush() {
  flush_due_ = false;
  if (!writing_ && !closing_ && !queue_.empty()) do_write();
}

void WebSocketConnection::close(uint16_t code, const char* reason) {
  net::post(executor_, [self = shared_from_this(), code, reason] {
    self->close_now(static_cast<websocket::close_code>(code), reason);
  });
}

bool WebSocketConnection::push(Frame frame, bool counted) {
  if (closing_) return false;
  if (counted) queued_bytes_ += frame->size();
  queue_.push_back(Outgoing{std::move(frame), counted});
  if (queued_bytes_ > hub_.config().max_queue_bytes || queue_.size() > hub_.config().max_queue_messages) {
    // A client that cannot keep up is let go rather than slow anyone else down; it
    // resumes with `after` when it reconnects.
    hub_.metrics().slow_client_disconnects.fetch_add(1, std::memory_order_relaxed);
    close_now(websocket::close_code::try_again_later, "too slow: resume with after");
    return false;
  }
  return true;
}

void WebSocketConnection::do_write() {
  writing_ = true;
  if (batch_ && queue_.size() > 1) {
    // Protocol extension (join with "batch": true): the frames waiting now go out as one
    // text frame holding a JSON array, in order. One write, one frame header, one
    // syscall instead of one per message when a client has fallen a little behind.
    batch_buffer_.clear();
    batch_buffer_.push_back('[');
    in_flight_ = 0;
    for (const auto& o : queue_) {
      if (in_flight_ > 0 && (in_flight_ >= kMaxBatchMessages || batch_buffer_.size() + o.frame->size() > kMaxBatchBytes))
        break;
      if (in_flight_ > 0) batch_buffer_.push_back(',');
      batch_buffer_.append(*o.frame);
      ++in_flight_;
    }
    batch_buffer_.push_back(']');
    write(net::buffer(batch_buffer_));
    return;
  }
  in_flight_ = 1;
  write(net::buffer(*queue_.front().frame));
}

void WebSocketConnection::on_write(beast::error_code ec, size_t bytes) {
  writing_ = false;
  if (ec) {
    if (!routine(ec)) spdlog::debug("websocket write: {}", ec.message());
    queue_.clear();
    queued_bytes_ = 0;
    return;
  }
  hub_.metrics().frames_out.fetch_add(1, std::memory_order_relaxed);
  hub_.metrics().bytes_out.fetch_add(bytes, std::memory_order_relaxed);
  for (size_t i = 0; i < in_flight_ && !queue_.empty(); ++i) {
    if (queue_.front().counted) queued_bytes_ -= queue_.front().frame->size();
    queue_.pop_front();
  }
  in_flight_ = 0;
  if (!queue_.empty() && !closing_) do_write();
}

void WebSocketConnection::close_now(websocket::close_code code, const char* reason) {
  if (closing_) return;
  closing_ = true;
  // Keep the frames being written (their buffers are in use); drop everything after them.
  if (writing_) {
    while (queue_.size() > in_flight_) queue_.pop_back();
  } else {
    queue_.clear();
  }
  queued_bytes_ = 0;
  send_close(code, reason);
  // A peer that reads nothing will never let the close frame out: cut the socket.
  close_timer_.expires_after(kCloseTimeout);
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) {
      beast::error_code ignored;
      self->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->lowest().socket().close(ignored);
    }
  });
}

}  // namespace yst
