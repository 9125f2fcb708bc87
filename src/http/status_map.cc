#include "http/status_map.h"

#include <boost/beast/http/status.hpp>

namespace skydir::http {

namespace bhttp = boost::beast::http;

bhttp::status HttpStatusFor(Code code) {
  switch (code) {
    case Code::kSuccess:
      return bhttp::status::ok;
    case Code::kProtocolError:
    case Code::kConstraintViolation:
    case Code::kInvalidAttributeSyntax:
    case Code::kUndefinedAttributeType:
    case Code::kNoSuchAttribute:
    case Code::kInvalidDnSyntax:
    case Code::kNamingViolation:
    case Code::kObjectClassViolation:
    case Code::kInappropriateMatching:
    case Code::kSizeLimitExceeded:
    case Code::kAdminLimitExceeded:
      return bhttp::status::bad_request;
    case Code::kInvalidCredentials:
    case Code::kInappropriateAuthentication:
    case Code::kAuthMethodNotSupported:
      return bhttp::status::unauthorized;
    case Code::kInsufficientAccessRights:
    case Code::kConfidentialityRequired:
    case Code::kStrongerAuthRequired:
      return bhttp::status::forbidden;
    case Code::kNoSuchObject:
      return bhttp::status::not_found;
    case Code::kEntryAlreadyExists:
    case Code::kAttributeOrValueExists:
    case Code::kUnwillingToPerform:
    case Code::kNotAllowedOnNonLeaf:
      return bhttp::status::conflict;
    case Code::kBusy:
    case Code::kUnavailable:
      return bhttp::status::service_unavailable;
    case Code::kTimeLimitExceeded:
      return bhttp::status::gateway_timeout;
    default:
      return bhttp::status::internal_server_error;
  }
}

std::string_view ReasonFor(bhttp::status status) {
  std::string_view reason = bhttp::obsolete_reason(status);
  return reason.empty() ? "Unknown" : reason;
}

}  // namespace skydir::http
