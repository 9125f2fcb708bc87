#include "http/session_store.h"

#include <gtest/gtest.h>

namespace skydir::http {
namespace {

using namespace std::chrono_literals;

TEST(SessionStoreTest, IdleSessionsEndAndActivityExtends) {
  SessionStore::Clock::time_point now{};
  SessionStore store(60s, 10, [&] { return now; });
  std::string id = store.Create({"org", "user", "alice", ""});
  EXPECT_EQ(id.size(), 64u);
  auto s = store.Touch(id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->csrf_token.size(), 64u);
  EXPECT_NE(s->csrf_token, id);
  now += 50s;
  EXPECT_TRUE(store.Touch(id));  // activity moves the deadline
  now += 50s;
  EXPECT_TRUE(store.Touch(id));
  now += 61s;
  EXPECT_FALSE(store.Touch(id));
  EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStoreTest, FullStoreDropsTheLeastRecentlyUsed) {
  SessionStore::Clock::time_point now{};
  SessionStore store(3600s, 2, [&] { return now; });
  std::string a = store.Create({"o", "a", "a", ""});
  now += 1s;
  std::string b = store.Create({"o", "b", "b", ""});
  now += 1s;
  store.Touch(a);
  std::string c = store.Create({"o", "c", "c", ""});
  EXPECT_TRUE(store.Touch(a));
  EXPECT_FALSE(store.Touch(b));
  EXPECT_TRUE(store.Touch(c));
}

TEST(SessionStoreTest, DestroyEndsASession) {
  SessionStore store(60s, 10);
  std::string id = store.Create({"o", "u", "u", ""});
  store.Destroy(id);
  EXPECT_FALSE(store.Touch(id));
  EXPECT_FALSE(store.Touch(""));
}

TEST(SessionStoreTest, CookieValueAndSecretsEqual) {
  EXPECT_EQ(CookieValue("a=1; skydir_session=abc; b=2", "skydir_session"), "abc");
  EXPECT_EQ(CookieValue("xskydir_session=abc", "skydir_session"), "");
  EXPECT_EQ(CookieValue("", "skydir_session"), "");
  EXPECT_TRUE(SecretsEqual("abc", "abc"));
  EXPECT_FALSE(SecretsEqual("abc", "abd"));
  EXPECT_FALSE(SecretsEqual("", ""));
}

}  // namespace
}  // namespace skydir::http
