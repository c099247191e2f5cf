#pragma once
// The real server binary, started on port 0 in a temporary data directory.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace yst::test {

class ServerProcess {
 public:
  // Starts `yishiting serve --port 0` (or the given port) with a fresh data directory
  // unless one is given; waits (bounded) for the port file.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string data_dir = "", int port = 0,
                         bool with_admin_token = true);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& admin_token() const { return admin_token_; }
  std::string log() const;  // what the server wrote to stdout and stderr

  // SIGTERM (or another signal) and wait; returns the exit status (-signal if killed).
  int stop(int sig = 15);
  void kill9();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Keep the data directory after destruction (for restart tests).
  void keep_data() { owns_data_ = false; }

  static std::string make_temp_dir();
  // YST_TEST_STORE=postgresql (with YST_TEST_PG_URL): every server of the suite keeps its
  // data in a PostgreSQL database of its own instead of SQLite. A test that reads the
  // SQLite file itself skips then.
  static bool on_postgresql();
  // "--data DIR", or on PostgreSQL "--store URL": where `yishiting export` finds this server's data.
  std::string store_flag() const;
  static std::optional<std::string> postgresql_store(const std::string& data_dir);
  // Drops the database a data directory named (for tests that own their directories).
  static void drop_postgresql_store(const std::string& data_dir);

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string data_dir_;
  std::string work_dir_;
  std::string admin_token_;
  bool owns_data_ = true;
};

// A directory under the system's temporary one, removed with everything in it when the
// test ends (an assertion that returns early included).
struct TempDir {
  TempDir() : path(ServerProcess::make_temp_dir()) {}
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string path;
};

}  // namespace yst::test
