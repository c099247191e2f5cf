#include "tests/support/ServerProcess.hpp"

#include <optional>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace yst::test {

namespace fs = std::filesystem;

std::string ServerProcess::make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "yst_it_XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string data_dir, int port,
                             bool with_admin_token) {
  work_dir_ = make_temp_dir();
  if (data_dir.empty()) {
    data_dir_ = work_dir_ + "/data";
  } else {
    data_dir_ = data_dir;
    owns_data_ = false;
  }
  // A fixed admin token per data directory, so a restarted server accepts the same one.
  admin_token_ = "test-admin-token-" + std::to_string(std::hash<std::string>{}(data_dir_));
  std::string port_file = work_dir_ + "/port";
  std::string log_file = work_dir_ + "/server.log";
  std::vector<std::string> args = {YST_BINARY, "serve", "--port", std::to_string(port), "--port-file", port_file,
                                   "--data", data_dir_, "--web", YST_WEB_DIR, "--threads", "2", "--bind", "127.0.0.1"};
  if (with_admin_token) {
    args.push_back("--admin-token");
    args.push_back(admin_token_);
  } else {
    admin_token_.clear();
  }
  if (auto url = postgresql_store(data_dir_)) {
    args.push_back("--store");
    args.push_back(*url);
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    int p = 0;
    if (in >> p && p > 0) {
      port_ = static_cast<uint16_t>(p);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("server exited at start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill9();
  throw std::runtime_error("server did not write its port file in time:\n" + log());
}

std::string ServerProcess::store_flag() const {
  if (auto url = postgresql_store(data_dir_)) return "--store " + *url;
  return "--data " + data_dir_;
}

bool ServerProcess::on_postgresql() {
  const char* store = std::getenv("YST_TEST_STORE");
  return store && std::string(store) == "postgresql";
}

// On PostgreSQL each data directory names a database of its own (in DIR/.pg-store), made
// on first use, so that a restart on the same directory finds the same data.
std::optional<std::string> ServerProcess::postgresql_store(const std::string& data_dir) {
  if (!on_postgresql()) return std::nullopt;
  const char* admin = std::getenv("YST_TEST_PG_URL");
  if (!admin || !*admin) throw std::runtime_error("YST_TEST_STORE=postgresql needs YST_TEST_PG_URL");
  const std::string marker = data_dir + "/.pg-store";
  if (std::ifstream in(marker); in) {
    std::string url;
    std::getline(in, url);
    return url;
  }
  std::string name = "yst_srv_" + std::to_string(getpid()) + "_" + std::to_string(std::hash<std::string>{}(data_dir) % 1000000007);
  const std::string admin_url(admin);
  if (std::system(("psql -qX '" + admin_url + "' -c 'CREATE DATABASE " + name + "' >/dev/null").c_str()) != 0)
    throw std::runtime_error("could not create the test database " + name);
  fs::create_directories(data_dir);
  std::ofstream(marker) << admin_url.substr(0, admin_url.rfind('/') + 1) + name << "\n";
  return admin_url.substr(0, admin_url.rfind('/') + 1) + name;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill9();
  std::error_code ec;
  if (owns_data_ && on_postgresql()) drop_postgresql_store(data_dir_);
  if (owns_data_) fs::remove_all(data_dir_, ec);
  fs::remove_all(work_dir_, ec);
}

void ServerProcess::drop_postgresql_store(const std::string& data_dir) {
  std::ifstream in(data_dir + "/.pg-store");
  std::string url;
  if (!in || !std::getline(in, url)) return;
  const char* admin = std::getenv("YST_TEST_PG_URL");
  if (!admin) return;
  const std::string name = url.substr(url.rfind('/') + 1);
  std::system(("psql -qX '" + std::string(admin) + "' -c 'DROP DATABASE IF EXISTS " + name + " WITH (FORCE)' >/dev/null 2>&1").c_str());
}

std::string ServerProcess::log() const {
  std::ifstream in(work_dir_ + "/server.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ServerProcess::stop(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  // Bounded: a server that does not stop in 20 s has failed the test anyway.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace yst::test
