#include "session/Request.hpp"

#include "session/Text.hpp"

namespace yst {

std::string_view to_string(RequestType t) {
  switch (t) {
    case RequestType::join: return "join";
    case RequestType::start: return "start";
    case RequestType::end: return "end";
    case RequestType::say: return "say";
    case RequestType::ask: return "ask";
    case RequestType::upvote: return "upvote";
    case RequestType::moderate: return "moderate";
    case RequestType::merge: return "merge";
    case RequestType::raise_hand: return "raise_hand";
    case RequestType::lower_hand: return "lower_hand";
    case RequestType::on_air: return "on_air";
    case RequestType::submit_minutes: return "submit_minutes";
    case RequestType::approve_minutes: return "approve_minutes";
    case RequestType::floor: return "floor";
    case RequestType::propose: return "propose";
    case RequestType::vote: return "vote";
    case RequestType::close_point: return "close_point";
    case RequestType::note: return "note";
    case RequestType::commit: return "commit";
    case RequestType::update_commitment: return "update_commitment";
    case RequestType::case_text: return "case_text";
    case RequestType::ping: return "ping";
  }
  return "ping";
}

std::optional<RequestType> request_type_from_string(std::string_view s) {
  for (RequestType t : kAllRequestTypes)
    if (to_string(t) == s) return t;
  return std::nullopt;
}

std::string_view to_string(Choice c) {
  switch (c) {
    case Choice::agree: return "agree";
    case Choice::disagree: return "disagree";
    case Choice::abstain: return "abstain";
  }
  return "abstain";
}

namespace {

struct TooDeep {};

// An unknown type is echoed in the error at most this long.
constexpr size_t kEchoedTypeBytes = 40;

Error bad(std::string message) { return Error{ErrorCode::bad_request, std::move(message)}; }

// Reads field `key` as a string. Returns an error message, or empty on success.
std::optional<Error> get_string(const json& obj, const char* key, std::string& out, bool required,
                                size_t min_chars, size_t max_chars) {
  auto it = obj.find(key);
  if (it == obj.end() || (it->is_null() && !required)) {
    if (required) return bad(std::string("missing field: ") + key);
    return std::nullopt;
  }
  if (!it->is_string()) return bad(std::string(key) + " must be a string");
  const auto& s = it->get_ref<const std::string&>();
  size_t n = utf8_length(s);
  if (n < min_chars || n > max_chars)
    return bad(std::string(key) + " must be " + std::to_string(min_chars) + "-" + std::to_string(max_chars) +
               " characters");
  if (has_forbidden_control(s)) return bad(std::string(key) + " contains control characters");
  out = s;
  return std::nullopt;
}

std::optional<Error> get_id(const json& obj, const char* key, std::string& out) {
  return get_string(obj, key, out, true, 1, kMaxIdChars);
}

std::optional<Error> get_seconds(const json& obj, std::optional<int>& out) {
  auto it = obj.find("seconds");
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < kMinFloorSeconds || it->get<int64_t>() > kMaxFloorSeconds)
    return bad("seconds must be an integer from " + std::to_string(kMinFloorSeconds) + " to " +
               std::to_string(kMaxFloorSeconds));
  out = it->get<int>();
  return std::nullopt;
}

bool valid_client_id(std::string_view s) {
  if (s.size() < kMinClientIdChars || s.size() > kMaxClientIdChars) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

std::optional<Error> parse_join(const json& obj, Request& r) {
  if (auto e = get_id(obj, "session", r.session)) return e;
  if (auto it = obj.find("after"); it != obj.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) return bad("after must be a non-negative integer");
    r.after = it->get<int64_t>();
  }
  if (auto it = obj.find("batch"); it != obj.end()) {
    if (!it->is_boolean()) return bad("batch must be a boolean");
    r.batch = it->get<bool>();
  }
  if (obj.contains("token")) return get_string(obj, "token", r.token, true, 1, kMaxTokenChars);
  std::string role;
  if (auto e = get_string(obj, "role", role, true, 1, kMaxKeywordChars))
    return bad("missing token (staff) or role (audience)");
  if (role == "overlay") {
    r.claimed_role = Role::overlay;
    return std::nullopt;
  }
  if (role != "audience") return bad("role must be \"audience\" or \"overlay\"; staff join with a token");
  r.claimed_role = Role::audience;
  if (auto e = get_string(obj, "name", r.name, true, 1, kMaxNameChars)) return e;
  if (auto e = get_string(obj, "client_id", r.client_id, true, kMinClientIdChars, kMaxClientIdChars)) return e;
  if (!valid_client_id(r.client_id))
    return bad("client_id must be " + std::to_string(kMinClientIdChars) + "-" +
               std::to_string(kMaxClientIdChars) + " of [A-Za-z0-9_-]");
  return std::nullopt;
}

std::optional<Error> parse_fields(const json& obj, Request& r) {
  switch (r.type) {
    case RequestType::join:
      return parse_join(obj, r);
    case RequestType::start:
    case RequestType::end:
    case RequestType::submit_minutes:
    case RequestType::approve_minutes:
    case RequestType::ping:
      return std::nullopt;
    case RequestType::say:
      if (auto e = get_string(obj, "text", r.text, true, 1, kMaxSayChars)) return e;
      return get_string(obj, "reply_to", r.reply_to, false, 1, kMaxIdChars);
    case RequestType::ask:
      return get_string(obj, "text", r.text, true, 1, kMaxAskChars);
    case RequestType::upvote:
      return get_id(obj, "question", r.question);
    case RequestType::moderate: {
      if (auto e = get_id(obj, "question", r.question)) return e;
      std::string action;
      if (auto e = get_string(obj, "action", action, true, 1, kMaxKeywordChars)) return e;
      if (action == "approve") r.action = ModerateAction::approve;
      else if (action == "reject") r.action = ModerateAction::reject;
      else if (action == "feature") r.action = ModerateAction::feature;
      else if (action == "unfeature") r.action = ModerateAction::unfeature;
      else if (action == "answered") r.action = ModerateAction::answered;
      else return bad("action must be approve, reject, feature, unfeature or answered");
      return get_string(obj, "reason", r.reason, false, 0, kMaxReasonChars);
    }
    case RequestType::merge:
      if (auto e = get_id(obj, "question", r.question)) return e;
      return get_id(obj, "into", r.into);
    case RequestType::raise_hand:
      return get_string(obj, "note", r.text, false, 0, kMaxHandNoteChars);
    case RequestType::lower_hand: {
      std::string p;
      if (auto e = get_string(obj, "participant", p, false, 1, kMaxIdChars)) return e;
      if (!p.empty()) r.participant = p;
      return std::nullopt;
    }
    case RequestType::floor: {
      auto it = obj.find("participant");
      if (it == obj.end()) return bad("missing field: participant (null releases the floor)");
      if (auto e = get_seconds(obj, r.seconds)) return e;
      if (it->is_null()) return std::nullopt;
      std::string p;
      if (auto e = get_id(obj, "participant", p)) return e;
      r.participant = p;
      return std::nullopt;
    }
    case RequestType::on_air: {
      std::string at;
      if (auto e = get_string(obj, "at", at, false, 1, kMaxTimeChars)) return e;
      if (at.empty()) return std::nullopt;
      r.at_ms = parse_iso8601_ms(at);
      if (!r.at_ms) return bad("at must be an ISO 8601 time, e.g. 2026-11-26T21:30:00Z");
      return std::nullopt;
    }
    case RequestType::propose:
      return get_string(obj, "text", r.text, true, 1, kMaxProposeChars);
    case RequestType::vote: {
      if (auto e = get_id(obj, "point", r.point)) return e;
      std::string choice;
      if (auto e = get_string(obj, "choice", choice, true, 1, kMaxKeywordChars)) return e;
      if (choice == "agree") r.choice = Choice::agree;
      else if (choice == "disagree") r.choice = Choice::disagree;
      else if (choice == "abstain") r.choice = Choice::abstain;
      else return bad("choice must be agree, disagree or abstain");
      return std::nullopt;
    }
    case RequestType::close_point:
      return get_id(obj, "point", r.point);
    case RequestType::note:
      return get_string(obj, "text", r.text, true, 1, kMaxNoteChars);
    case RequestType::commit:
      if (auto e = get_string(obj, "text", r.text, true, 1, kMaxCommitChars)) return e;
      if (auto e = get_string(obj, "department", r.department, false, 1, kMaxIdChars)) return e;
      if (auto e = get_string(obj, "question", r.question, false, 1, kMaxIdChars)) return e;
      if (auto e = get_string(obj, "due", r.due, false, 1, kMaxKeywordChars)) return e;
      if (!r.due.empty() && !is_calendar_date(r.due)) return bad("due must be a date YYYY-MM-DD");
      return std::nullopt;
    case RequestType::update_commitment:
      if (auto e = get_id(obj, "commitment", r.commitment)) return e;
      if (auto e = get_string(obj, "status", r.progress_status, true, 1, kMaxKeywordChars)) return e;
      if (r.progress_status != "in_progress" && r.progress_status != "done")
        return bad("status must be in_progress or done");
      return get_string(obj, "text", r.text, true, 1, kMaxProgressChars);
    case RequestType::case_text:
      if (auto e = get_string(obj, "section", r.section, true, 1, kMaxKeywordChars)) return e;
      if (r.section != "background" && r.section != "lessons") return bad("section must be background or lessons");
      return get_string(obj, "text", r.text, true, 1, kMaxCaseTextChars);
  }
  return bad("unknown type");
}

// Reads the top-level "type" of a document that json::parse refused, as far as the
// document goes before the refusal (the error path only).
class TypeSniffer : public nlohmann::json_sax<json> {
 public:
  std::string type;
  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool string(string_t& s) override {
    if (depth_ == 1 && type_key_ && type.empty()) type = s;
    return scalar();
  }
  bool binary(binary_t&) override { return scalar(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    type_key_ = depth_ == 1 && k == "type";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool scalar() {
    type_key_ = false;
    return true;
  }
  bool open() {
    type_key_ = false;
    return ++depth_ <= kMaxJsonDepth;
  }
  bool close() {
    --depth_;
    return true;
  }
  int depth_ = 0;
  bool type_key_ = false;
};

std::string sniff_type(std::string_view frame) {
  TypeSniffer sniffer;
  json::sax_parse(frame, &sniffer, json::input_format_t::json, false);
  return sniffer.type;
}

}  // namespace

ParsedRequest parse_request(std::string_view frame) {
  ParsedRequest out;
  json doc;
  try {
    // The callback sees every nesting level as it opens, so an absurdly deep document
    // is refused before it is built.
    doc = json::parse(frame, [](int depth, json::parse_event_t ev, json&) {
      if ((ev == json::parse_event_t::object_start || ev == json::parse_event_t::array_start) &&
          depth >= kMaxJsonDepth)
        throw TooDeep{};
      return true;
    });
  } catch (const TooDeep&) {
    out.error = bad("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return out;
  } catch (const json::out_of_range&) {
    // Well-formed JSON holding a number no double can hold (1e400). It is still a
    // request of some type, which decides between not_joined and bad_request.
    out.type = sniff_type(frame);
    out.error = bad("a number is out of range");
    return out;
  } catch (const json::exception&) {
    out.error = bad("not JSON");
    return out;
  }
  if (!doc.is_object()) {
    out.error = bad("a request must be a JSON object");
    return out;
  }
  if (auto it = doc.find("id"); it != doc.end()) {
    if (it->is_string() || it->is_number_integer()) {
      if (it->is_string() && (it->get_ref<const std::string&>().size() > kMaxRequestIdBytes ||
                              has_forbidden_control(it->get_ref<const std::string&>()))) {
        out.error =
            bad("id must be a string of at most " + std::to_string(kMaxRequestIdBytes) + " bytes or an integer");
        return out;
      }
      out.id = *it;
    } else if (!it->is_null()) {
      out.error = bad("id must be a string or an integer");
      return out;
    }
  }
  auto type_it = doc.find("type");
  if (type_it == doc.end() || !type_it->is_string()) {
    out.error = bad("missing field: type");
    return out;
  }
  out.type = type_it->get<std::string>();
  auto type = request_type_from_string(out.type);
  if (!type) {
    out.error = bad("unknown type: " + out.type.substr(0, kEchoedTypeBytes));
    return out;
  }
  Request r;
  r.type = *type;
  if (auto e = parse_fields(doc, r)) {
    out.error = std::move(e);
    return out;
  }
  out.request = std::move(r);
  return out;
}

}  // namespace yst
