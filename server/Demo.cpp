#include "server/Demo.hpp"

#include <future>
#include <optional>
#include <stdexcept>

#include "server/Hub.hpp"
#include "session/Vocabulary.hpp"

namespace yst {

namespace {
constexpr const char* kMetaKey = "demo_session";

struct DemoPerson {
  const char* name;
  Role role;
  const char* affiliation;
};
constexpr DemoPerson kPeople[] = {{"李委员", Role::member, "区政协委员"},
                                  {"张委员", Role::member, "区政协委员"},
                                  {"区住建局 陈科长", Role::department, "区住房和城乡建设局"},
                                  {"记录员 赵", Role::clerk, "区政协办公室"}};

// The writer thread owns the store, so even these go through it.
std::optional<std::string> read_meta(Writer& writer, const std::string& key) {
  std::optional<std::string> value;
  std::promise<void> read;
  writer.submit([&value, &key](Store& store) { value = store.meta(key); }, [&read](bool) { read.set_value(); });
  read.get_future().wait();
  return value;
}

void write_meta(Writer& writer, const std::string& key, const std::string& value) {
  std::promise<void> written;
  writer.submit([&key, &value](Store& store) { store.set_meta(key, value); },
                [&written](bool) { written.set_value(); });
  written.get_future().wait();
}

template <class T>
void settle(std::promise<T>& promise, const std::optional<Error>& err, T value) {
  if (err) promise.set_exception(std::make_exception_ptr(std::runtime_error(err->message)));
  else promise.set_value(std::move(value));
}

// Returns (session id, host token).
std::pair<std::string, std::string> create_demo_session(Hub& hub, const SessionInfo& info) {
  std::promise<std::pair<std::string, std::string>> created;
  auto f = created.get_future();
  hub.create_session(info, "主持人 王主持", [&created](std::optional<Error> err, std::string id, std::string token) {
    settle(created, err, std::pair{std::move(id), std::move(token)});
  });
  return f.get();
}

CreatedParticipant add_demo_person(Hub& hub, const std::string& sid, const DemoPerson& person) {
  std::promise<CreatedParticipant> added;
  auto f = added.get_future();
  hub.add_participant(sid, Participant{"", sid, person.role, person.name, person.affiliation},
                      [&added](std::optional<Error> err, CreatedParticipant cp) { settle(added, err, std::move(cp)); });
  return f.get();
}
}  // namespace

std::vector<std::string> ensure_demo(Hub& hub, const std::string& base_url) {
  std::vector<std::string> lines;
  if (auto existing = read_meta(hub.writer(), kMetaKey)) {
    lines.push_back("demo session " + *existing +
                    " exists already; its join links were printed when it was created (tokens are kept only as hashes)");
    return lines;
  }
  SessionInfo info;
  info.title = "有事来协商——委员议事厅（演示）";
  info.topic = "老旧小区加装电梯如何协商推进";
  auto [sid, host_token] = create_demo_session(hub, info);
  lines.push_back("demo session " + sid + ": " + info.title);
  lines.push_back("  audience:   " + base_url + "/s/" + sid);
  lines.push_back("  host:       " + base_url + "/host/" + sid + "#token=" + host_token);
  for (const auto& person : kPeople) {
    auto cp = add_demo_person(hub, sid, person);
    const std::string page(page_path(person.role));
    std::string label = std::string(to_string(person.role)) + ":";
    label.resize(12, ' ');
    lines.push_back("  " + label + base_url + page + sid + "#token=" + cp.token + "  (" + person.name + ")");
  }
  lines.push_back("  overlay:    " + base_url + "/overlay/" + sid);
  lines.push_back("  admin:      " + base_url + "/admin");
  write_meta(hub.writer(), kMetaKey, sid);
  return lines;
}

}  // namespace yst
