#include "session/year/Topics.hpp"

#include "session/Request.hpp"
#include "session/Text.hpp"

namespace yst {

namespace {
constexpr size_t kMaxTitleChars = 60;
constexpr size_t kMaxTextChars = 1000;
constexpr size_t kMaxReplyChars = 1000;

std::optional<std::string> text_field(const json& body, const char* key, size_t min_chars, size_t max_chars,
                                      std::string& out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return min_chars > 0 ? std::optional<std::string>("missing field: " + std::string(key)) : std::nullopt;
  if (!it->is_string()) return std::string(key) + " must be a string";
  const auto& s = it->get_ref<const std::string&>();
  const size_t n = utf8_length(s);
  if (n < min_chars || n > max_chars || has_forbidden_control(s))
    return std::string(key) + " must be " + std::to_string(min_chars) + "-" + std::to_string(max_chars) + " characters";
  out = s;
  return std::nullopt;
}
}  // namespace

std::optional<std::string> read_new_topic(const json& body, Topic& topic, std::string& client_id) {
  for (const auto& [key, value] : body.items())
    if (key != "title" && key != "text" && key != "name" && key != "client_id") return "unknown field: " + key;
  if (auto err = text_field(body, "title", 1, kMaxTitleChars, topic.title)) return err;
  if (auto err = text_field(body, "text", 1, kMaxTextChars, topic.text)) return err;
  if (auto err = text_field(body, "name", 1, kMaxNameChars, topic.name)) return err;
  if (auto err = text_field(body, "client_id", kMinClientIdChars, kMaxClientIdChars, client_id)) return err;
  for (char c : client_id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return "client_id must be " + std::to_string(kMinClientIdChars) + "-" + std::to_string(kMaxClientIdChars) +
             " of [A-Za-z0-9_-]";
  return std::nullopt;
}

std::optional<std::string> apply_topic_moderation(const json& body, Topic& topic) {
  for (const auto& [key, value] : body.items())
    if (key != "status" && key != "reply" && key != "plan_item") return "unknown field: " + key;
  std::string status;
  if (auto err = text_field(body, "status", 1, 16, status)) return err;
  if (status != "pending" && status != "open" && status != "rejected" && status != "adopted" && status != "declined")
    return "status must be open, rejected, adopted or declined";
  std::string reply = topic.reply, plan_item;
  if (body.contains("reply"))
    if (auto err = text_field(body, "reply", 0, kMaxReplyChars, reply)) return err;
  if (auto err = text_field(body, "plan_item", 0, 64, plan_item)) return err;
  if (status == "adopted" && plan_item.empty()) return "an adopted topic names its plan_item";
  topic.status = status;
  topic.reply = reply;
  topic.plan_item = status == "adopted" ? plan_item : std::string();
  return std::nullopt;
}

bool is_public(const Topic& topic) {
  return topic.status == "open" || topic.status == "adopted" || topic.status == "declined";
}

json topic_json(const Topic& topic) {
  return json{{"id", topic.id},
              {"title", topic.title},
              {"text", topic.text},
              {"name", topic.name},
              {"status", topic.status},
              {"flagged", topic.flagged},
              {"support", topic.support()},
              {"reply", to_json_nonempty(topic.reply)},
              {"plan_item", to_json_nonempty(topic.plan_item)},
              {"created_at", format_time_ms(topic.created_ms)}};
}

bool topic_order(const Topic& a, const Topic& b) {
  if (a.support() != b.support()) return a.support() > b.support();
  if (a.created_ms != b.created_ms) return a.created_ms < b.created_ms;
  return a.id < b.id;
}

}  // namespace yst
