// Status and Result<T>: the error currency that crosses layers.
//
// Codes are LDAP result codes (RFC 4511 §4.1.9) because LDAP is the richest consumer; HTTP and
// SCIM map them onto their own statuses (see HttpStatusFor in http/). A Status is cheap to copy
// when ok; it carries a message only on failure.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace skydir {

enum class Code : int {
  kSuccess = 0,
  kOperationsError = 1,
  kProtocolError = 2,
  kTimeLimitExceeded = 3,
  kSizeLimitExceeded = 4,
  kCompareFalse = 5,
  kCompareTrue = 6,
  kAuthMethodNotSupported = 7,
  kStrongerAuthRequired = 8,
  kAdminLimitExceeded = 11,
  kUnavailableCriticalExtension = 12,
  kConfidentialityRequired = 13,
  kNoSuchAttribute = 16,
  kUndefinedAttributeType = 17,
  kInappropriateMatching = 18,
  kConstraintViolation = 19,
  kAttributeOrValueExists = 20,
  kInvalidAttributeSyntax = 21,
  kNoSuchObject = 32,
  kInvalidDnSyntax = 34,
  kInappropriateAuthentication = 48,
  kInvalidCredentials = 49,
  kInsufficientAccessRights = 50,
  kBusy = 51,
  kUnavailable = 52,
  kUnwillingToPerform = 53,
  kNamingViolation = 64,
  kObjectClassViolation = 65,
  kNotAllowedOnNonLeaf = 66,
  kEntryAlreadyExists = 68,
  kOther = 80,
};

// The RFC 4511 name of a code, e.g. "noSuchObject".
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kSuccess; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Code code_ = Code::kSuccess;
  std::string message_;
};

// Shorthands for the failures every layer produces.
inline Status InvalidArgument(std::string msg) {
  return Status(Code::kConstraintViolation, std::move(msg));
}
inline Status NotFound(std::string msg) { return Status(Code::kNoSuchObject, std::move(msg)); }
inline Status AlreadyExists(std::string msg) {
  return Status(Code::kEntryAlreadyExists, std::move(msg));
}
inline Status Internal(std::string msg) { return Status(Code::kOther, std::move(msg)); }
inline Status PermissionDenied(std::string msg) {
  return Status(Code::kInsufficientAccessRights, std::move(msg));
}
inline Status Unavailable(std::string msg) {
  return Status(Code::kUnavailable, std::move(msg));
}

// A value or a failed Status. Accessing value() of a failed result is a programming error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {      // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace skydir

// Propagate a failed Status from an expression returning Status.
#define SKYDIR_RETURN_IF_ERROR(expr)               \
  do {                                             \
    ::skydir::Status skydir_status_ = (expr);      \
    if (!skydir_status_.ok()) return skydir_status_; \
  } while (0)

#define SKYDIR_CONCAT_INNER(a, b) a##b
#define SKYDIR_CONCAT(a, b) SKYDIR_CONCAT_INNER(a, b)
// Bind the value of a Result<T> expression to `lhs`, or return its failed Status.
#define SKYDIR_ASSIGN_OR_RETURN(lhs, expr) \
  SKYDIR_ASSIGN_OR_RETURN_IMPL(SKYDIR_CONCAT(skydir_result_, __LINE__), lhs, expr)
#define SKYDIR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
