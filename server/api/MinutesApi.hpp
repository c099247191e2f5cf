#pragma once
// /api/sessions/{id}/minutes, /case, /chapters.vtt and /verify. They read what storage holds,
// not the room's memory: the minutes must agree with the stored events, and verify must
// see an edit made behind the server's back. Both run on the storage Reader's thread, so
// neither the reading nor the rendering holds up an I/O thread.
#include "server/api/ApiRequest.hpp"
#include "storage/Reader.hpp"

namespace yst {

class MinutesApi {
 public:
  MinutesApi(Hub& hub, Reader& reader) : hub_(hub), reader_(reader) {}
  void add_routes(ApiRouter& router);

 private:
  void minutes(const ApiRequest& req, HttpReply reply);
  void case_report(const ApiRequest& req, HttpReply reply);
  void chapters(const ApiRequest& req, HttpReply reply);
  void verify(const ApiRequest& req, HttpReply reply);

  Hub& hub_;
  Reader& reader_;
};

}  // namespace yst
