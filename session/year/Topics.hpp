#pragma once
// Topics proposed by the public (议题征集): how "群众所盼" reaches the year's plan.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "session/Types.hpp"

namespace yst {

struct Topic {
  std::string id;
  std::string title;
  std::string text;
  std::string name;
  std::string proposer;  // SHA-256 of the proposing device's client_id
  std::string status = "pending";  // pending, open, rejected, adopted, declined
  bool flagged = false;
  std::string reply;
  std::string plan_item;
  int64_t created_ms = 0;
  std::set<std::string> supporters;  // SHA-256 of the supporting devices' client_ids
  int support() const { return static_cast<int>(supporters.size()); }
};

inline constexpr int64_t kProposeIntervalMs = 10 * 60 * 1000;  // one proposal per device per 10 minutes

// POST /api/topics {title, text, name, client_id}; the message to answer 400 with.
std::optional<std::string> read_new_topic(const json& body, Topic& topic, std::string& client_id);
// PATCH /api/topics/{id} {status, reply?, plan_item?}: adopted needs a plan_item (the
// caller checks that it exists); the message to answer 400 with.
std::optional<std::string> apply_topic_moderation(const json& body, Topic& topic);
// What anyone may see: open, adopted and declined topics.
bool is_public(const Topic& topic);
json topic_json(const Topic& topic);
// Most supported first, then oldest first.
bool topic_order(const Topic& a, const Topic& b);

}  // namespace yst
