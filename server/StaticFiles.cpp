#include "server/StaticFiles.hpp"

#include <zlib.h>

#include <fstream>
#include <sstream>

#include "session/Sha256.hpp"

namespace yst {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

std::string StaticFiles::content_type_for(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

std::string StaticFiles::gzip(const std::string& data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper rather than raw zlib.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t n = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  out.resize(n);
  return out;
}

namespace {
bool safe_segment(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}
}  // namespace

std::shared_ptr<const StaticFile> StaticFiles::lookup(const std::string& path) {
  // Split into segments; anything odd (.., empty, unusual characters) is simply not a file.
  std::vector<std::string> seg;
  size_t i = 1;
  if (path.empty() || path[0] != '/') return nullptr;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    seg.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  if (!seg.empty() && seg.back().empty() && seg.size() > 1) seg.pop_back();

  fs::path file;
  if (seg.size() == 1 && seg[0].empty()) {
    file = "index.html";
  } else if (seg.size() == 1 && (seg[0] == "admin" || seg[0] == "plan" || seg[0] == "follow" || seg[0] == "stats" ||
                                  seg[0] == "topics")) {
    // The year's pages: the plan and the follow-up are public, the statistics the admin's
    // (its data needs the admin token; the page itself holds none).
    file = seg[0] + ".html";
  } else if (seg.size() == 2 && safe_segment(seg[1]) && seg[1].find('.') == std::string::npos) {
    if (seg[0] == "s") file = "audience.html";
    else if (seg[0] == "host") file = "host.html";
    else if (seg[0] == "p") file = "participant.html";
    else if (seg[0] == "clerk") file = "clerk.html";
    else if (seg[0] == "overlay") file = "overlay.html";
    else if (seg[0] == "people") file = "person.html";
    else return nullptr;
  } else if (seg.size() >= 2 && seg[0] == "assets") {
    file = "assets";
    for (size_t k = 1; k < seg.size(); ++k) {
      if (!safe_segment(seg[k])) return nullptr;
      file /= seg[k];
    }
  } else if (seg.size() == 1 && (seg[0] == "favicon.ico" || seg[0] == "robots.txt")) {
    file = seg[0];
  } else {
    return nullptr;
  }
  return load(root_ / file);
}

std::shared_ptr<const StaticFile> StaticFiles::load(const fs::path& file) {
  std::error_code ec;
  auto mtime = fs::last_write_time(file, ec);
  if (ec || !fs::is_regular_file(file, ec)) return nullptr;
  std::lock_guard lock(mutex_);
  auto key = file.string();
  if (auto it = cache_.find(key); it != cache_.end() && it->second.mtime == mtime) return it->second.file;
  std::ifstream in(file, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream ss;
  ss << in.rdbuf();
  auto f = std::make_shared<StaticFile>();
  f->content_type = content_type_for(file);
  f->body = ss.str();
  const bool compressible = f->content_type.rfind("text/", 0) == 0 || f->content_type == "image/svg+xml" ||
                            f->content_type == "application/json";
  if (compressible && f->body.size() > 256) {
    f->gzipped = gzip(f->body);
    if (f->gzipped.size() >= f->body.size()) f->gzipped.clear();
  }
  f->etag = "\"" + sha256_hex(f->body).substr(0, 16) + "\"";
  cache_[key] = Cached{mtime, f};
  return f;
}

}  // namespace yst
