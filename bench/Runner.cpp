#include "Runner.hpp"

#include <iostream>

namespace ystbench {

Runner::Runner(const Options& o) : o_(o) {
  for (int i = 0; i < o.threads; ++i) {
    contexts_.push_back(std::make_unique<net::io_context>(1));
    guards_.push_back(net::make_work_guard(*contexts_.back()));
  }
  for (auto& ioc : contexts_) threads_.emplace_back([&ioc] { ioc->run(); });
}

Runner::~Runner() {
  guards_.clear();
  for (auto& ioc : contexts_) ioc->stop();
  for (auto& t : threads_) t.join();
}

std::shared_ptr<Conn> Runner::start(size_t index, Conn::OpenHandler on_open, Conn::MessageHandler on_message,
                                    Conn::CloseHandler on_close, int port) {
  auto c = std::make_shared<Conn>(*contexts_[index % contexts_.size()], index, static_cast<uint16_t>(port ? port : o_.port),
                                  o_.path);
  live_.fetch_add(1);
  c->start(std::move(on_open), std::move(on_message),
           [this, on_close = std::move(on_close)](Conn& conn, const beast::error_code& ec, bool opened) {
             if (on_close) on_close(conn, ec, opened);
             live_.fetch_sub(1);
           });
  return c;
}

void Runner::teardown(const std::vector<std::shared_ptr<Conn>>& conns) {
  for (const auto& c : conns)
    if (c) c->abort();
  if (!wait_for([&] { return live_.load() == 0; }, 15))
    std::cerr << "warning: " << live_.load() << " connections did not finish their handlers\n";
}

}  // namespace ystbench
