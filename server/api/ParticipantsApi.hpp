#pragma once
// /api/sessions/{id}/participants: the staff of a session (list, add).
#include "server/api/ApiRequest.hpp"

namespace yst {

class ParticipantsApi {
 public:
  ParticipantsApi(Hub& hub, bool tls) : hub_(hub), tls_(tls) {}
  void add_routes(ApiRouter& router);

 private:
  void list(const ApiRequest& req, HttpReply reply);
  void add(const ApiRequest& req, HttpReply reply);
  void replace_token(const ApiRequest& req, HttpReply reply);
  void edit(const ApiRequest& req, HttpReply reply);

  Hub& hub_;
  bool tls_;
};

}  // namespace yst
