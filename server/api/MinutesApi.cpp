#include "server/api/MinutesApi.hpp"

#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "session/minutes/Minutes.hpp"
#include "storage/MinutesLoader.hpp"

namespace yst {

namespace {
// Runs `read` on the reader thread and answers with what it returns; a failure to read is
// logged and answered with a 500 that names no detail.
template <class Read>
void answer_from_storage(Reader& reader, const ApiRequest& req, HttpReply reply, const char* what, Read read) {
  reader.submit([request = req.http, reply = std::move(reply), sid = req.path["id"], what, read](Store& db) {
    HttpResponse res;
    try {
      res = read(db, request, sid);
    } catch (const std::exception& e) {
      spdlog::error("{} of session {}: {}", what, sid, e.what());
      res = error_response(request, ErrorCode::internal, "could not read the stored events");
    }
    reply(std::move(res));
  });
}
}  // namespace

void MinutesApi::add_routes(ApiRouter& router) {
  router.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/minutes",
             [this](auto& req, auto reply) { minutes(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/case",
             [this](auto& req, auto reply) { case_report(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/chapters.vtt",
             [this](auto& req, auto reply) { chapters(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/verify",
             [this](auto& req, auto reply) { verify(req, std::move(reply)); });
}

namespace {
// Answers with what `render` makes of the session's minutes input, as the caller may see
// it: staff get every stored event, anyone else (once the session has ended) the public
// edition (or, with `renderer_edits`, the whole session marked for the public: the renderer
// makes the edition itself).
template <class Render>
void answer_with_edition(Hub& hub, Reader& reader, const ApiRequest& req, HttpReply reply, const char* what,
                         Render render, bool renderer_edits = false) {
  const Viewer viewer = viewer_for(hub, req.http, req.path["id"]);
  if (auto refused = may_read_minutes(viewer, req.room->summary().status))
    return reply(error_response(req.http, *refused));
  answer_from_storage(reader, req, std::move(reply), what,
                      [now_ms = hub.now_ms(), full = is_staff(viewer), render, renderer_edits](
                          Store& db, const HttpRequest& request, const std::string& sid) {
                        auto in = load_minutes(db, sid, now_ms);
                        if (!in) return error_response(request, ErrorCode::not_found, "no session " + sid);
                        if (!full && renderer_edits)
                          in->edition = MinutesEdition::audience;
                        else if (!full)
                          in = public_edition(std::move(*in));
                        return render(request, *in);
                      });
}
}  // namespace

void MinutesApi::minutes(const ApiRequest& req, HttpReply reply) {
  std::optional<MinutesFormat> format = MinutesFormat::md;
  if (auto it = req.query.find("format"); it != req.query.end()) format = minutes_format_from_string(it->second);
  if (!format) return reply(error_response(req.http, ErrorCode::bad_request, "format must be md, html, json, csv or docx"));
  answer_with_edition(hub_, reader_, req, std::move(reply), "minutes",
                      [format = *format](const HttpRequest& request, const MinutesInput& in) {
                        auto res = make_response(request, http::status::ok, render_minutes(in, format),
                                                 std::string(content_type(format)));
                        res.set(http::field::content_disposition, content_disposition(in, format));
                        return res;
                      });
}

void MinutesApi::case_report(const ApiRequest& req, HttpReply reply) {
  std::optional<CaseFormat> format = CaseFormat::md;
  if (auto it = req.query.find("format"); it != req.query.end()) format = case_format_from_string(it->second);
  if (!format) return reply(error_response(req.http, ErrorCode::bad_request, "format must be md, html or docx"));
  answer_with_edition(
      hub_, reader_, req, std::move(reply), "case report",
      [format = *format](const HttpRequest& request, const MinutesInput& in) {
        const MinutesFormat as = format == CaseFormat::md     ? MinutesFormat::md
                                 : format == CaseFormat::html ? MinutesFormat::html
                                                              : MinutesFormat::docx;
        auto res = make_response(request, http::status::ok, render_case(in, format), std::string(content_type(as)));
        res.set(http::field::content_disposition, case_content_disposition(in, format));
        return res;
      },
      true);
}

void MinutesApi::chapters(const ApiRequest& req, HttpReply reply) {
  answer_with_edition(hub_, reader_, req, std::move(reply), "chapters",
                      [](const HttpRequest& request, const MinutesInput& in) {
                        return make_response(request, http::status::ok, render_chapters(in), "text/vtt; charset=utf-8");
                      });
}

void MinutesApi::verify(const ApiRequest& req, HttpReply reply) {
  answer_from_storage(reader_, req, std::move(reply), "verify",
                      [](Store& db, const HttpRequest& request, const std::string& sid) {
                        auto check = verify_chain(db.events(sid));
                        return json_response(request, http::status::ok,
                                             json{{"ok", check.ok},
                                                  {"events", check.events},
                                                  {"head", check.head},
                                                  {"first_bad_seq", check.first_bad_seq ? json(*check.first_bad_seq)
                                                                                        : json(nullptr)}});
                      });
}

}  // namespace yst
