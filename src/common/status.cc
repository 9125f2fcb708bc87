#include "common/status.h"

namespace skydir {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kSuccess: return "success";
    case Code::kOperationsError: return "operationsError";
    case Code::kProtocolError: return "protocolError";
    case Code::kTimeLimitExceeded: return "timeLimitExceeded";
    case Code::kSizeLimitExceeded: return "sizeLimitExceeded";
    case Code::kCompareFalse: return "compareFalse";
    case Code::kCompareTrue: return "compareTrue";
    case Code::kAuthMethodNotSupported: return "authMethodNotSupported";
    case Code::kStrongerAuthRequired: return "strongerAuthRequired";
    case Code::kAdminLimitExceeded: return "adminLimitExceeded";
    case Code::kUnavailableCriticalExtension: return "unavailableCriticalExtension";
    case Code::kConfidentialityRequired: return "confidentialityRequired";
    case Code::kNoSuchAttribute: return "noSuchAttribute";
    case Code::kUndefinedAttributeType: return "undefinedAttributeType";
    case Code::kInappropriateMatching: return "inappropriateMatching";
    case Code::kConstraintViolation: return "constraintViolation";
    case Code::kAttributeOrValueExists: return "attributeOrValueExists";
    case Code::kInvalidAttributeSyntax: return "invalidAttributeSyntax";
    case Code::kNoSuchObject: return "noSuchObject";
    case Code::kInvalidDnSyntax: return "invalidDNSyntax";
    case Code::kInappropriateAuthentication: return "inappropriateAuthentication";
    case Code::kInvalidCredentials: return "invalidCredentials";
    case Code::kInsufficientAccessRights: return "insufficientAccessRights";
    case Code::kBusy: return "busy";
    case Code::kUnavailable: return "unavailable";
    case Code::kUnwillingToPerform: return "unwillingToPerform";
    case Code::kNamingViolation: return "namingViolation";
    case Code::kObjectClassViolation: return "objectClassViolation";
    case Code::kNotAllowedOnNonLeaf: return "notAllowedOnNonLeaf";
    case Code::kEntryAlreadyExists: return "entryAlreadyExists";
    case Code::kOther: return "other";
  }
  return "other";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

}  // namespace skydir
