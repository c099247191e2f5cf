// Shape validation of client requests: what is bad_request before any state is looked at.
#include <gtest/gtest.h>

#include "session/Request.hpp"

using namespace yst;

namespace {
std::optional<ErrorCode> error_of(const std::string& frame) {
  auto p = parse_request(frame);
  return p.error ? std::optional(p.error->code) : std::nullopt;
}
}  // namespace

TEST(Request, ParsesAudienceAndStaffJoins) {
  auto a = parse_request(R"({"type":"join","id":1,"session":"s1","role":"audience","name":"听众","client_id":"abcdEFGH_-12","after":7})");
  ASSERT_FALSE(a.error) << a.error->message;
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(a.request->claimed_role, Role::audience);
  EXPECT_EQ(*a.request->after, 7);
  auto s = parse_request(R"({"type":"join","id":"x","session":"s1","token":"tok"})");
  ASSERT_FALSE(s.error);
  EXPECT_EQ(s.request->token, "tok");
  EXPECT_EQ(s.id, "x");
}

TEST(Request, BadShapesAreBadRequest) {
  for (const char* f : {
           "not json",
           "[1,2]",
           "\"text\"",
           "{}",
           R"({"type":7})",
           R"({"type":"dance"})",
           R"({"type":"say"})",
           R"({"type":"say","text":5})",
           R"({"type":"say","text":""})",
           R"({"type":"say","text":"a\u0001b"})",
           R"({"type":"ask","text":null})",
           R"({"type":"upvote"})",
           R"({"type":"moderate","question":"q1","action":"delete"})",
           R"({"type":"vote","point":"pt1","choice":"maybe"})",
           R"({"type":"floor"})",
           R"({"type":"join","session":"s1"})",
           R"({"type":"join","session":"s1","role":"host","name":"x","client_id":"abcdefgh"})",
           R"({"type":"join","session":"s1","role":"audience","name":"x","client_id":"short"})",
           R"({"type":"join","session":"s1","role":"audience","name":"x","client_id":"has space!"})",
           R"({"type":"join","session":"s1","role":"audience","name":"","client_id":"abcdefgh"})",
           R"({"type":"join","session":"s1","token":"t","after":-1})",
           R"({"type":"join","session":"s1","token":"t","after":"3"})",
           R"({"type":"ping","id":{"a":1}})",
           R"({"type":"ping","id":1.5})",
       }) {
    EXPECT_EQ(error_of(f), ErrorCode::bad_request) << f;
  }
}

TEST(Request, LengthsCountCharactersNotBytes) {
  std::string two_thousand_chinese;
  for (int i = 0; i < 2000; ++i) two_thousand_chinese += "议";
  EXPECT_FALSE(error_of(R"({"type":"say","text":")" + two_thousand_chinese + "\"}"));
  EXPECT_EQ(error_of(R"({"type":"say","text":")" + two_thousand_chinese + "议\"}"), ErrorCode::bad_request);
  std::string name32;
  for (int i = 0; i < 32; ++i) name32 += "名";
  EXPECT_FALSE(error_of(R"({"type":"join","session":"s","role":"audience","client_id":"abcdefgh","name":")" + name32 + "\"}"));
  EXPECT_EQ(error_of(R"({"type":"ask","text":")" + std::string(501, 'a') + "\"}"), ErrorCode::bad_request);
}

TEST(Request, TabNewlineAndCarriageReturnAreAllowedOtherControlsNot) {
  EXPECT_FALSE(error_of(R"({"type":"say","text":"a\tb\nc\r"})"));
  EXPECT_EQ(error_of(R"({"type":"say","text":"a\u007fb"})"), ErrorCode::bad_request);
  EXPECT_EQ(error_of(R"({"type":"say","text":"a\u0085b"})"), ErrorCode::bad_request);
  EXPECT_EQ(error_of(R"({"type":"say","text":"\u0000"})"), ErrorCode::bad_request);
}

TEST(Request, NestingDeeperThan32IsRefused) {
  std::string ok = R"({"type":"ping","x":)" + std::string(30, '[') + std::string(30, ']') + "}";
  EXPECT_FALSE(error_of(ok));
  std::string deep = R"({"type":"ping","x":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_EQ(error_of(deep), ErrorCode::bad_request);
  std::string very_deep = std::string(100000, '[');
  EXPECT_EQ(error_of(very_deep), ErrorCode::bad_request);
}

TEST(Request, TypeIsReportedEvenWhenFieldsAreBad) {
  auto p = parse_request(R"({"type":"say","id":9})");
  EXPECT_EQ(p.type, "say");
  EXPECT_EQ(p.id, 9);
  ASSERT_TRUE(p.error);
}

TEST(Request, FloorNullReleases) {
  auto p = parse_request(R"({"type":"floor","participant":null})");
  ASSERT_FALSE(p.error);
  EXPECT_FALSE(p.request->participant.has_value());
}

TEST(Request, NumbersNoDoubleCanHoldAreBadRequestAndKeepTheirType) {
  auto p = parse_request(R"({"type":"join","session":"s1","token":"t","after":1e400})");
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->code, ErrorCode::bad_request);
  EXPECT_EQ(p.type, "join");  // so a joining client hears bad_request, not not_joined
  auto q = parse_request(R"({"after":-1e400,"type":"say"})");
  ASSERT_TRUE(q.error);
  EXPECT_EQ(q.type, "");  // the type came after the refusal: unknown
}

TEST(Request, CommitmentsAndCaseTextHaveTheContractsShapes) {
  auto c = parse_request(R"({"type":"commit","text":"年底前完成加装","department":"p1","due":"2026-12-31","question":"q2"})");
  ASSERT_FALSE(c.error) << c.error->message;
  EXPECT_EQ(c.request->department, "p1");
  EXPECT_EQ(c.request->due, "2026-12-31");
  EXPECT_EQ(c.request->question, "q2");
  auto u = parse_request(R"({"type":"update_commitment","commitment":"c1","status":"done","text":"已完成"})");
  ASSERT_FALSE(u.error) << u.error->message;
  EXPECT_EQ(u.request->progress_status, "done");
  auto t = parse_request(R"({"type":"case_text","section":"lessons","text":"事前调研要早"})");
  ASSERT_FALSE(t.error) << t.error->message;
  EXPECT_EQ(t.request->section, "lessons");
  for (const char* f : {
           R"({"type":"commit"})",
           R"({"type":"commit","text":""})",
           R"({"type":"commit","text":"x","due":"2026-02-30"})",
           R"({"type":"commit","text":"x","due":"31/12/2026"})",
           R"({"type":"commit","text":"x","department":7})",
           R"({"type":"update_commitment","commitment":"c1","status":"open","text":"x"})",
           R"({"type":"update_commitment","commitment":"c1","status":"done"})",
           R"({"type":"update_commitment","status":"done","text":"x"})",
           R"({"type":"case_text","section":"summary","text":"x"})",
           R"({"type":"case_text","section":"background"})",
       })
    EXPECT_EQ(error_of(f), ErrorCode::bad_request) << f;
  EXPECT_FALSE(error_of(R"({"type":"commit","text":"x","due":"2028-02-29"})")) << "a leap day is a date";
  EXPECT_EQ(error_of(R"({"type":"commit","text":"x","due":"2026-02-29"})"), ErrorCode::bad_request);
  EXPECT_EQ(error_of(R"({"type":"commit","text":")" + std::string(501, 'x') + R"("})"), ErrorCode::bad_request);
}
