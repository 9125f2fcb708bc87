// The API end to end without sockets: router, dispatcher and handlers over a real Admin.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/api.h"
#include "http/dispatcher.h"
#include "service/admin_test_util.h"

namespace skydir::api {
namespace {

namespace json = boost::json;
using http::Verb;

class ApiRoutesTest : public service::AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    auto key = admin_->CreateApiKey(org_, "test", directory::ApiKeyRole::kAdmin);
    ASSERT_TRUE(key.ok());
    key_ = key->secret;
    auto other = admin_->CreateOrg("globex");
    ASSERT_TRUE(other.ok());
    other_key_ = other->api_key.secret;
    auth_ = std::make_unique<http::ApiKeyAuthenticator>(
        [this](std::string_view s) { return admin_->AuthenticateApiKey(s); }, settings_.http);
    limiter_ = std::make_unique<http::RateLimiter>(0, 1);
    ctx_ =
        std::make_unique<ApiContext>(ApiContext{*admin_, [] { return Status(); }, auth_.get()});
    AddApiRoutes(router_, *ctx_);
    dispatcher_ = std::make_unique<http::Dispatcher>(router_, *auth_, *limiter_);
  }

  struct Answer {
    http::HttpStatus status;
    json::value body;
    http::Response raw;
  };

  Answer Call(Verb verb, const std::string& target, const std::string& body = "",
              const std::string* key = nullptr) {
    http::WireRequest req{verb, target, 11};
    req.set("x-api-key", key ? *key : key_);
    if (!body.empty()) {
      req.set(boost::beast::http::field::content_type, "application/json");
      req.body() = body;
    }
    auto prepared = dispatcher_->Prepare(req, "127.0.0.1");
    http::Response r = std::holds_alternative<http::Response>(prepared)
                           ? std::get<http::Response>(prepared)
                           : dispatcher_->Execute(std::get<http::Call>(prepared));
    json::value parsed;
    if (!r.body.empty()) parsed = json::parse(r.body);
    return Answer{r.status, parsed, r};
  }

  std::string key_, other_key_;
  std::unique_ptr<http::ApiKeyAuthenticator> auth_;
  std::unique_ptr<http::RateLimiter> limiter_;
  std::unique_ptr<ApiContext> ctx_;
  http::Router router_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
};

TEST_F(ApiRoutesTest, UserLifecycle) {
  auto created = Call(Verb::post, "/api/systemusers",
                      R"({"username":"ada","email":"ada@example.com","firstname":"Ada",
                          "lastname":"Lovelace","password":"correct horse battery",
                          "ldap_binding_user":true})");
  ASSERT_EQ(created.status, http::HttpStatus::ok) << json::serialize(created.body);
  std::string id(created.body.at("id").as_string());
  EXPECT_EQ(created.body.at("_id").as_string(), id);
  EXPECT_TRUE(created.body.at("activated").as_bool());
  EXPECT_EQ(created.body.at("displayname").as_string(), "Ada Lovelace");

  auto staged = Call(Verb::post, "/api/systemusers", R"({"username":"bob","email":"b@x.org"})");
  ASSERT_EQ(staged.status, http::HttpStatus::ok);
  EXPECT_FALSE(staged.body.at("activated").as_bool());
  EXPECT_EQ(staged.body.at("state").as_string(), "STAGED");

  auto put = Call(Verb::put, "/api/systemusers/" + id, R"({"jobTitle":"Countess"})");
  ASSERT_EQ(put.status, http::HttpStatus::ok);
  EXPECT_EQ(put.body.at("jobTitle").as_string(), "Countess");
  EXPECT_EQ(put.body.at("firstname").as_string(), "Ada");  // untouched

  auto list = Call(Verb::get, "/api/systemusers?filter=username:$eq:ada&fields=username");
  ASSERT_EQ(list.status, http::HttpStatus::ok);
  EXPECT_EQ(list.body.at("totalCount").to_number<int>(), 1);
  EXPECT_EQ(list.body.at("results").at(0).at("username").as_string(), "ada");

  auto dup = Call(Verb::post, "/api/systemusers", R"({"username":"ada","email":"z@x.org"})");
  EXPECT_EQ(dup.status, http::HttpStatus::conflict);
  auto unknown = Call(Verb::post, "/api/systemusers", R"({"username":"c","shoe":1})");
  EXPECT_EQ(unknown.status, http::HttpStatus::bad_request);
  EXPECT_EQ(unknown.body.at("message").as_string().find("shoe"), 0u);

  EXPECT_EQ(Call(Verb::get, "/api/systemusers/" + id, "", &other_key_).status,
            http::HttpStatus::not_found);
  EXPECT_EQ(Call(Verb::delete_, "/api/systemusers/" + id).status, http::HttpStatus::ok);
  EXPECT_EQ(Call(Verb::get, "/api/systemusers/" + id).status, http::HttpStatus::not_found);
}

TEST_F(ApiRoutesTest, PasswordActivatesStagedUser) {
  auto staged = Call(Verb::post, "/api/systemusers", R"({"username":"eve","email":"e@x.org"})");
  std::string id(staged.body.at("id").as_string());
  auto weak = Call(Verb::put, "/api/systemusers/" + id, R"({"password":"x","jobTitle":"a"})");
  EXPECT_EQ(weak.status, http::HttpStatus::bad_request);
  EXPECT_EQ(Call(Verb::get, "/api/systemusers/" + id).body.at("jobTitle").as_string(), "");
  auto put = Call(Verb::put, "/api/systemusers/" + id,
                  R"({"password":"correct horse battery","activated":true})");
  ASSERT_EQ(put.status, http::HttpStatus::ok) << json::serialize(put.body);
  EXPECT_EQ(put.body.at("state").as_string(), "ACTIVATED");
  auto suspend = Call(Verb::put, "/api/systemusers/" + id, R"({"suspended":true})");
  EXPECT_EQ(suspend.body.at("state").as_string(), "SUSPENDED");
}

