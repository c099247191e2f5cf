// baseline-relay: the barest broadcast relay we can write with Beast/Asio, as a yardstick
// for yishiting (issue 7). Every text frame received from any client is sent to every
// connected client, the sender included. No JSON, no storage, no roles, no limits.
//
// It keeps the one design choice that any decent relay needs and that yishiting makes
// too, so that the comparison measures yishiting's extra work and not a naive fan-out:
// a broadcast is one immutable buffer (shared_ptr<const string>) shared by every
// recipient, each connection has its own queue and at most one async_write in flight,
// and each connection's handlers run on its own strand.
//
// --per-thread: the same relay with the threading yishiting uses (docs/architecture.md):
// an io_context per thread, each connection dealt to one of them at accept, and a
// broadcast posted once per thread, whose thread then queues the frame on its own
// connections and writes them in slices of 64 (see server/RoomShard.cpp for why).
//
// Usage: baseline-relay PORT [--threads N] [--per-thread]   (127.0.0.1 only; PORT 0 = any free port)
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

namespace {

using Frame = std::shared_ptr<const std::string>;
class Connection;

// Every open connection. Holds raw pointers (a connection removes itself in its
// destructor, as in Beast's chat-multi example); broadcast copies weak_ptrs under the
// lock so that no send runs while the lock is held.
class Room {
 public:
  void join(Connection* c) {
    std::lock_guard lock(mutex_);
    members_.insert(c);
  }
  void leave(Connection* c) {
    std::lock_guard lock(mutex_);
    members_.erase(c);
  }
  void broadcast(const Frame& frame);

 private:
  std::mutex mutex_;
  std::unordered_set<Connection*> members_;
};

// --per-thread: the connections of one io_context, touched only by its thread.
class ThreadMembers : public std::enable_shared_from_this<ThreadMembers> {
 public:
  explicit ThreadMembers(net::io_context& ioc) : ioc_(ioc) {}
  net::io_context& ioc() { return ioc_; }
  void join(const std::shared_ptr<Connection>& c) { members_.push_back(c); }  // its thread only
  void broadcast(Frame frame) {  // any thread
    net::post(ioc_, [self = shared_from_this(), frame = std::move(frame)] { self->deliver(frame, 0); });
  }

 private:
  void deliver(const Frame& frame, size_t from);

  net::io_context& ioc_;
  std::vector<std::weak_ptr<Connection>> members_;
};

struct PerThread {
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<std::shared_ptr<ThreadMembers>> members;
  size_t next = 0;
  void broadcast(const Frame& frame) {
    for (auto& m : members) m->broadcast(frame);
  }
};

bool routine(const beast::error_code& ec) {
  return ec == net::error::operation_aborted || ec == websocket::error::closed || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket&& socket, Room& room, PerThread* per_thread, ThreadMembers* mine)
      : ws_(std::move(socket)), room_(room), per_thread_(per_thread), mine_(mine) {}
  ~Connection() {
    if (!per_thread_) room_.leave(this);
  }

  void run() {
    // Same framing settings as yishiting, so that both write the same bytes per frame.
    ws_.auto_fragment(false);
    ws_.read_message_max(1 << 20);
    ws_.async_accept(beast::bind_front_handler(&Connection::on_accept, shared_from_this()));
  }

  // On this connection's strand (classic) or thread (--per-thread): queue and write.
  void send_here(const Frame& frame) {
    queue_.push_back(frame);
    if (queue_.size() == 1) do_write();
  }

  // May be called from any thread: hops onto this connection's strand.
  void send(Frame frame) {
    net::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)] { self->send_here(frame); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    if (mine_) {
      mine_->join(shared_from_this());
    } else {
      room_.join(this);
    }
    do_read();
  }
  void do_read() { ws_.async_read(buffer_, beast::bind_front_handler(&Connection::on_read, shared_from_this())); }
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (!routine(ec)) std::fprintf(stderr, "read: %s\n", ec.message().c_str());
      return;
    }
    if (ws_.got_text()) {
      auto frame = std::make_shared<const std::string>(beast::buffers_to_string(buffer_.data()));
      if (per_thread_) {
        per_thread_->broadcast(frame);
      } else {
        room_.broadcast(frame);
      }
    }
    buffer_.consume(buffer_.size());
    do_read();
  }
  void do_write() {
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()), beast::bind_front_handler(&Connection::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) {
      queue_.clear();
      return;
    }
    queue_.pop_front();
    if (!queue_.empty()) do_write();
  }

  websocket::stream<beast::tcp_stream> ws_;
  Room& room_;
  PerThread* per_thread_;
  ThreadMembers* mine_;
  beast::flat_buffer buffer_;
  std::deque<Frame> queue_;  // front() is being written while non-empty
};

