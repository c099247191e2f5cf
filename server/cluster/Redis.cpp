#include "server/cluster/Redis.hpp"

#include <hiredis/hiredis.h>

#include <charconv>
#include <sys/time.h>

namespace yst::cluster {

namespace {
timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Reply copy(const redisReply* r) {
  Reply out;
  if (!r) return out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy(r->element[i]));
      break;
    default:
      break;  // nil
  }
  return out;
}
}  // namespace

std::optional<RedisAddress> RedisAddress::parse(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
  url.remove_prefix(scheme.size());
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  RedisAddress a;
  const auto colon = url.rfind(':');
  a.host = std::string(url.substr(0, colon));
  if (colon != std::string_view::npos) {
    auto port = url.substr(colon + 1);
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
    if (ec != std::errc() || end != port.data() + port.size() || a.port <= 0 || a.port > 65535) return std::nullopt;
  }
  if (a.host.empty() || a.host.find_first_of("/@") != std::string::npos) return std::nullopt;
  return a;
}

Redis::Redis(RedisAddress address, std::chrono::milliseconds timeout) : address_(std::move(address)), timeout_(timeout) {}

Redis::~Redis() { disconnect(); }

void Redis::disconnect() {
  if (context_) redisFree(context_);
  context_ = nullptr;
}

void Redis::connect() {
  if (context_) return;
  const timeval tv = to_timeval(timeout_);
  context_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, tv);
  if (!context_ || context_->err) {
    std::string why = context_ ? context_->errstr : "out of memory";
    disconnect();
    throw RedisUnavailable("redis " + address_.to_string() + ": " + why);
  }
  redisSetTimeout(context_, tv);
}

Reply Redis::command(const std::vector<std::string>& args) { return blocking_command(args, std::chrono::milliseconds(0)); }

Reply Redis::blocking_command(const std::vector<std::string>& args, std::chrono::milliseconds block) {
  connect();
  redisSetTimeout(context_, to_timeval(timeout_ + block));
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* raw = static_cast<redisReply*>(redisCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data()));
  if (!raw) {
    std::string why = context_->errstr;
    disconnect();  // after an error hiredis's context cannot be reused
    throw RedisUnavailable("redis " + address_.to_string() + ": " + why);
  }
  Reply out = copy(raw);
  freeReplyObject(raw);
  return out;
}

}  // namespace yst::cluster
