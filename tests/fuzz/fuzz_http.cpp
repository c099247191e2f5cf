// libFuzzer target: the HTTP side, from raw bytes to the response.
//
// 1. The raw input goes into boost::beast::http::request_parser with the limits the
//    server sets (HttpConnection::do_read: header 8 KiB, body 64 KiB).
// 2. A request that parses is answered by the real HttpApi over a real Hub (SQLite in a
//    temporary directory, one live session with events, a member). The target-splitting
//    logic (path/query split and ".." in HttpApi, percent-decoding and the query parser
//    in QueryString, the route table in HttpRouter, the bearer token in api/ApiRequest)
//    is reached through HttpApi::handle(). To let the fuzzer reach the deep routes, "@S"
//    in the input is replaced by the session id, "@A" by the admin token, "@H" by the
//    host token and "@M" by the member token before parsing.
//    Invariants: reply is called exactly once; the status is one the contract lists
//    (never 5xx); an error body is {"error":{"code","message"}}; JSON bodies are valid
//    UTF-8 JSON; a GET never returns a participant's token it was not sent (corpus file
//    regress-token-in-path-echoed: "no session <the token you put in the path>" is fine).
// 3. StaticFiles::lookup() on the request path, over a temporary web directory next to
//    a secret file: it returns a file of the web directory or nothing, never the secret.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "server/HttpApi.hpp"
#include "server/Hub.hpp"
#include "server/StaticFiles.hpp"

using namespace yst;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz_http invariant broken: %s\n%s\n", what, detail.substr(0, 600).c_str());
  std::abort();
}

const char* kAdmin = "fuzz-admin-token-0123456789";

// Records what a Room sends to a connection (on the one io_context: shard 0).
struct Recorder : Peer {
  std::mutex m;
  std::vector<std::string> frames;
  size_t thread_index() const override { return 0; }
  bool deliver(Frame f, bool) override {
    std::lock_guard l(m);
    frames.emplace_back(text_of(f));
    return false;
  }
  void flush() override {}
  void join_refused() override {}
  void close(uint16_t, const char*) override {}
};

struct World {
  fs::path root;
  net::io_context ioc;
  std::unique_ptr<Hub> hub;
  std::unique_ptr<StaticFiles> files;
  std::unique_ptr<HttpApi> api;
  std::string sid, host_token, member_token;
  std::set<std::string> web_bodies;

  // Runs the io_context until `done` (set from any thread), bounded.
  template <class Pred>
  void run_until(Pred done, const char* what) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
      ioc.restart();
      ioc.poll();
      if (done()) break;
      if (std::chrono::steady_clock::now() > deadline) fail("timed out waiting for", what);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

  World() {
    spdlog::set_level(spdlog::level::off);
    const char* shm = fs::exists("/dev/shm") ? "/dev/shm" : nullptr;
    fs::path base = shm ? fs::path(shm) : fs::temp_directory_path();
    root = base / ("yst_fuzz_http." + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "web" / "assets");
    static fs::path cleanup = root;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(cleanup, ec);
    });
    auto put = [&](const fs::path& p, const std::string& body) {
      std::ofstream(p, std::ios::binary) << body;
    };
    for (const char* f : {"index.html", "admin.html", "audience.html", "host.html", "participant.html", "clerk.html",
                          "overlay.html", "favicon.ico", "robots.txt", "assets/app.js", "assets/style.css"}) {
      std::string body = std::string("WEBFILE ") + f + " 议事厅 " + std::string(300, 'x');
      put(root / "web" / f, body);
      web_bodies.insert(body);
    }
    put(root / "secret.txt", "SECRET-OUTSIDE-THE-WEB-ROOT");
    put(root / "web" / "assets" / ".." / ".." / "secret2.txt", "SECRET-OUTSIDE-THE-WEB-ROOT");

    Config cfg;
    cfg.data_dir = (root / "data").string();
    cfg.web_dir = (root / "web").string();
    cfg.admin_token = kAdmin;
    cfg.port = 8080;
    hub = std::make_unique<Hub>(ioc, cfg);
    hub->load();
    files = std::make_unique<StaticFiles>(root / "web");
    api = std::make_unique<HttpApi>(*hub, *files, false);

    // One live session with a few events and a member.
    bool created = false;
    std::mutex m;
    SessionInfo info;
    info.title = "模糊测试议事厅";
    info.topic = "加装电梯";
    hub->create_session(info, "主持人", [&](std::optional<Error> err, std::string id, std::string tok) {
      std::lock_guard l(m);
      if (err) fail("create_session", err->message);
      sid = id;
      host_token = tok;
      created = true;
    });
    run_until([&] { std::lock_guard l(m); return created; }, "create_session");
    bool added = false;
    Participant p;
    p.name = "李委员";
    p.role = Role::member;
    hub->add_participant(sid, p, [&](std::optional<Error> err, CreatedParticipant cp) {
      std::lock_guard l(m);
      if (err) fail("add_participant", err->message);
      member_token = cp.token;
      added = true;
    });
    run_until([&] { std::lock_guard l(m); return added; }, "add_participant");
    auto room = hub->room(sid);
    auto owner = hub->find_token(host_token);
    if (!room || !owner) fail("setup");
    auto peer = std::make_shared<Recorder>();
    Caller host{owner->participant.id, Role::host, owner->participant.name};
    room->join(peer, host, std::nullopt, json(0));
    auto say = [&](RequestType t, std::string text, int id) {
      Request r;
      r.type = t;
      r.text = std::move(text);
      room->request(peer, r, host, json(id));
      run_until([&] {
        std::lock_guard l(peer->m);
        for (const auto& f : peer->frames)
          if (f.find("\"id\":" + std::to_string(id)) != std::string::npos) return true;
        return false;
      }, "a request");
    };
    say(RequestType::start, "", 1);
    say(RequestType::say, "各位好，今天议一议加装电梯。", 2);
    say(RequestType::propose, "先征求全体住户意见", 3);
    say(RequestType::ask, "费用怎么分摊？", 4);
  }
};

