#pragma once
// The admin token: only its hash is kept. Configured (--admin-token), or generated on
// first start, written once to <data>/admin-token (mode 0600) for the operator to read,
// and its hash kept in the store so that later starts accept the same token.
#include <string>
#include <string_view>

#include "server/Config.hpp"
#include "storage/Store.hpp"

namespace yst {

class AdminToken {
 public:
  AdminToken() = default;  // matches nothing
  // Start-up only: the configured token, else the stored one, else a new one.
  static AdminToken settle(const Config& config, Store& store);
  static std::string file_path(const std::string& data_dir);

  bool matches(std::string_view token) const;

 private:
  explicit AdminToken(std::string hash) : hash_(std::move(hash)) {}
  std::string hash_;  // hex SHA-256
};

}  // namespace yst
