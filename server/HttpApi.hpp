#pragma once
// Answers every HTTP request that is not a WebSocket upgrade: the JSON API of the
// contract (through the route table; one handler per resource in server/api/), /healthz,
// /metrics and the pages.
#include <memory>
#include <string>

#include "server/HttpResponses.hpp"
#include "server/Net.hpp"
#include "server/StaticFiles.hpp"
#include "server/api/ApiRequest.hpp"
#include "server/api/EventsApi.hpp"
#include "server/api/MinutesApi.hpp"
#include "server/api/ParticipantsApi.hpp"
#include "server/api/PeopleApi.hpp"
#include "server/api/QrApi.hpp"
#include "server/api/SessionsApi.hpp"
#include "server/api/YearApi.hpp"
#include "storage/Reader.hpp"

namespace yst {

class Hub;

// Content-Security-Policy of every page: no inline script or style, nothing from
// elsewhere but the programme's own stream (video or iframe).
extern const char* const kPageCsp;

class HttpApi {
 public:
  // Opens a read connection of its own to the hub's database (see Reader).
  HttpApi(Hub& hub, StaticFiles& files, bool tls);

  // Answers one request from `client` (its address, as limits and logs know it: see
  // TrustedProxies). `reply` may be called on another thread, exactly once.
  void handle(const HttpRequest& req, const std::string& client, HttpReply reply);
  // Stops the storage reader: call it once the I/O threads have stopped and before their
  // pending handlers are destroyed, so no reply is posted to them afterwards.
  void stop();

  static HttpResponse error_response(const HttpRequest& req, ErrorCode code, const std::string& message,
                                     http::status status = http::status::unknown) {
    return yst::error_response(req, code, message, status);
  }

  // Longer request targets are refused outright.
  static constexpr size_t kMaxTargetBytes = 4096;

 private:
  void api(const HttpRequest& req, const std::string& client, const std::string& path, const std::string& query,
           HttpReply reply);
  void page(const HttpRequest& req, const std::string& path, HttpReply reply);

  Hub& hub_;
  StaticFiles& files_;
  Reader reader_;
  SessionsApi sessions_;
  ParticipantsApi participants_;
  EventsApi events_;
  MinutesApi minutes_;
  QrApi qr_;
  YearApi year_;
  PeopleApi people_;
  ApiRouter router_;
};

}  // namespace yst
