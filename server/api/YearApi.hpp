#pragma once
// The year around the broadcast: the consultation plan (/api/plan, /api/plan.ics), the
// commitments of every session (/api/commitments) and the participation statistics
// (/api/stats, /api/stats.csv). What spans sessions is read from storage on the Reader's
// thread, so no I/O thread replays a year of events.
#include "server/api/ApiRequest.hpp"
#include "storage/Reader.hpp"

namespace yst {

class YearApi {
 public:
  YearApi(Hub& hub, Reader& reader, bool tls) : hub_(hub), reader_(reader), tls_(tls) {}
  void add_routes(ApiRouter& router);

 private:
  void create_item(const ApiRequest& req, HttpReply reply);
  void edit_item(const ApiRequest& req, HttpReply reply);
  void list_plan(const ApiRequest& req, HttpReply reply);
  void calendar(const ApiRequest& req, HttpReply reply);
  void commitments(const ApiRequest& req, HttpReply reply);
  void stats(const ApiRequest& req, HttpReply reply, bool csv);

  Hub& hub_;
  Reader& reader_;
  bool tls_;
};

}  // namespace yst
