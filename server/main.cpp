// yishiting: serve | export | backup. main() only parses, wires and reports.
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#if defined(__GLIBC__)  // known once a libc header is in
#include <malloc.h>
#endif
#include <map>

#include "server/Server.hpp"
#include "server/Systemd.hpp"
#include "session/Vocabulary.hpp"
#include "session/minutes/Minutes.hpp"
#include "storage/MinutesLoader.hpp"
#include "storage/OpenStore.hpp"
#include "storage/SqliteStore.hpp"

namespace {

const char* kUsage =
    "yishiting — 议事厅: live consultation server for \"有事来协商——委员议事厅\"\n\n"
    "Usage:\n"
    "  yishiting serve [flags]        run the server (yishiting serve --help lists the flags)\n"
    "  yishiting export (--data DIR | --store URL) --session ID [--document minutes|case] --format md|html|json|csv|docx [-o FILE]\n"
    "                                 write a session's minutes (json and csv: minutes only) or case\n"
    "                                 report (协商案例) without a running server\n"
    "  yishiting backup --data DIR -o FILE\n"
    "                                 consistent copy of the database, safe while the server runs\n"
    "                                 (a PostgreSQL store is backed up with pg_dump)\n"
    "  yishiting migrate --from DIR --to URL\n"
    "                                 copy a SQLite data directory into an empty PostgreSQL database and\n"
    "                                 verify every session's chain after the copy\n"
    "  yishiting vocabulary           print web/assets/vocabulary.js (event kinds and labels)\n"
    "  yishiting --help | --version\n";

// Small flag reader for the two offline tools.
std::map<std::string, std::string> tool_flags(const std::vector<std::string>& args, const std::vector<std::string>& known) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    auto eq = a.find('=');
    if (eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw std::invalid_argument(a + " needs a value");
    }
    if (std::find(known.begin(), known.end(), a) == known.end()) throw std::invalid_argument("unknown flag " + a);
    out[a] = value;
  }
  return out;
}

std::string db_path(const std::string& data_dir) {
  auto p = std::filesystem::path(data_dir) / "yishiting.db";
  if (!std::filesystem::exists(p)) throw std::runtime_error("no database at " + p.string());
  return p.string();
}

int run_export(const std::vector<std::string>& args) {
  auto f = tool_flags(args, {"--data", "--store", "--session", "--document", "--format", "-o", "--output"});
  if (!f.count("--session")) throw std::invalid_argument("--session is required");
  const std::string document = f.count("--document") ? f["--document"] : "minutes";
  if (document != "minutes" && document != "case") throw std::invalid_argument("--document must be minutes or case");
  const std::string format_name = f.count("--format") ? f["--format"] : "md";
  auto format = yst::minutes_format_from_string(format_name);
  auto case_format = yst::case_format_from_string(format_name);
  if (document == "minutes" && !format) throw std::invalid_argument("--format must be md, html, json, csv or docx");
  if (document == "case" && !case_format) throw std::invalid_argument("--format of a case report must be md, html or docx");
  auto store = yst::open_store(f.count("--store") ? f["--store"] : db_path(f.count("--data") ? f["--data"] : "./data"));
  auto& db = *store;
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto in = yst::load_minutes(db, f["--session"], now_ms);
  if (!in) throw std::runtime_error("no session " + f["--session"]);
  std::string out = document == "case" ? yst::render_case(*in, *case_format) : yst::render_minutes(*in, *format);
  std::string file = f.count("-o") ? f["-o"] : f.count("--output") ? f["--output"] : "";
  if (file.empty() || file == "-") {
    std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
  } else {
    std::ofstream o(file, std::ios::binary | std::ios::trunc);
    o.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!o) throw std::runtime_error("cannot write " + file);
    std::cerr << "wrote " << file << " (" << out.size() << " bytes)\n";
  }
  return 0;
}

int run_backup(const std::vector<std::string>& args) {
  auto f = tool_flags(args, {"--data", "-o", "--output"});
  std::string file = f.count("-o") ? f["-o"] : f.count("--output") ? f["--output"] : "";
  if (file.empty()) throw std::invalid_argument("-o FILE is required");
  if (std::filesystem::exists(file)) throw std::runtime_error(file + " exists; choose a new file");
  yst::SqliteStore db(db_path(f.count("--data") ? f["--data"] : "./data"));
  db.backup_to(file);
  std::cerr << "backed up to " << file << "\n";
  return 0;
}

