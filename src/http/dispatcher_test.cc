#include "http/dispatcher.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace skydir::http {
namespace {

namespace bhttp = boost::beast::http;

// Keys: "org-key" (org A), "ro-key" (org A, read-only), "op-key" (operator).
Result<directory::ApiKey> FakeVerify(std::string_view secret) {
  directory::ApiKey key;
  key.id = std::string(secret) + "-id";
  if (secret == "org-key") {
    key.org_id = "A";
  } else if (secret == "ro-key") {
    key.org_id = "A";
    key.role = directory::ApiKeyRole::kReadOnly;
  } else if (secret == "op-key") {
    key.role = directory::ApiKeyRole::kOperator;
  } else {
    return skydir::Status(Code::kInvalidCredentials, "invalid");
  }
  return key;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest()
      // A frozen clock: no token comes back between requests, however slow the machine is.
      : auth_(FakeVerify, settings_),
        limiter_(1000, 3, 100000, [] { return RateLimiter::Clock::time_point{}; }),
        dispatcher_(router_, auth_, limiter_) {
    router_.Add(Verb::get, "/things/{id}", [](const Request& r) {
      boost::json::object o;
      o["id"] = r.Param("id");
      o["org"] = r.principal.org_id;
      o["q"] = r.Query("q").value_or("");
      return JsonResponse(o);
    });
    router_.Add(Verb::post, "/things",
                [](const Request& r) { return JsonResponse(r.body, HttpStatus::created); });
    router_.Add(Verb::get, "/boom", [](const Request&) -> Response {
      return JsonResponse(boost::json::value().as_object());  // throws
    });
    AddHealth();
  }
  void AddHealth() {
    RouteOptions open;
    open.authenticated = false;
    open.inline_handler = true;
    router_.Add(
        Verb::get, "/healthz", [](const Request&) { return TextResponse("ok"); }, open);
  }

  Response Run(WireRequest req) {
    auto prepared = dispatcher_.Prepare(req, "127.0.0.1");
    if (auto* r = std::get_if<Response>(&prepared)) return *r;
    return dispatcher_.Execute(std::get<Call>(prepared));
  }

  static WireRequest Make(Verb verb, std::string target, std::string key = "org-key") {
    WireRequest req{verb, target, 11};
    if (!key.empty()) req.set("x-api-key", key);
    return req;
  }

  static std::string Message(const Response& r) {
    return std::string(boost::json::parse(r.body).at("message").as_string());
  }

  HttpSettings settings_;
  Router router_;
  ApiKeyAuthenticator auth_;
  RateLimiter limiter_;
  Dispatcher dispatcher_;
};

TEST_F(DispatcherTest, RoutesWithParamsQueryAndOrg) {
  Response r = Run(Make(Verb::get, "/things/x%20y?q=a%26b"));
  ASSERT_EQ(r.status, HttpStatus::ok) << r.body;
  auto body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("id").as_string(), "x y");
  EXPECT_EQ(body.at("org").as_string(), "A");
  EXPECT_EQ(body.at("q").as_string(), "a&b");
}

TEST_F(DispatcherTest, NotFoundAndMethodNotAllowed) {
  EXPECT_EQ(Run(Make(Verb::get, "/nothing")).status, HttpStatus::not_found);
  Response r = Run(Make(Verb::delete_, "/things"));
  EXPECT_EQ(r.status, HttpStatus::method_not_allowed);
  EXPECT_EQ(r.Header("Allow"), "POST");
}

TEST_F(DispatcherTest, RefusesNonJsonBodies) {
  WireRequest req = Make(Verb::post, "/things");
  req.set(bhttp::field::content_type, "text/plain");
  req.body() = "{}";
  EXPECT_EQ(Run(req).status, HttpStatus::unsupported_media_type);
  req.set(bhttp::field::content_type, "application/json; charset=utf-8");
  req.body() = "{bad";
  Response r = Run(req);
  EXPECT_EQ(r.status, HttpStatus::bad_request);
  EXPECT_EQ(Message(r).rfind("body:", 0), 0u);
  req.body() = R"({"a":1})";
  EXPECT_EQ(Run(req).status, HttpStatus::created);
}

TEST_F(DispatcherTest, AuthenticationAndOrgSelection) {
  EXPECT_EQ(Run(Make(Verb::get, "/things/1", "")).status, HttpStatus::unauthorized);
  EXPECT_EQ(Run(Make(Verb::get, "/things/1", "wrong")).status, HttpStatus::unauthorized);
  WireRequest other = Make(Verb::get, "/things/1");
  other.set("x-org-id", "B");
  EXPECT_EQ(Run(other).status, HttpStatus::forbidden);
  WireRequest same = Make(Verb::get, "/things/1");
  same.set("x-org-id", "A");
  EXPECT_EQ(Run(same).status, HttpStatus::ok);
  Response no_org = Run(Make(Verb::get, "/things/1", "op-key"));
  EXPECT_EQ(no_org.status, HttpStatus::bad_request);
  EXPECT_EQ(Message(no_org).rfind("x-org-id:", 0), 0u);
  WireRequest op = Make(Verb::get, "/things/1", "op-key");
  op.set("x-org-id", "B");
  Response r = Run(op);
  ASSERT_EQ(r.status, HttpStatus::ok);
  EXPECT_EQ(boost::json::parse(r.body).at("org").as_string(), "B");
}

