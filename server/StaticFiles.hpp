#pragma once
// The pages under web/, served with their content types, security headers and, when the
// browser accepts it, gzip. Files are small: each is read once and kept in memory with
// its gzip form, and read again when its modification time changes.
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace yst {

struct StaticFile {
  std::string content_type;
  std::string body;
  std::string gzipped;  // empty when gzip would not help
  std::string etag;
};

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // Maps a request path to a file: page routes (/s/{id} → audience.html, ...) and
  // /assets/... Returns null for anything else, including any path with "..".
  std::shared_ptr<const StaticFile> lookup(const std::string& path);

  static std::string content_type_for(const std::filesystem::path& p);
  static std::string gzip(const std::string& data);

 private:
  std::shared_ptr<const StaticFile> load(const std::filesystem::path& file);

  std::filesystem::path root_;
  std::mutex mutex_;
  struct Cached {
    std::filesystem::file_time_type mtime;
    std::shared_ptr<const StaticFile> file;
  };
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace yst
