#pragma once
// The io threads of the load tool and the connections they run, and the two ways the
// main thread waits on them: a bounded poll (wait_for) and a windowed connect (connect_all).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "BenchNet.hpp"
#include "Options.hpp"

namespace ystbench {

// Polls `done` every millisecond until it holds or `seconds` pass. Every wait of the
// tool goes through here, so no loop is unbounded.
template <class Pred>
bool wait_for(Pred done, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class Runner {
 public:
  // One io_context per thread, each connection on one of them: a connection's handlers
  // then never run on two threads, with no strand and no lock shared between threads on
  // the receive path (the tool shares the machine with the server it measures).
  explicit Runner(const Options& o);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  net::io_context& ioc() { return *contexts_.front(); }

  // Starts a connection; `live` counts it until its close handler has run.
  // `port` 0: --port.
  std::shared_ptr<Conn> start(size_t index, Conn::OpenHandler on_open, Conn::MessageHandler on_message,
                              Conn::CloseHandler on_close, int port = 0);

  // Resets every connection and waits (bounded) until their handlers have all finished,
  // so that scenario state captured by the handlers can be destroyed afterwards.
  void teardown(const std::vector<std::shared_ptr<Conn>>& conns);
  // Extra hold on `live` for work that is not a connection (a reconnect timer).
  void hold() { live_.fetch_add(1); }
  void release() { live_.fetch_sub(1); }

 private:
  const Options& o_;
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<long> live_{0};
};

// Returns body(), after running `cleanup` whether or not body threw.
template <class Body, class Cleanup>
auto with_cleanup(Body body, Cleanup cleanup) -> decltype(body()) {
  decltype(body()) result;
  try {
    result = body();
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  return result;
}

// Opens `count` connections through `make` (which returns the started connection) with at
// most `window` attempts in flight, until `ready() + failed()` reaches `count`.
template <class Make, class Ready, class Failed>
bool connect_all(size_t count, size_t window, double timeout, std::vector<std::shared_ptr<Conn>>& out, Make make,
                 Ready ready, Failed failed) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
  size_t started = 0;
  while (ready() + failed() < count) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    bool progressed = false;
    while (started < count && started - std::min(started, ready() + failed()) < window) {
      out[started] = make(started);
      ++started;
      progressed = true;
    }
    if (!progressed) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

}  // namespace ystbench
