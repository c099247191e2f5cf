#include "server/Config.hpp"

#include <fstream>
#include <functional>
#include <stdexcept>
#include <thread>

namespace yst {

namespace {

struct Option {
  const char* name;
  const char* help;
  bool is_switch;
  std::function<void(Config&, const std::string&)> set;
};

long parse_long(const std::string& name, const std::string& v, long lo, long hi) {
  size_t used = 0;
  long n = 0;
  try {
    n = std::stol(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v.size() || v.empty() || n < lo || n > hi)
    throw std::invalid_argument("--" + name + " must be a whole number from " + std::to_string(lo) + " to " +
                                std::to_string(hi) + " (got \"" + v + "\")");
  return n;
}

bool parse_bool(const std::string& name, const std::string& v) {
  if (v.empty() || v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  throw std::invalid_argument("--" + name + " must be true or false (got \"" + v + "\")");
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find(',', start);
    if (end == std::string::npos) end = v.size();
    std::string item = v.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

#define YST_NUM(flag, field, lo, hi) \
  [](Config& c, const std::string& v) { c.field = static_cast<decltype(c.field)>(parse_long(flag, v, lo, hi)); }

const std::vector<Option>& options() {
  static const std::vector<Option> opts = {
      {"bind", "address to listen on (default 127.0.0.1)", false, [](Config& c, const std::string& v) { c.bind = v; }},
      {"port", "TCP port, 0 = any free port (default 8080)", false, YST_NUM("port", port, 0, 65535)},
      {"data", "directory of the SQLite database and files (default ./data)", false,
       [](Config& c, const std::string& v) { c.data_dir = v; }},
      {"web", "directory of the static pages (default ./web)", false,
       [](Config& c, const std::string& v) { c.web_dir = v; }},
      {"threads", "I/O threads (default: one per core)", false, YST_NUM("threads", threads, 1, 256)},
      {"admin-token", "the admin token (default: generated on first start, kept in DATA/admin-token)", false,
       [](Config& c, const std::string& v) { c.admin_token = v; }},
      {"port-file", "write the bound port to this file once listening", false,
       [](Config& c, const std::string& v) { c.port_file = v; }},
      {"demo", "create, once, a demo session and print its join links", true,
       [](Config& c, const std::string& v) { c.demo = parse_bool("demo", v); }},
      {"blocked-words", "sensitive-word list (UTF-8, one entry a line; reloaded on SIGHUP)", false,
       [](Config& c, const std::string& v) { c.blocked_words = v; }},
      {"public-url", "base URL of printed join links (default http://BIND:PORT)", false,
       [](Config& c, const std::string& v) {
         c.public_url = v;
         while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
       }},
      {"allowed-origins", "comma-separated Origins allowed to open WebSockets (default: any)", false,
       [](Config& c, const std::string& v) { c.allowed_origins = split_list(v); }},
      {"tls-cert", "PEM certificate chain: serve HTTPS and WSS", false,
       [](Config& c, const std::string& v) { c.tls_cert = v; }},
      {"tls-key", "PEM private key for --tls-cert", false, [](Config& c, const std::string& v) { c.tls_key = v; }},
      {"log-level", "trace, debug, info, warn, error (default info)", false,
       [](Config& c, const std::string& v) {
         if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error")
           throw std::invalid_argument("--log-level must be trace, debug, info, warn or error");
         c.log_level = v;
       }},
      {"max-frame-bytes", "largest client WebSocket frame (default 16384)", false,
       YST_NUM("max-frame-bytes", max_frame_bytes, 256, 16 * 1024 * 1024)},
      {"max-queue-bytes", "unsent bytes to one connection before it is closed with 1013 (default 1048576)",
       false, YST_NUM("max-queue-bytes", max_queue_bytes, 4096, 1L << 30)},
      {"max-queue-messages", "unsent messages to one connection before it is closed (default 8192)", false,
       YST_NUM("max-queue-messages", max_queue_messages, 16, 1 << 24)},
      {"audience-rate", "requests per second per audience connection (default 20)", false,
       YST_NUM("audience-rate", audience_rate, 1, 100000)},
      {"staff-rate", "requests per second per staff connection (default 1000)", false,
       YST_NUM("staff-rate", staff_rate, 1, 1000000)},
      {"max-connections", "open connections in total (default 50000)", false,
       YST_NUM("max-connections", max_connections, 1, 10000000)},
      {"max-connections-per-address", "open connections per client address, 0 = unlimited (default 0)", false,
       YST_NUM("max-connections-per-address", max_connections_per_address, 0, 10000000)},
      {"max-body-bytes", "largest HTTP request body (default 65536)", false,
       YST_NUM("max-body-bytes", max_body_bytes, 1024, 64L * 1024 * 1024)},
      {"max-header-bytes", "largest HTTP request header (default 8192)", false,
       YST_NUM("max-header-bytes", max_header_bytes, 1024, 1024 * 1024)},
      {"header-timeout", "seconds to receive a whole HTTP request (default 10)", false,
       YST_NUM("header-timeout", header_timeout_s, 1, 3600)},
      {"handshake-timeout", "seconds for the WebSocket handshake (default 10)", false,
       YST_NUM("handshake-timeout", handshake_timeout_s, 1, 3600)},
      {"idle-timeout", "seconds of WebSocket silence before a ping; no pong, closed (default 60)", false,
       YST_NUM("idle-timeout", idle_timeout_s, 2, 86400)},
      {"shutdown-grace-ms", "how long shutdown waits for WebSockets to close (default 2000)", false,
       YST_NUM("shutdown-grace-ms", shutdown_grace_ms, 0, 60000)},
  };
  return opts;
}
#undef YST_NUM

const Option* find_option(const std::string& name) {
  for (const auto& o : options())
    if (name == o.name) return &o;
  return nullptr;
}

std::string env_name(const std::string& flag) {
  std::string out = "YISHITING_";
  for (char c : flag) out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

}  // namespace

ParsedArgs parse_serve_args(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  ParsedArgs out;
  std::map<std::string, std::string> from_cli;
  std::string config_file;
  if (auto it = env.find("YISHITING_CONFIG"); it != env.end()) config_file = it->second;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      out.help = true;
      return out;
    }
    if (a.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument \"" + a + "\" (see --help)");
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "config") {
      if (!has_value) {
        if (i + 1 >= args.size()) throw std::invalid_argument("--config needs a file");
        value = args[++i];
      }
      config_file = value;
      continue;
    }
    const Option* opt = find_option(name);
    if (!opt) throw std::invalid_argument("unknown flag --" + name + " (see --help)");
    if (!has_value) {
      if (opt->is_switch) {
        value = "true";
      } else {
        if (i + 1 >= args.size()) throw std::invalid_argument("--" + name + " needs a value");
        value = args[++i];
      }
    }
    from_cli[name] = value;
  }

  std::map<std::string, std::string> from_file;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) throw std::invalid_argument("cannot read config file " + config_file);
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      auto eq = line.find('=');
      if (eq == std::string::npos)
        throw std::invalid_argument(config_file + ":" + std::to_string(lineno) + ": expected name = value");
      auto trim = [](std::string s) {
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
        return s;
      };
      std::string name = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
      if (!find_option(name))
        throw std::invalid_argument(config_file + ":" + std::to_string(lineno) + ": unknown setting " + name);
      from_file[name] = value;
    }
  }

  for (const auto& opt : options()) {
    if (auto it = from_cli.find(opt.name); it != from_cli.end()) {
      opt.set(out.config, it->second);
    } else if (auto e = env.find(env_name(opt.name)); e != env.end()) {
      opt.set(out.config, e->second);
    } else if (auto f = from_file.find(opt.name); f != from_file.end()) {
      opt.set(out.config, f->second);
    }
  }

  Config& c = out.config;
  if (c.threads == 0) c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (c.tls_cert.empty() != c.tls_key.empty())
    throw std::invalid_argument("--tls-cert and --tls-key go together");
  if (!c.admin_token.empty() && c.admin_token.size() < 16)
    throw std::invalid_argument("--admin-token must be at least 16 characters");
  if (c.max_queue_bytes < c.max_frame_bytes)
    throw std::invalid_argument("--max-queue-bytes must be at least --max-frame-bytes");
  return out;
}

std::string serve_usage() {
  std::string s =
      "Usage: yishiting serve [flags]\n"
      "Each flag may also come from the environment (YISHITING_<FLAG>, e.g. YISHITING_PORT=8080)\n"
      "or from a config file (--config FILE or YISHITING_CONFIG; lines `flag = value`).\n\n";
  for (const auto& o : options()) {
    std::string left = std::string("  --") + o.name + (o.is_switch ? "" : " V");
    if (left.size() < 32) left.resize(32, ' ');
    s += left + " " + o.help + "\n";
  }
  s += "  --config FILE                    read settings from FILE\n";
  return s;
}

}  // namespace yst
