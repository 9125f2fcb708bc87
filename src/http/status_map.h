// The mapping from service result codes (LDAP result codes, common/status.h) to HTTP statuses,
// the one place where the REST API decides what a failure means on the wire.
#pragma once

// Beast's headers need std::ostream complete (boost/core string_view, Boost 1.81).
#include <boost/beast/http/status.hpp>
#include <ostream>
#include <string_view>

#include "common/status.h"

namespace skydir::http {

// kConstraintViolation, kInvalidAttributeSyntax and friends → 400, kInvalidCredentials → 401,
// kInsufficientAccessRights → 403, kNoSuchObject → 404, kEntryAlreadyExists → 409,
// kUnwillingToPerform → 409 (the request is well formed but conflicts with the object's
// state: a nesting cycle, activating a user without a password), kBusy and kUnavailable → 503
// (the server is overloaded or stopping; per-key rate limits answer 429 themselves), everything
// else → 500.
boost::beast::http::status HttpStatusFor(Code code);

// The reason phrase used as the "error" member of error bodies ("Not Found").
std::string_view ReasonFor(boost::beast::http::status status);

}  // namespace skydir::http
