#include "common/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace skydir {
namespace {

TEST(LogTest, JsonEscaping) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(LogTest, InvalidUtf8IsReplaced) {
  std::string out;
  AppendJsonString(out, "ok\xff\xc3\xa9");
  EXPECT_EQ(out, "\"ok\xEF\xBF\xBD\xC3\xA9\"");
}

TEST(LogTest, WritesOneJsonObjectPerLine) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  SetLogFd(fds[1]);
  LogInfo("ldap.bind", {{"dn", std::string_view("uid=a")}, {"ok", true}, {"ms", int64_t{3}}});
  SetLogFd(2);
  close(fds[1]);
  char buf[512];
  ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  ASSERT_GT(n, 0);
  std::string line(buf, static_cast<size_t>(n));
  EXPECT_NE(line.find("\"event\":\"ldap.bind\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"dn\":\"uid=a\",\"ok\":true,\"ms\":3}"), std::string::npos) << line;
  EXPECT_EQ(line.back(), '\n');
}

TEST(LogTest, LevelFiltering) {
  LogLevel l;
  ASSERT_TRUE(ParseLogLevel("warn", &l));
  EXPECT_EQ(l, LogLevel::kWarn);
  EXPECT_FALSE(ParseLogLevel("loud", &l));
}

}  // namespace
}  // namespace skydir
