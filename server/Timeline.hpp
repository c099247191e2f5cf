#pragma once
// Where an event's time goes, for the benchmarks (`serve --timeline FILE`; off by
// default). Each event is stamped as it passes: its request read from the connection,
// decided by the session, handed to the writer, committed, applied by the room, taken up
// by each I/O thread, and written there (the pass that wrote it to the thread's last
// connection ended: every write issued). At shutdown one JSON line per event goes to the
// file; bench/timeline.py reads it. Stamps are steady-clock microseconds.
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace yst {

class Timeline {
 public:
  enum class Stage { submitted, committed, applied };  // `decided` comes with the read: decided()

  Timeline(std::string path, size_t threads) : path_(std::move(path)), threads_(threads) {}
  ~Timeline() { write(); }

  static int64_t now_us();

  // `read_us` is when the request that made these events was read (0: not from a request).
  void decided(const std::string& session, std::span<const int64_t> seqs, int64_t read_us, int64_t at_us);
  void stage(const std::string& session, std::span<const int64_t> seqs, Stage stage, int64_t at_us);
  void handed(const std::string& session, int64_t seq, size_t thread, int64_t at_us);
  void written(const std::string& session, std::span<const int64_t> seqs, size_t thread, int64_t at_us);

  // Writes the file (once; also at destruction).
  void write();

 private:
  struct Record {
    int64_t read = 0, decided = 0, submitted = 0, committed = 0, applied = 0;
    std::vector<int64_t> handed, written;  // by I/O thread
  };
  Record& record(const std::string& session, int64_t seq);

  const std::string path_;
  const size_t threads_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int64_t>, Record> records_;
  bool written_ = false;
};

}  // namespace yst
