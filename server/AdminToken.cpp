#include "server/AdminToken.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "session/Sha256.hpp"

namespace yst {

namespace fs = std::filesystem;

namespace {
constexpr const char* kMetaKey = "admin_token_sha256";

// Written whole or not at all: a temporary file, then renamed over the name.
void write_token_file(const std::string& path, const std::string& token) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << token << '\n';
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  fs::rename(tmp, path);
}
}  // namespace

std::string AdminToken::file_path(const std::string& data_dir) { return (fs::path(data_dir) / "admin-token").string(); }

AdminToken AdminToken::settle(const Config& config, Store& store) {
  if (!config.admin_token.empty()) return AdminToken(sha256_hex(config.admin_token));
  const std::string path = file_path(config.data_dir);
  if (auto stored = store.meta(kMetaKey)) {
    spdlog::info("admin token: as generated on first start (see {})", path);
    return AdminToken(*stored);
  }
  std::string token = random_token(24);
  write_token_file(path, token);
  AdminToken admin(sha256_hex(token));
  store.set_meta(kMetaKey, admin.hash_);
  spdlog::info("generated an admin token; it is in {} (mode 0600)", path);
  return admin;
}

bool AdminToken::matches(std::string_view token) const {
  if (hash_.empty() || token.empty() || token.size() > 256) return false;
  return constant_time_equal(sha256_hex(token), hash_);
}

}  // namespace yst