// Copies a SQLite data directory into an empty PostgreSQL database: the year's lists,
// then each session with its participants (token hashes included, so every link keeps
// working), its record in one transaction, its peak and attendance; then checks every
// session's chain in the copy.
int run_migrate(const std::vector<std::string>& args) {
  auto f = tool_flags(args, {"--from", "--to"});
  if (!f.count("--from") || !f.count("--to")) throw std::invalid_argument("--from DIR and --to URL are required");
  if (!yst::is_postgresql_url(f["--to"])) throw std::invalid_argument("--to must be a postgresql:// URL");
  yst::SqliteStore from(db_path(f["--from"]));
  auto to = yst::open_store(f["--to"]);
  if (!to->sessions().empty() || !to->plan_items().empty() || !to->people().empty())
    throw std::runtime_error("the PostgreSQL database already holds data; migrate into an empty one");
  for (const char* key : {"admin_token_sha256", "demo_session"})
    if (auto v = from.meta(key)) to->set_meta(key, *v);
  for (const auto& item : from.plan_items()) to->create_plan_item(item);
  for (const auto& person : from.people()) to->create_person(person);
  for (const auto& topic : from.topics()) {
    to->create_topic(topic);
    for (const auto& supporter : topic.supporters) to->add_topic_support(topic.id, supporter);
  }
  size_t sessions = 0, events = 0;
  for (const auto& info : from.sessions()) {
    std::vector<yst::Store::Job> jobs;
    const auto stored = from.events(info.id);
    jobs.push_back([&](yst::Store& s) {
      s.create_session(info);
      for (const auto& sp : from.participants(info.id)) s.add_participant(sp.participant, sp.token_hash);
      s.store(info.id, yst::Changes{stored, from.upvotes(info.id), from.votes(info.id)});
      s.set_peak_audience(info.id, from.peak_audience(info.id));
      for (const auto& p : from.attendance(info.id)) s.mark_attended(info.id, p);
    });
    if (!to->write_batch(jobs)[0]) throw std::runtime_error("could not copy session " + info.id + " (see the log above)");
    const auto check = yst::verify_chain(to->events(info.id));
    if (!check.ok || check.events != static_cast<int64_t>(stored.size()) ||
        (!stored.empty() && check.head != stored.back().hash))
      throw std::runtime_error("session " + info.id + ": the copied chain does not verify");
    ++sessions;
    events += stored.size();
  }
  std::cerr << "copied " << sessions << " sessions (" << events << " events, every chain verified) into PostgreSQL\n";
  return 0;
}

int run_serve(const std::vector<std::string>& args) {
  auto parsed = yst::parse_serve_args(args);
  if (parsed.help) {
    std::cout << yst::serve_usage();
    return 0;
  }
  auto& cfg = parsed.config;
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  yst::Server server(cfg);
  server.start();
  if (cfg.demo) {
    std::string base = cfg.public_url;
    if (base.empty()) {
      std::string host = cfg.bind == "0.0.0.0" || cfg.bind == "::" ? "127.0.0.1" : cfg.bind;
      if (host.find(':') != std::string::npos) host = "[" + host + "]";
      base = (cfg.tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(server.port());
    }
    // Join links carry tokens: they go to standard output for the operator, once, and
    // never into the log.
    for (const auto& line : server.hub().ensure_demo(base)) std::cout << line << '\n';
    std::cout.flush();
  }
  server.run();
  return 0;
}

// "<N>" before each line written to the journal: the journal reads it as the syslog
// priority, so `journalctl -p warning -u yishiting` finds warnings and errors.
class JournalPriority final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    char priority = '6';  // info
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: priority = '7'; break;
      case spdlog::level::warn: priority = '4'; break;
      case spdlog::level::err: priority = '3'; break;
      case spdlog::level::critical: priority = '2'; break;
      default: break;
    }
    dest.push_back('<');
    dest.push_back(priority);
    dest.push_back('>');
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JournalPriority>(); }
};

void set_log_format() {
  if (yst::systemd::stderr_is_journal()) {
    // The journal stamps each line itself.
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JournalPriority>('*').set_pattern("%*%l %v");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
}

}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Blocks of 128 KiB and more (a welcome listing a long programme's questions, a resume's
  // batch) are mapped and unmapped on their own. glibc would otherwise raise this
  // threshold to the largest block freed so far and carve later ones out of the arenas,
  // where their memory stays after they are freed.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
  spdlog::set_default_logger(spdlog::stderr_color_mt("yishiting"));
  set_log_format();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "yishiting " YST_VERSION "\n";
    return 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "serve") return run_serve(args);
    if (cmd == "export") return run_export(args);
    if (cmd == "backup") return run_backup(args);
    if (cmd == "migrate") return run_migrate(args);
    if (cmd == "vocabulary") {
      std::cout << yst::vocabulary_js();
      return 0;
    }
    std::cerr << "unknown command: " << cmd << "\n\n" << kUsage;
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "yishiting " << cmd << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
