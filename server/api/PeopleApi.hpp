#pragma once
// The people: the roster (/api/people), each person's record (/api/people/{id}/record,
// the roster's as /api/people/records.csv) and the topics the public proposes
// (/api/topics). Records are read from storage on the Reader's thread.
#include "server/api/ApiRequest.hpp"
#include "storage/Reader.hpp"

namespace yst {

class PeopleApi {
 public:
  PeopleApi(Hub& hub, Reader& reader) : hub_(hub), reader_(reader) {}
  void add_routes(ApiRouter& router);

 private:
  void create_person(const ApiRequest& req, HttpReply reply);
  void edit_person(const ApiRequest& req, HttpReply reply);
  void list_people(const ApiRequest& req, HttpReply reply);
  void record(const ApiRequest& req, HttpReply reply);
  void records_csv(const ApiRequest& req, HttpReply reply);
  void propose(const ApiRequest& req, HttpReply reply);
  void list_topics(const ApiRequest& req, HttpReply reply);
  void moderate(const ApiRequest& req, HttpReply reply);
  void support(const ApiRequest& req, HttpReply reply);

  Hub& hub_;
  Reader& reader_;
};

}  // namespace yst
