#pragma once
// /api/sessions (list, create) and /api/sessions/{id} (the public snapshot).
#include "server/api/ApiRequest.hpp"

namespace yst {

class SessionsApi {
 public:
  SessionsApi(Hub& hub, bool tls) : hub_(hub), tls_(tls) {}
  void add_routes(ApiRouter& router);

 private:
  void list(const ApiRequest& req, HttpReply reply);
  void create(const ApiRequest& req, HttpReply reply);
  void snapshot(const ApiRequest& req, HttpReply reply);
  void edit(const ApiRequest& req, HttpReply reply);

  Hub& hub_;
  bool tls_;
};

}  // namespace yst
