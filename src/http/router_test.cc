#include "http/router.h"

#include <gtest/gtest.h>

namespace skydir::http {
namespace {

Handler Answer(std::string text) {
  return [text](const Request&) { return TextResponse(text); };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Verb::get, "/api/systemusers", Answer("list"));
    router_.Add(Verb::post, "/api/systemusers", Answer("create"));
    router_.Add(Verb::get, "/api/systemusers/{id}", Answer("get"));
    router_.Add(Verb::put, "/api/systemusers/{id}", Answer("put"));
    router_.Add(Verb::get, "/api/v2/usergroups/{id}/members", Answer("members"));
    router_.Add(Verb::get, "/api/v2/usergroups/special", Answer("literal"));
  }
  Router router_;
};

TEST_F(RouterTest, FindsLiteralRoute) {
  auto m = router_.Find(Verb::post, "/api/systemusers");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->handler(Request{}).body, "create");
}

TEST_F(RouterTest, CapturesParameters) {
  auto m = router_.Find(Verb::get, "/api/v2/usergroups/abc123/members");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.params.at("id"), "abc123");
}

TEST_F(RouterTest, IgnoresTrailingSlash) {
  auto m = router_.Find(Verb::get, "/api/systemusers/");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/systemusers");
}

TEST_F(RouterTest, LiteralBeatsParameter) {
  router_.Add(Verb::get, "/api/v2/usergroups/{id}", Answer("group"));
  auto m = router_.Find(Verb::get, "/api/v2/usergroups/special");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v2/usergroups/special");
  m = router_.Find(Verb::get, "/api/v2/usergroups/other");
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v2/usergroups/{id}");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(router_.Find(Verb::get, "/api/nothing").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router_.Find(Verb::get, "/api/systemusers/a/b").outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router_.Find(Verb::get, "/").outcome, Router::Outcome::kNotFound);
}

TEST_F(RouterTest, WrongMethodListsAllowed) {
  auto m = router_.Find(Verb::delete_, "/api/systemusers");
  ASSERT_EQ(m.outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(Router::AllowHeader(m.allowed), "GET, POST");
  m = router_.Find(Verb::patch, "/api/systemusers/x");
  ASSERT_EQ(m.outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(Router::AllowHeader(m.allowed), "GET, PUT");
}

TEST(SplitPathTest, DropsEmptySegments) {
  auto parts = SplitPath("/a//b/");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[1], "b");
}

}  // namespace
}  // namespace skydir::http