TEST_F(ApiRoutesTest, GroupsMembersAndLdap) {
  std::string user(MakeUser("ann", true).id);
  auto outer = Call(Verb::post, "/api/v2/usergroups",
                    R"({"name":"eng","attributes":{"posixGroups":[{"id":7000}]}})");
  ASSERT_EQ(outer.status, http::HttpStatus::created) << json::serialize(outer.body);
  EXPECT_EQ(outer.body.at("attributes").at("posixGroups").at(0).at("id").to_number<int>(), 7000);
  std::string outer_id(outer.body.at("id").as_string());
  std::string inner_id(
      Call(Verb::post, "/api/v2/usergroups", R"({"name":"backend"})").body.at("id").as_string());

  auto add = [&](const std::string& group, const std::string& type, const std::string& id) {
    return Call(Verb::post, "/api/v2/usergroups/" + group + "/members",
                R"({"op":"add","type":")" + type + R"(","id":")" + id + "\"}")
        .status;
  };
  EXPECT_EQ(add(inner_id, "user", user), http::HttpStatus::no_content);
  EXPECT_EQ(add(outer_id, "user_group", inner_id), http::HttpStatus::no_content);
  EXPECT_EQ(add(inner_id, "user_group", outer_id), http::HttpStatus::conflict);  // a cycle

  auto membership = Call(Verb::get, "/api/v2/usergroups/" + outer_id + "/membership");
  ASSERT_EQ(membership.status, http::HttpStatus::ok);
  ASSERT_EQ(membership.body.as_array().size(), 1u);
  EXPECT_EQ(membership.body.at(0).at("id").as_string(), user);
  EXPECT_EQ(membership.body.at(0).at("paths").at(0).as_array().size(), 2u);
  EXPECT_EQ(membership.raw.Header("x-total-count"), "1");

  auto memberof = Call(Verb::get, "/api/v2/users/" + user + "/memberof");
  EXPECT_EQ(memberof.body.as_array().size(), 2u);

  auto list = Call(Verb::get, "/api/v2/usergroups?filter=name:eq:eng");
  EXPECT_EQ(list.body.as_array().size(), 1u);
  EXPECT_EQ(list.raw.Header("x-total-count"), "1");

  auto servers = Call(Verb::get, "/api/v2/ldapservers");
  ASSERT_EQ(servers.body.as_array().size(), 1u);
  std::string ldap(servers.body.at(0).at("id").as_string());
  auto assoc = Call(Verb::post, "/api/v2/ldapservers/" + ldap + "/associations",
                    R"({"op":"add","type":"user_group","id":")" + outer_id + "\"}");
  EXPECT_EQ(assoc.status, http::HttpStatus::no_content);
  auto listed = Call(Verb::get, "/api/v2/ldapservers/" + ldap + "/associations?targets=user_group");
  EXPECT_EQ(listed.body.at(0).at("to").at("id").as_string(), outer_id);
  auto back =
      Call(Verb::get, "/api/v2/usergroups/" + outer_id + "/associations?targets=ldap_server");
  EXPECT_EQ(back.body.at(0).at("to").at("type").as_string(), "ldap_server");
  EXPECT_EQ(Call(Verb::get, "/api/v2/ldapservers/" + ldap + "/associations").status,
            http::HttpStatus::bad_request);

  auto patch =
      Call(Verb::patch, "/api/v2/ldapservers/" + ldap, R"({"userLockoutAction":"remove"})");
  ASSERT_EQ(patch.status, http::HttpStatus::ok);
  EXPECT_EQ(patch.body.at("userLockoutAction").as_string(), "remove");
  EXPECT_EQ(Call(Verb::patch, "/api/v2/ldapservers/" + ldap, R"({"userLockoutAction":"x"})").status,
            http::HttpStatus::bad_request);
  // The other org sees none of it.
  EXPECT_EQ(Call(Verb::get, "/api/v2/usergroups/" + outer_id, "", &other_key_).status,
            http::HttpStatus::not_found);
  EXPECT_EQ(Call(Verb::get, "/api/v2/ldapservers/" + ldap, "", &other_key_).status,
            http::HttpStatus::not_found);
}

TEST_F(ApiRoutesTest, ApiKeysAndOrganization) {
  auto org = Call(Verb::get, "/api/organizations");
  EXPECT_EQ(org.body.at("results").at(0).at("id").as_string(), org_);
  auto created = Call(Verb::post, "/api/v2/apikeys", R"({"name":"ci","role":"read-only"})");
  ASSERT_EQ(created.status, http::HttpStatus::created);
  std::string secret(created.body.at("secret").as_string());
  EXPECT_EQ(Call(Verb::get, "/api/systemusers", "", &secret).status, http::HttpStatus::ok);
  EXPECT_EQ(Call(Verb::post, "/api/v2/usergroups", R"({"name":"x"})", &secret).status,
            http::HttpStatus::forbidden);
  auto keys = Call(Verb::get, "/api/v2/apikeys");
  for (const auto& k : keys.body.as_array()) EXPECT_FALSE(k.as_object().contains("secret"));
  std::string id(created.body.at("id").as_string());
  EXPECT_EQ(Call(Verb::delete_, "/api/v2/apikeys/" + id).status, http::HttpStatus::no_content);
  EXPECT_EQ(Call(Verb::get, "/api/systemusers", "", &secret).status,
            http::HttpStatus::unauthorized);
}

}  // namespace
}  // namespace skydir::api
