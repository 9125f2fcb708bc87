#include "api/user_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace skydir::api {
namespace {

namespace json = boost::json;
using directory::User;
using directory::UserState;

TEST(UserToJsonTest, UsesJumpCloudNames) {
  User u;
  u.id = "0123456789abcdef01234567";
  u.username = "ada";
  u.email = "ada@example.com";
  u.first_name = "Ada";
  u.title = "Engineer";
  u.employee_number = "E1";
  u.phone = "+1 555";
  u.mobile = "+1 666";
  u.password_hash = "{ARGON2}secret";
  u.state = UserState::kActivated;
  u.unix_uid = 5001;
  u.attributes["costCenter"] = "42";
  json::object o = UserToJson(u);
  EXPECT_EQ(o.at("_id"), o.at("id"));
  EXPECT_EQ(o.at("username").as_string(), "ada");
  EXPECT_EQ(o.at("firstname").as_string(), "Ada");
  EXPECT_EQ(o.at("jobTitle").as_string(), "Engineer");
  EXPECT_EQ(o.at("employeeIdentifier").as_string(), "E1");
  EXPECT_TRUE(o.at("activated").as_bool());
  EXPECT_FALSE(o.at("suspended").as_bool());
  EXPECT_EQ(o.at("state").as_string(), "ACTIVATED");
  EXPECT_EQ(o.at("unix_uid").to_number<int>(), 5001);
  EXPECT_EQ(o.at("phoneNumbers"), json::parse(R"([{"type":"work","number":"+1 555"},
                                                  {"type":"mobile","number":"+1 666"}])"));
  EXPECT_EQ(o.at("attributes"), json::parse(R"([{"name":"costCenter","value":"42"}])"));
  EXPECT_FALSE(o.contains("password"));
  for (const auto& member : o) {
    EXPECT_EQ(std::string_view(member.key()).find("password"), std::string_view::npos);
    EXPECT_EQ(member.value().is_string() &&
                  member.value().as_string().find("ARGON2") != json::string::npos,
              false);
  }
}

TEST(ParseUserCreateTest, ReadsFieldsAndPassword) {
  auto in = ParseUserCreate(json::parse(R"({"username": "bob", "email": "b@x.org",
      "firstname": "Bob", "password": "pw", "ldap_binding_user": true, "unix_uid": 7000,
      "phoneNumbers": [{"type": "mobile", "number": "123"}], "attributes": []})"),
                            true);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(*in->username, "bob");
  EXPECT_EQ(*in->first_name, "Bob");
  EXPECT_EQ(*in->password, "pw");
  EXPECT_TRUE(*in->ldap_binding_user);
  EXPECT_EQ(*in->unix_uid, 7000u);
  EXPECT_EQ(*in->mobile, "123");
  EXPECT_EQ(*in->phone, "");
}

void ExpectFieldError(std::string_view body, std::string_view field) {
  auto in = ParseUserCreate(json::parse(body), true);
  ASSERT_FALSE(in.ok()) << body;
  EXPECT_EQ(in.status().code(), Code::kConstraintViolation);
  EXPECT_EQ(in.status().message().rfind(std::string(field) + ":", 0), 0u) << in.status().message();
}

TEST(ParseUserCreateTest, RefusesUnknownAndMistypedFields) {
  ExpectFieldError(R"({"username": "a", "nickname": "x"})", "nickname");
  ExpectFieldError(R"({"username": 5})", "username");
  ExpectFieldError(R"({"unix_uid": -1})", "unix_uid");
  ExpectFieldError(R"({"unix_uid": 4294967296})", "unix_uid");
  ExpectFieldError(R"({"ldap_binding_user": "yes"})", "ldap_binding_user");
  ExpectFieldError(R"({"phoneNumbers": [{"type": "fax", "number": "1"}]})", "phoneNumbers[0].type");
  ExpectFieldError(R"({"phoneNumbers": [{"type": "work", "number": "1", "x": 1}]})",
                   "phoneNumbers[0].x");
  ExpectFieldError(R"({"attributes": [{"name": "a", "value": "b"}]})", "attributes");
  ExpectFieldError(R"({"activated": true})", "activated");
  ExpectFieldError(R"({"suspended": true, "password": "x"})", "suspended");
  auto not_object = ParseUserCreate(json::parse("[1]"), true);
  EXPECT_EQ(not_object.status().message().rfind("body:", 0), 0u);
}

TEST(ResolveStateChangeTest, MapsStateFieldsOntoThePatch) {
  User staged;
  User active;
  active.state = UserState::kActivated;
  User suspended;
  suspended.state = UserState::kSuspended;

  UserUpdate up;
  up.suspended = true;
  ASSERT_TRUE(ResolveStateChange(active, up).ok());
  EXPECT_EQ(up.patch.state, UserState::kSuspended);

  up = UserUpdate{};
  up.suspended = false;
  ASSERT_TRUE(ResolveStateChange(suspended, up).ok());
  EXPECT_EQ(up.patch.state, UserState::kActivated);

  up = UserUpdate{};
  up.suspended = false;  // already not suspended: nothing to do
  ASSERT_TRUE(ResolveStateChange(staged, up).ok());
  EXPECT_FALSE(up.patch.state.has_value());
  EXPECT_FALSE(up.HasFieldChanges());

  up = UserUpdate{};
  up.activated = false;
  EXPECT_EQ(ResolveStateChange(active, up).code(), Code::kUnwillingToPerform);

  up = UserUpdate{};
  up.activated = true;
  up.password = "new";
  ASSERT_TRUE(ResolveStateChange(staged, up).ok());
  EXPECT_FALSE(up.patch.state.has_value());  // SetPassword activates

  up = UserUpdate{};
  up.account_locked = true;
  EXPECT_EQ(ResolveStateChange(active, up).code(), Code::kConstraintViolation);
  User locked = active;
  locked.account_locked = true;
  up = UserUpdate{};
  up.account_locked = false;
  ASSERT_TRUE(ResolveStateChange(locked, up).ok());
  EXPECT_TRUE(up.patch.unlock);
}

}  // namespace
}  // namespace skydir::api

namespace skydir::api {
namespace {

TEST(UserFieldsToJsonTest, ComputesOnlyTheNamedFieldsAsUserToJsonDoes) {
  directory::User u;
  u.id = "0123456789abcdef01234567";
  u.username = "ada";
  u.state = directory::UserState::kSuspended;
  boost::json::object few = UserFieldsToJson(u, {"state", "username"});
  EXPECT_EQ(few.size(), 2u);
  boost::json::object all = UserToJson(u);
  EXPECT_EQ(few.at("state"), all.at("state"));
  EXPECT_EQ(few.at("username"), all.at("username"));
  EXPECT_EQ(all.size(), UserJsonFields().size());
}

}  // namespace
}  // namespace skydir::api
