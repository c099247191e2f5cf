#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "server/TrustedProxies.hpp"
#include "storage/Store.hpp"

namespace yst {

// Every setting of `yishiting serve`. Each comes from, in order of precedence, the
// command line (--name value or --name=value), the environment (YISHITING_NAME) or the
// config file (--config FILE or YISHITING_CONFIG: `name = value` lines, where # starts a
// comment), else its default.
struct Config {
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string data_dir = "./data";
  std::string store;  // a PostgreSQL URL; empty: SQLite in data_dir
  std::string web_dir;  // default: ./web, else the source tree's web/
  int threads = 0;      // 0: one per core
  std::string admin_token;
  std::string port_file;
  bool demo = false;
  std::string blocked_words;
  std::string public_url;  // base of printed join links; default http://BIND:PORT
  std::vector<std::string> allowed_origins;  // empty: any Origin (and none)
  // Reverse proxies whose X-Forwarded-For names the client (empty: the TCP peer is the client).
  TrustedProxies trusted_proxies;
  std::string tls_cert;
  std::string tls_key;
  std::string log_level = "info";
  Durability durability = Durability::power;
  std::string timeline_path;  // --timeline: where each event's time went (benchmarks)
  // Several nodes: the Redis that carries events between them (redis://HOST:PORT; empty:
  // a single node), this node's name (default HOST:PORT) and how long an owner's lease
  // on a session lasts without renewal (a dead owner's sessions move after it).
  std::string cluster;
  std::string node_id;
  int lease_ms = 10000;

  // Limits (uWebSockets-style defaults, all configurable).
  size_t max_frame_bytes = 16 * 1024;
  size_t max_queue_bytes = 1024 * 1024;
  size_t max_queue_messages = 8192;
  int audience_rate = 20;   // requests per second per connection
  int staff_rate = 1000;
  size_t max_connections = 50000;
  size_t max_connections_per_address = 0;  // 0: unlimited (a whole audience may share one NAT address)
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 8 * 1024;
  int header_timeout_s = 10;
  int handshake_timeout_s = 10;
  int idle_timeout_s = 60;  // WebSocket: a ping after half of it, closed if no pong
  int shutdown_grace_ms = 2000;
  // How long wrong tokens are counted over, and an address locked out after too many.
  // Not an operator's setting: tests shorten it with a flag that --help does not list.
  int token_lockout_window_ms = 60'000;
  // How many of a session's latest events its room keeps in memory for joins and resumes;
  // a resume from further back reads the store. Not an operator's setting either: tests
  // make it small so that a few events reach past it.
  size_t history_kept = 2000;
};

struct ParsedArgs {
  Config config;
  bool help = false;
};

// Reads `args`, the process environment's YISHITING_* variables and the config file.
// Throws std::invalid_argument with a message fit for the operator, naming the flag.
ParsedArgs parse_serve_args(const std::vector<std::string>& args);
std::string serve_usage();

}  // namespace yst
