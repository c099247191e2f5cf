#pragma once
// /api/sessions/{id}/events: the events a viewer may see, from the room's history.
#include "server/api/ApiRequest.hpp"

namespace yst {

class Reader;

class EventsApi {
 public:
  EventsApi(Hub& hub, Reader& reader) : hub_(hub), reader_(reader) {}
  void add_routes(ApiRouter& router);

  static constexpr int64_t kDefaultLimit = 100;
  static constexpr int64_t kMaxLimit = 1000;

 private:
  void list(const ApiRequest& req, HttpReply reply);

  Hub& hub_;
  Reader& reader_;  // for events older than the room keeps in memory
};

}  // namespace yst
