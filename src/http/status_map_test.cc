#include "http/status_map.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/response.h"

namespace skydir::http {
namespace {

using S = boost::beast::http::status;

TEST(HttpStatusForTest, MapsServiceCodes) {
  EXPECT_EQ(HttpStatusFor(Code::kConstraintViolation), S::bad_request);
  EXPECT_EQ(HttpStatusFor(Code::kInvalidAttributeSyntax), S::bad_request);
  EXPECT_EQ(HttpStatusFor(Code::kInvalidCredentials), S::unauthorized);
  EXPECT_EQ(HttpStatusFor(Code::kInsufficientAccessRights), S::forbidden);
  EXPECT_EQ(HttpStatusFor(Code::kNoSuchObject), S::not_found);
  EXPECT_EQ(HttpStatusFor(Code::kEntryAlreadyExists), S::conflict);
  EXPECT_EQ(HttpStatusFor(Code::kUnwillingToPerform), S::conflict);
  EXPECT_EQ(HttpStatusFor(Code::kBusy), S::service_unavailable);
  EXPECT_EQ(HttpStatusFor(Code::kUnavailable), S::service_unavailable);
  EXPECT_EQ(HttpStatusFor(Code::kOther), S::internal_server_error);
  EXPECT_EQ(HttpStatusFor(Code::kOperationsError), S::internal_server_error);
}

TEST(ErrorResponseTest, HasMessageAndError) {
  Response r = ErrorResponse(NotFound("user 'x' not found"));
  EXPECT_EQ(r.status, S::not_found);
  EXPECT_EQ(r.content_type, "application/json");
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("message").as_string(), "user 'x' not found");
  EXPECT_EQ(body.at("error").as_string(), "Not Found");
}

TEST(ErrorResponseTest, BusyCarriesRetryAfter) {
  Response r = ErrorResponse(skydir::Status(Code::kBusy, "pool busy"));
  EXPECT_EQ(r.status, S::service_unavailable);
  EXPECT_EQ(r.Header("retry-after"), "1");
}

}  // namespace
}  // namespace skydir::http