World& world() {
  static World* w = new World();  // never destroyed: the writer thread outlives no one
  return *w;
}

std::string substitute(std::string s, const World& w) {
  auto rep = [&](const std::string& from, const std::string& to) {
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  };
  rep("@S", w.sid);
  rep("@A", kAdmin);
  rep("@H", w.host_token);
  rep("@M", w.member_token);
  return s;
}

void check_lookup(World& w, const std::string& path) {
  auto f = w.files->lookup(path);
  if (!f) return;
  if (f->body.find("SECRET") != std::string::npos) fail("StaticFiles served a file outside the web root", path);
  if (!w.web_bodies.count(f->body)) fail("StaticFiles served an unexpected file", path);
  if (path.find("..") != std::string::npos) fail("StaticFiles served a path with ..", path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();
  std::string raw = substitute(std::string(reinterpret_cast<const char*>(data), size), w);

  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  while (used < raw.size() && !parser.is_done()) {
    size_t n = parser.put(net::buffer(raw.data() + used, raw.size() - used), ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0) break;
    }
    if (ec) break;
    used += n;
  }
  if (!parser.is_header_done()) {
    // Not a request the server would answer; still probe the static lookup with the line.
    auto sp = raw.find(' ');
    if (sp != std::string::npos) check_lookup(w, raw.substr(sp + 1, raw.find(' ', sp + 1) - sp - 1));
    return 0;
  }
  if (ec || !parser.is_done()) return 0;
  HttpRequest req = parser.release();

  std::string target(req.target());
  check_lookup(w, target.substr(0, target.find('?')));

  std::mutex m;
  int calls = 0;
  HttpResponse res;
  // A client address of its own per input: wrong tokens from earlier inputs must not lock
  // later ones out of the deep routes (the table's bound is exercised on the way).
  static uint64_t inputs = 0;
  const std::string client = "fuzz-client-" + std::to_string(++inputs);
  w.api->handle(req, client, [&](HttpResponse r) {
    std::lock_guard l(m);
    ++calls;
    res = std::move(r);
  });
  w.run_until([&] { std::lock_guard l(m); return calls > 0; }, "the reply");
  w.ioc.restart();
  w.ioc.poll();
  {
    std::lock_guard l(m);
    if (calls != 1) fail("reply called more than once");
  }

  static const std::set<int> allowed = {200, 201, 304, 400, 401, 403, 404, 405, 409, 413, 429};
  const int status = static_cast<int>(res.result_int());
  const std::string& body = res.body();
  if (!allowed.count(status)) fail(("status " + std::to_string(status)).c_str(), target + "\n" + body);
  const std::string ct(res[http::field::content_type]);
  if (ct.rfind("application/json", 0) == 0) {
    json j;
    try {
      j = json::parse(body);  // strict: throws on invalid UTF-8 too
    } catch (const std::exception& e) {
      fail("a JSON response that is not JSON", e.what());
    }
    if (status >= 400) {
      if (!j.is_object() || !j.contains("error") || !j["error"].is_object() || !j["error"]["code"].is_string() ||
          !j["error"]["message"].is_string())
        fail("an error body without error.code and error.message", body);
    }
  } else if (status >= 400) {
    fail("an error that is not JSON", ct + "\n" + body);
  }
  // A token may come back only if the request carried it (an error message may quote
  // the path, e.g. "no session <what you sent>"); otherwise a GET must never reveal one.
  for (const std::string* tok : {&w.host_token, &w.member_token})
    if (req.method() == http::verb::get && body.find(*tok) != std::string::npos && raw.find(*tok) == std::string::npos)
      fail("a GET returned a participant's token", target);
  return 0;
}