void Room::broadcast(const Frame& frame) {
  std::vector<std::weak_ptr<Connection>> targets;
  {
    std::lock_guard lock(mutex_);
    targets.reserve(members_.size());
    for (Connection* c : members_) targets.push_back(c->weak_from_this());
  }
  for (auto& w : targets)
    if (auto c = w.lock()) c->send(frame);
}

void ThreadMembers::deliver(const Frame& frame, size_t from) {
  // Closed connections stay in the list as expired pointers (a relay for a benchmark only
  // loses them at the end); removing them here could reorder frames between slices.
  constexpr size_t kSlice = 64;
  size_t i = from;
  for (size_t sent = 0; i < members_.size() && sent < kSlice; ++i) {
    if (auto c = members_[i].lock()) {
      c->send_here(frame);
      ++sent;
    }
  }
  if (i < members_.size())
    net::post(ioc_, [self = shared_from_this(), frame, i] { self->deliver(frame, i); });
}

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::endpoint ep, Room& room, PerThread* per_thread)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), room_(room), per_thread_(per_thread) {
    acceptor_.open(ep.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  void run() { do_accept(); }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void do_accept() {
    if (per_thread_) {
      ThreadMembers* next = per_thread_->members[per_thread_->next++ % per_thread_->members.size()].get();
      acceptor_.async_accept(next->ioc(), [self = shared_from_this(), next](beast::error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket), next);
      });
    } else {
      acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket), nullptr);
      });
    }
  }
  void on_accept(beast::error_code ec, tcp::socket socket, ThreadMembers* mine) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Connection>(std::move(socket), room_, per_thread_, mine)->run();
    } else {
      std::fprintf(stderr, "accept: %s\n", ec.message().c_str());  // e.g. EMFILE: keep accepting
    }
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  Room& room_;
  PerThread* per_thread_;
};

int parse_int(const char* s, int lo, int hi, const char* what) {
  int v = 0;
  auto [p, ec] = std::from_chars(s, s + std::strlen(s), v);
  if (ec != std::errc() || *p != '\0' || v < lo || v > hi) {
    std::fprintf(stderr, "%s must be a number from %d to %d\n", what, lo, hi);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int port = -1, threads = 2;
  bool per_thread_mode = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = parse_int(argv[++i], 1, 256, "--threads");
    } else if (a == "--per-thread") {
      per_thread_mode = true;
    } else if (a == "-h" || a == "--help") {
      std::puts("usage: baseline-relay PORT [--threads N] [--per-thread]   (127.0.0.1 only)");
      return 0;
    } else if (port < 0) {
      port = parse_int(argv[i], 0, 65535, "PORT");
    } else {
      std::fprintf(stderr, "unexpected argument %s\n", argv[i]);
      return 2;
    }
  }
  if (port < 0) {
    std::fprintf(stderr, "usage: baseline-relay PORT [--threads N] [--per-thread]\n");
    return 2;
  }
  // Classic: one io_context that every thread runs, a strand per connection. Per-thread:
  // contexts[0] is the main thread's (listener, signals), each other thread runs its own.
  PerThread per_thread;
  std::vector<std::unique_ptr<net::io_context>>& contexts = per_thread.contexts;
  contexts.push_back(std::make_unique<net::io_context>(per_thread_mode ? 1 : threads));
  if (per_thread_mode)
    for (int i = 1; i < threads; ++i) contexts.push_back(std::make_unique<net::io_context>(1));
  for (auto& c : contexts) per_thread.members.push_back(std::make_shared<ThreadMembers>(*c));
  net::io_context& ioc = *contexts.front();
  Room room;
  try {
    auto listener = std::make_shared<Listener>(
        ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)), room,
        per_thread_mode ? &per_thread : nullptr);
    listener->run();
    port = listener->port();  // PORT 0 asks for any free port: report the real one
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d: %s\n", port, e.what());
    return 1;
  }
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  for (size_t i = 1; i < contexts.size(); ++i) keep_running.push_back(net::make_work_guard(*contexts[i]));
  signals.async_wait([&](beast::error_code, int) {
    keep_running.clear();
    for (auto& c : contexts) c->stop();
  });
  std::printf("baseline relay listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  std::vector<std::thread> pool;
  if (per_thread_mode) {
    for (size_t i = 1; i < contexts.size(); ++i) pool.emplace_back([c = contexts[i].get()] { c->run(); });
  } else {
    for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  }
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
