#include "scim/resources.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace skydir::scim {
namespace {

namespace json = boost::json;

directory::User Ada() {
  directory::User u;
  u.id = "5f0c1a2b3c4d5e6f7a8b9c0d";
  u.username = "ada";
  u.email = "ada@example.com";
  u.first_name = "Ada";
  u.last_name = "Lovelace";
  u.title = "Engineer";
  u.department = "R&D";
  u.phone = "+44 20 7946 0000";
  return u;
}

TEST(UserResourceTest, CarriesTheCoreAndEnterpriseAttributes) {
  json::object o = UserResource(Ada(), true);
  EXPECT_EQ(o.at("userName"), "ada@example.com");
  EXPECT_EQ(o.at("externalId"), "5f0c1a2b3c4d5e6f7a8b9c0d");
  EXPECT_EQ(o.at("displayName"), "Ada Lovelace");
  EXPECT_EQ(o.at("name").at("givenName"), "Ada");
  const json::object& email = o.at("emails").as_array()[0].as_object();
  EXPECT_EQ(email.at("primary"), true);
  EXPECT_EQ(email.at("value"), "ada@example.com");
  EXPECT_EQ(o.at(kEnterpriseSchema).at("department"), "R&D");
  EXPECT_FALSE(o.at(kEnterpriseSchema).as_object().contains("employeeNumber"));
  EXPECT_EQ(o.at("schemas").as_array().size(), 2u);
  EXPECT_EQ(o.at("active"), true);
}

TEST(UserPatchOpsTest, ReplacesChangedPathsAndRemovesClearedOnes) {
  directory::User before = Ada();
  directory::User after = before;
  after.first_name = "Augusta";
  after.title.clear();
  after.department = "Math";
  json::array ops = UserPatchOps(UserResource(before, true), UserResource(after, true));
  std::string text = json::serialize(ops);
  EXPECT_NE(text.find(R"({"op":"replace","path":"name.givenName","value":"Augusta"})"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(std::string(R"("path":")") + std::string(kEnterpriseSchema) +
                      ":department"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"({"op":"remove","path":"title"})"), std::string::npos) << text;
  EXPECT_EQ(text.find("userName"), std::string::npos) << text;
  EXPECT_EQ(ops.size(), 4u) << text;  // givenName, displayName, department, title
}

TEST(UserPatchOpsTest, UnknownBeforeReplacesEverything) {
  json::array ops = UserPatchOps(json::object{}, UserResource(Ada(), false));
  std::string text = json::serialize(ops);
  EXPECT_NE(text.find(R"({"op":"replace","path":"active","value":false})"), std::string::npos);
  EXPECT_NE(text.find(R"("path":"userName")"), std::string::npos);
  EXPECT_EQ(text.find(R"("path":"schemas")"), std::string::npos);
}

TEST(GroupResourceTest, MembersAreSortedWithDisplay) {
  json::object g = GroupResource("eng", "gid", {{"u-2", "b@x.io"}, {"u-1", "a@x.io"}});
  EXPECT_EQ(json::serialize(g.at("members")),
            R"([{"value":"u-1","display":"a@x.io"},{"value":"u-2","display":"b@x.io"}])");
}

TEST(FilterTest, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(EqFilter("displayName", R"(a "b" \c)"), R"(displayName eq "a \"b\" \\c")");
}

TEST(FindListedTest, TrustsOnlyAMatchingResource) {
  // A target that ignores the filter answers everyone: only the exact match counts.
  const std::string body =
      R"({"Resources":[{"id":"om_1","userName":"bob@x.io"},{"id":7,"userName":"ADA@x.io"}]})";
  EXPECT_EQ(FindListed(body, "userName", "ada@x.io"), "7");
  EXPECT_EQ(FindListed(body, "userName", "eve@x.io"), std::nullopt);
  EXPECT_EQ(FindListed("not json", "userName", "ada@x.io"), std::nullopt);
  EXPECT_EQ(ResourceId(R"({"id":"u-1"})"), "u-1");
  EXPECT_EQ(ResourceId(R"({"id":""})"), std::nullopt);
}

TEST(ErrorDetailTest, PrefersTheScimDetail) {
  EXPECT_EQ(ErrorDetail(R"({"detail":"emails.0.primary: Required","scimType":"invalidValue"})"),
            "emails.0.primary: Required (invalidValue)");
  EXPECT_EQ(ErrorDetail("<html>\nboom"), "<html> boom");
}

}  // namespace
}  // namespace skydir::scim
