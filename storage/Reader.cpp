#include "storage/Reader.hpp"

#include "storage/OpenStore.hpp"

#include <spdlog/spdlog.h>

namespace yst {

Reader::Reader(const std::string& location) : db_(open_store(location)), thread_([this] { run(); }) {}

Reader::~Reader() { stop(); }

void Reader::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void Reader::stop() {
  {
    std::deque<Job> dropped;
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Reader::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job(*db_);
    } catch (const std::exception& e) {
      spdlog::error("storage reader: {}", e.what());
    }
  }
}

}  // namespace yst
