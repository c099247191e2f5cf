#include "server/Config.hpp"

#include <boost/program_options.hpp>
#include <cctype>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace yst {

namespace po = boost::program_options;

namespace {

// Every value of a setting, in the order given. Kept as strings until po::notify() so that
// each error names the flag in the words users have always seen rather than
// program_options' ("the argument ('abc') for option '--port' is invalid"). A setting
// repeated within one source takes its last value; program_options would refuse a
// repeated plain value.
using Occurrences = std::vector<std::string>;

constexpr std::string_view kEnvironmentPrefix = "YISHITING_";
constexpr size_t kMinAdminTokenChars = 16;

long long parse_number(const std::string& name, const std::string& v, long long lo, long long hi) {
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(v, &used);
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
  std::istringstream items(v);
  std::string item;
  while (std::getline(items, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// The settings of `yishiting serve`, as a program_options description whose notifiers
// check each value and write it into `config`.
class ServeFlags {
 public:
  explicit ServeFlags(Config& config) : config_(config) { describe(); }
  const po::options_description& options() const { return options_; }
  // For tests only: accepted on the command line, not listed by --help, not read from
  // the environment or a config file.
  const po::options_description& testing_options() const { return testing_; }

 private:
  using Setter = std::function<void(Config&, const std::string&)>;

  void describe();

  po::typed_value<Occurrences>* value(const char* value_name, Setter set) {
    return po::value<Occurrences>()->value_name(value_name)->notifier(
        [&config = config_, set = std::move(set)](const Occurrences& values) { set(config, values.back()); });
  }
  void add(const char* name, const char* value_name, const char* help, Setter set) {
    options_.add_options()(name, value(value_name, std::move(set)), help);
  }
  void text(const char* name, const char* value_name, std::string Config::*field, const char* help) {
    add(name, value_name, help, [field](Config& c, const std::string& v) { c.*field = v; });
  }
  template <class Field>
  void number(const char* name, Field Config::*field, long long lo, long long hi, const char* help) {
    add(name, "N", help, [name = std::string(name), field, lo, hi](Config& c, const std::string& v) {
      c.*field = static_cast<Field>(parse_number(name, v, lo, hi));
    });
  }
  // A setting that may be given many times, each value a comma-separated list: every
  // item of every value (of the source that wins) is passed to `add_one`.
  void list(const char* name, const char* value_name, const char* help, Setter add_one) {
    options_.add_options()(name,
                           po::value<Occurrences>()->value_name(value_name)->notifier(
                               [&config = config_, add_one = std::move(add_one)](const Occurrences& values) {
                                 for (const auto& value : values)
                                   for (const auto& item : split_list(value)) add_one(config, item);
                               }),
                           help);
  }
  // A switch: `--name` alone means true; `--name=false` (or a false value from the
  // environment) turns off what a config file turned on.
  void flag(const char* name, bool Config::*field, const char* help) {
    auto set = [name = std::string(name), field](Config& c, const std::string& v) { c.*field = parse_bool(name, v); };
    options_.add_options()(name, value("BOOL", set)->implicit_value(Occurrences{"true"}, "true"), help);
  }

  Config& config_;
  po::options_description options_{"Flags", 120};
  po::options_description testing_;
};

void ServeFlags::describe() {
  text("bind", "ADDR", &Config::bind, "address to listen on (default 127.0.0.1)");
  number("port", &Config::port, 0, 65535, "TCP port, 0 = any free port (default 8080)");
  text("data", "DIR", &Config::data_dir, "directory of the SQLite database and files (default ./data)");
  add("store", "URL",
      "postgresql://user@host:port/db: keep everything in PostgreSQL (shared by several nodes) instead of "
      "SQLite in --data (default: SQLite)",
      [](Config& c, const std::string& v) {
        if (v.rfind("postgresql://", 0) != 0 && v.rfind("postgres://", 0) != 0)
          throw std::invalid_argument("--store must be a postgresql:// URL");
        c.store = v;
      });
  add("cluster", "URL",
      "redis://HOST:PORT: run as one node of a cluster whose nodes share --store (PostgreSQL) and pass "
      "events through this Redis (default: a single node)",
      [](Config& c, const std::string& v) {
        if (v.rfind("redis://", 0) != 0) throw std::invalid_argument("--cluster must be a redis:// URL");
        c.cluster = v;
      });
  text("node-id", "NAME", &Config::node_id, "this node's name in the cluster (default HOST:PORT)");
  number("lease-ms", &Config::lease_ms, 1000, 600000,
         "cluster: how long a session's owner holds it without renewing (default 10000)");
  text("web", "DIR", &Config::web_dir, "directory of the static pages (default ./web)");
  number("threads", &Config::threads, 1, 256, "I/O threads (default: one per core)");
  text("admin-token", "T", &Config::admin_token,
       "the admin token (default: generated on first start, kept in DATA/admin-token)");
  text("port-file", "F", &Config::port_file, "write the bound port to this file once listening");
  flag("demo", &Config::demo, "create, once, a demo session and print its join links");
  text("blocked-words", "F", &Config::blocked_words,
       "sensitive-word list (UTF-8, one entry a line; reloaded on SIGHUP)");
  add("public-url", "URL", "base URL of printed join links (default http://BIND:PORT)",
      [](Config& c, const std::string& v) { c.public_url = v.substr(0, v.find_last_not_of('/') + 1); });
  add("allowed-origins", "A,B", "comma-separated Origins allowed to open WebSockets (default: any)",
      [](Config& c, const std::string& v) { c.allowed_origins = split_list(v); });
  list("trusted-proxy", "CIDR",
       "a reverse proxy in front of the server (an IPv4 or IPv6 address or CIDR block; repeat it or give A,B): "
       "from it, the client is the rightmost X-Forwarded-For address that is not a trusted proxy, for limits "
       "and logs (default: none; X-Forwarded-For is ignored)",
       [](Config& c, const std::string& v) { c.trusted_proxies.add(v); });
  text("tls-cert", "F", &Config::tls_cert, "PEM certificate chain: serve HTTPS and WSS");
  text("tls-key", "F", &Config::tls_key, "PEM private key for --tls-cert");
  add("durability", "D",
      "power: an event is fsynced before it is acked and broadcast (survives a power cut); "
      "process: written to the OS (survives a crash of the process, may lose the last moments "
      "on a power cut) (default power)",
      [](Config& c, const std::string& v) {
        if (v != "power" && v != "process") throw std::invalid_argument("--durability must be power or process");
        c.durability = v == "power" ? Durability::power : Durability::process;
      });
  text("timeline", "F", &Config::timeline_path,
       "benchmarks: at shutdown, one JSON line per event with when it was read, decided, committed and "
       "written (bench/timeline.py reads it)");
  add("log-level", "L", "trace, debug, info, warn, error (default info)", [](Config& c, const std::string& v) {
    if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error")
      throw std::invalid_argument("--log-level must be trace, debug, info, warn or error");
    c.log_level = v;
  });
  number("max-frame-bytes", &Config::max_frame_bytes, 256, 16 * 1024 * 1024,
         "largest client WebSocket frame (default 16384)");
  number("max-queue-bytes", &Config::max_queue_bytes, 4096, 1LL << 30,
         "unsent bytes to one connection before it is closed with 1013 (default 1048576)");
  number("max-queue-messages", &Config::max_queue_messages, 16, 1 << 24,
         "unsent messages to one connection before it is closed (default 8192)");
  number("audience-rate", &Config::audience_rate, 1, 100000,
         "requests per second per audience connection (default 20)");
  number("staff-rate", &Config::staff_rate, 1, 1000000, "requests per second per staff connection (default 1000)");
  number("max-connections", &Config::max_connections, 1, 10000000, "open connections in total (default 50000)");
  number("max-connections-per-address", &Config::max_connections_per_address, 0, 10000000,
         "open connections per client address, 0 = unlimited (default 0)");
  number("max-body-bytes", &Config::max_body_bytes, 1024, 64LL * 1024 * 1024,
         "largest HTTP request body (default 65536)");
  number("max-header-bytes", &Config::max_header_bytes, 1024, 1024 * 1024,
         "largest HTTP request header (default 8192)");
  number("header-timeout", &Config::header_timeout_s, 1, 3600,
         "seconds to receive a whole HTTP request (default 10)");
  number("handshake-timeout", &Config::handshake_timeout_s, 1, 3600,
         "seconds for the WebSocket handshake (default 10)");
  number("idle-timeout", &Config::idle_timeout_s, 2, 86400,
         "seconds of WebSocket silence before a ping; no pong, closed (default 60)");
  number("shutdown-grace-ms", &Config::shutdown_grace_ms, 0, 60000,
         "how long shutdown waits for WebSockets to close (default 2000)");

  // A test of the wrong-token lockout must not wait a minute for it to end.
  testing_.add_options()("token-lockout-window-ms", value("N", [](Config& c, const std::string& v) {
                           c.token_lockout_window_ms =
                               static_cast<int>(parse_number("token-lockout-window-ms", v, 100, 3'600'000));
                         }),
                         "");
  testing_.add_options()("history-kept", value("N", [](Config& c, const std::string& v) {
                           c.history_kept = static_cast<size_t>(parse_number("history-kept", v, 1, 1'000'000));
                         }),
                         "");
}

// The settings and what only the command line has: --config and --help.
po::options_description command_line_options(const ServeFlags& settings) {
  po::options_description options = settings.options();
  options.add_options()("config", po::value<Occurrences>()->value_name("FILE"),
                        "read settings from FILE (`flag = value` lines; # starts a comment); also YISHITING_CONFIG")(
      "help,h", "print this list");
  return options;
}

// Any word that is not a flag or a flag's value lands here, to be refused by name.
constexpr const char* kStrayArguments = "stray-arguments";

void store_command_line(const std::vector<std::string>& args, const po::options_description& visible,
                        const po::options_description& testing, po::variables_map& vm) {
  po::options_description all;
  all.add(visible).add(testing).add_options()(kStrayArguments, po::value<Occurrences>());
  po::positional_options_description stray;
  stray.add(kStrayArguments, -1);
  // No guessing: --por is a typo, not --port.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  try {
    po::store(po::command_line_parser(args).options(all).positional(stray).style(style).run(), vm);
  } catch (const po::unknown_option& e) {
    const std::string name = e.get_option_name();
    if (name.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument \"" + name + "\" (see --help)");
    throw std::invalid_argument("unknown flag " + name.substr(0, name.find('=')) + " (see --help)");
  } catch (const po::invalid_command_line_syntax& e) {
    const std::string name = e.get_option_name();
    const bool needs_value = e.kind() == po::invalid_syntax::missing_parameter ||
                             e.kind() == po::invalid_syntax::empty_adjacent_parameter;
    if (!needs_value) throw std::invalid_argument(e.what());
    throw std::invalid_argument(name + (name == "--config" ? " needs a file" : " needs a value"));
  } catch (const po::error& e) {
    throw std::invalid_argument(e.what());
  }
  if (vm.count(kStrayArguments))
    throw std::invalid_argument("unexpected argument \"" + vm[kStrayArguments].as<Occurrences>().front() +
                                "\" (see --help)");
}

// YISHITING_MAX_FRAME_BYTES → max-frame-bytes; empty (ignored) for any other variable.
std::function<std::string(std::string)> flag_of_variable(const po::options_description& settings) {
  return [&settings](const std::string& variable) -> std::string {
    if (variable.rfind(kEnvironmentPrefix, 0) != 0) return {};
    std::string flag;
    for (char c : variable.substr(kEnvironmentPrefix.size())) {
      if (c == '-' || (c >= 'a' && c <= 'z')) return {};
      flag.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (flag == "config" || settings.find_nothrow(flag, false)) return flag;
    return {};
  };
}

void store_config_file(const std::string& file, const po::options_description& settings, po::variables_map& vm) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("cannot read config file " + file);
  try {
    po::store(po::parse_config_file(in, settings), vm);
  } catch (const po::unknown_option& e) {
    throw std::invalid_argument(file + ": unknown setting " + e.get_option_name());
  } catch (const po::error& e) {
    throw std::invalid_argument(file + ": expected name = value lines (" + e.what() + ")");
  }
}

void check_combinations(Config& c) {
  if (c.threads == 0) c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (c.tls_cert.empty() != c.tls_key.empty()) throw std::invalid_argument("--tls-cert and --tls-key go together");
  if (!c.admin_token.empty() && c.admin_token.size() < kMinAdminTokenChars)
    throw std::invalid_argument("--admin-token must be at least " + std::to_string(kMinAdminTokenChars) +
                                " characters");
  if (c.max_queue_bytes < c.max_frame_bytes)
    throw std::invalid_argument("--max-queue-bytes must be at least --max-frame-bytes");
}

}  // namespace

ParsedArgs parse_serve_args(const std::vector<std::string>& args) {
  ParsedArgs out;
  ServeFlags settings(out.config);
  const po::options_description visible = command_line_options(settings);

  // program_options keeps the first value stored for a setting, so the sources are
  // stored in order of precedence: flags, then the environment, then the file.
  po::variables_map vm;
  store_command_line(args, visible, settings.testing_options(), vm);
  if (vm.count("help")) {
    out.help = true;
    return out;
  }
  po::store(po::parse_environment(visible, flag_of_variable(settings.options())), vm);
  if (vm.count("config")) store_config_file(vm["config"].as<Occurrences>().back(), settings.options(), vm);
  po::notify(vm);
  check_combinations(out.config);
  return out;
}

std::string serve_usage() {
  Config unused;
  ServeFlags settings(unused);
  std::ostringstream s;
  s << "Usage: yishiting serve [flags]\n"
       "Each flag may also come from the environment (YISHITING_<FLAG>, e.g. YISHITING_PORT=8080)\n"
       "or from a config file (--config FILE or YISHITING_CONFIG; lines `flag = value`).\n"
       "A flag beats the environment, which beats the file.\n\n"
    << command_line_options(settings);
  return s.str();
}

}  // namespace yst