TEST_F(DispatcherTest, ReadOnlyKeysOnlyRead) {
  EXPECT_EQ(Run(Make(Verb::get, "/things/1", "ro-key")).status, HttpStatus::ok);
  EXPECT_EQ(Run(Make(Verb::post, "/things", "ro-key")).status, HttpStatus::forbidden);
}

TEST_F(DispatcherTest, RateLimitAnswers429WithRetryAfter) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Run(Make(Verb::get, "/things/1")).status, HttpStatus::ok);
  Response r = Run(Make(Verb::get, "/things/1"));
  EXPECT_EQ(r.status, HttpStatus::too_many_requests);
  EXPECT_EQ(r.Header("Retry-After"), "1");
}

TEST_F(DispatcherTest, HandlerExceptionsBecome500) {
  Response r = Run(Make(Verb::get, "/boom"));
  EXPECT_EQ(r.status, HttpStatus::internal_server_error);
}

TEST_F(DispatcherTest, HealthNeedsNoKey) {
  Response r = Run(Make(Verb::get, "/healthz", ""));
  EXPECT_EQ(r.status, HttpStatus::ok);
  EXPECT_EQ(r.body, "ok");
}

}  // namespace
}  // namespace skydir::http

namespace skydir::http {
namespace {

// A console session authorizes like an org admin key; writes need its CSRF token.
class SessionDispatcherTest : public DispatcherTest {
 protected:
  SessionDispatcherTest()
      : sessions_(std::chrono::seconds(60), 10),
        with_sessions_(router_, auth_, limiter_, &sessions_) {
    id_ = sessions_.Create({"A", "u1", "alice", ""});
    csrf_ = sessions_.Touch(id_)->csrf_token;
  }
  Response RunSession(Verb verb, std::string target, std::string cookie, std::string csrf) {
    WireRequest req{verb, target, 11};
    if (!cookie.empty()) req.set(bhttp::field::cookie, "other=1; skydir_session=" + cookie);
    if (!csrf.empty()) req.set("x-csrf-token", csrf);
    if (verb == Verb::post) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = "{}";
      req.prepare_payload();
    }
    auto prepared = with_sessions_.Prepare(req, "127.0.0.1");
    if (auto* r = std::get_if<Response>(&prepared)) return *r;
    return with_sessions_.Execute(std::get<Call>(prepared));
  }
  SessionStore sessions_;
  Dispatcher with_sessions_;
  std::string id_, csrf_;
};

TEST_F(SessionDispatcherTest, CookieActsOnTheSessionsOrg) {
  Response r = RunSession(Verb::get, "/things/1", id_, "");
  ASSERT_EQ(r.status, HttpStatus::ok) << r.body;
  EXPECT_EQ(boost::json::parse(r.body).at("org").as_string(), "A");
}

TEST_F(SessionDispatcherTest, WritesNeedTheCsrfToken) {
  EXPECT_EQ(RunSession(Verb::post, "/things", id_, "").status, HttpStatus::forbidden);
  Response wrong = RunSession(Verb::post, "/things", id_, "nope");
  EXPECT_EQ(wrong.status, HttpStatus::forbidden);
  EXPECT_EQ(Message(wrong).rfind("x-csrf-token:", 0), 0u);
  EXPECT_EQ(RunSession(Verb::post, "/things", id_, csrf_).status, HttpStatus::created);
}

TEST_F(SessionDispatcherTest, UnknownOrEndedSessionIs401) {
  EXPECT_EQ(RunSession(Verb::get, "/things/1", "forged", "").status, HttpStatus::unauthorized);
  sessions_.Destroy(id_);
  EXPECT_EQ(RunSession(Verb::get, "/things/1", id_, "").status, HttpStatus::unauthorized);
}

TEST_F(SessionDispatcherTest, ApiKeysStillWork) {
  WireRequest req = Make(Verb::get, "/things/1");
  auto prepared = with_sessions_.Prepare(req, "127.0.0.1");
  ASSERT_TRUE(std::holds_alternative<Call>(prepared));
  EXPECT_EQ(with_sessions_.Execute(std::get<Call>(prepared)).status, HttpStatus::ok);
}

}  // namespace
}  // namespace skydir::http

namespace skydir::http {
namespace {

TEST_F(SessionDispatcherTest, ASessionEndsWhenItsAdministratorMayNoLongerSignIn) {
  bool allowed = true;
  sessions_.SetValidator([&allowed](const ConsoleSession& s) { return allowed && s.user_id == "u1"; });
  EXPECT_EQ(RunSession(Verb::get, "/things/1", id_, "").status, HttpStatus::ok);
  allowed = false;  // suspended, say
  EXPECT_EQ(RunSession(Verb::get, "/things/1", id_, "").status, HttpStatus::unauthorized);
  allowed = true;  // reactivated: the old session stays ended
  EXPECT_EQ(RunSession(Verb::get, "/things/1", id_, "").status, HttpStatus::unauthorized);
}

}  // namespace
}  // namespace skydir::http
