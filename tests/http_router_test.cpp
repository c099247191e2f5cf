// server/HttpRouter and server/QueryString: matching paths and methods, reading queries.
#include <gtest/gtest.h>

#include "server/HttpRouter.hpp"
#include "server/QueryString.hpp"

using namespace yst;

namespace {

using Router = HttpRouter<std::string>;  // a handler here is the route's name

Router table() {
  Router r;
  r.add({http::verb::get}, "/api/sessions", "list");
  r.add({http::verb::post}, "/api/sessions", "create");
  r.add({http::verb::get}, "/api/sessions/{id}", "snapshot");
  r.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/events", "events");
  return r;
}

std::string found(const Router& r, http::verb method, std::string_view path) {
  auto m = r.match(method, path);
  switch (m.outcome) {
    case Router::Match::Outcome::found: return *m.handler;
    case Router::Match::Outcome::wrong_method: return "405";
    case Router::Match::Outcome::unknown_path: return "404";
  }
  return "?";
}

}  // namespace

TEST(HttpRouter, MatchesMethodAndPathAndTellsAWrongMethodFromAnUnknownPath) {
  Router r = table();
  EXPECT_EQ(found(r, http::verb::get, "/api/sessions"), "list");
  EXPECT_EQ(found(r, http::verb::post, "/api/sessions"), "create");
  EXPECT_EQ(found(r, http::verb::put, "/api/sessions"), "405");
  EXPECT_EQ(found(r, http::verb::head, "/api/sessions/s1/events"), "events");
  EXPECT_EQ(found(r, http::verb::post, "/api/sessions/s1/events"), "405");
  EXPECT_EQ(found(r, http::verb::get, "/api/sessions/s1/events/extra"), "404");
  EXPECT_EQ(found(r, http::verb::get, "/api/sessions/"), "snapshot");  // an empty id is still a segment
  EXPECT_EQ(found(r, http::verb::get, "/api/sessions/s1/"), "404");
  EXPECT_EQ(found(r, http::verb::get, "/api/session"), "404");
  EXPECT_EQ(found(r, http::verb::get, "/api"), "404");
  EXPECT_EQ(found(r, http::verb::get, ""), "404");
}

TEST(HttpRouter, HandsTheParametersOverByNameAsTheyAppear) {
  Router r = table();
  auto m = r.match(http::verb::get, "/api/sessions/a%20b/events");
  ASSERT_EQ(m.outcome, Router::Match::Outcome::found);
  EXPECT_EQ(m.params["id"], "a%20b");
  EXPECT_EQ(m.params["other"], "");
}

TEST(QueryString, DecodesAndRefusesMalformedEscapes) {
  auto q = parse_query("after=5&limit=10&name=%E8%AE%AE+%41&&flag");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("after"), "5");
  EXPECT_EQ(q->at("name"), "议 A");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(parse_query("a=1&a=2")->at("a"), "2");
  EXPECT_FALSE(parse_query("after=%zz"));
  EXPECT_FALSE(parse_query("after=%2"));
  EXPECT_TRUE(parse_query("")->empty());
}
