#pragma once
// /api/sessions/{id}/events: the events a viewer may see, from the room's history.
#include "server/api/ApiRequest.hpp"

namespace yst {

class EventsApi {
 public:
  explicit EventsApi(Hub& hub) : hub_(hub) {}
  void add_routes(ApiRouter& router);

  static constexpr int64_t kDefaultLimit = 100;
  static constexpr int64_t kMaxLimit = 1000;

 private:
  void list(const ApiRequest& req, HttpReply reply);

  Hub& hub_;
};

}  // namespace yst
