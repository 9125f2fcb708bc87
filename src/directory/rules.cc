#include "directory/rules.h"

#include <cctype>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/ids.h"

namespace skydir::directory {
namespace {

Status Violation(std::string_view field, std::string_view what) {
  return Status(Code::kConstraintViolation, std::string(field) + ": " + std::string(what));
}

Status BadSyntax(std::string_view field, std::string_view what) {
  return Status(Code::kInvalidAttributeSyntax, std::string(field) + ": " + std::string(what));
}

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return IsAsciiLower(c) || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

// Decodes one code point at `text[*pos]`, advancing `*pos`; -1 when malformed.
int32_t NextCodePoint(std::string_view text, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char c = byte(*pos);
  if (c < 0x80) {
    ++*pos;
    return c;
  }
  size_t len;
  int32_t cp;
  int32_t min;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (*pos + len > text.size()) return -1;
  for (size_t i = 1; i < len; ++i) {
    unsigned char cc = byte(*pos + i);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *pos += len;
  return cp;
}

bool IsControl(int32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Well-formed UTF-8 of at most `max` bytes without control characters (tab and newline too when
// `multiline`). An empty value is fine unless `required`.
Status CheckText(std::string_view field, std::string_view value, size_t max, bool required,
                 bool multiline = false) {
  if (value.empty()) {
    return required ? Violation(field, "must not be empty") : Status::Ok();
  }
  if (value.size() > max) {
    return Violation(field, "must be at most " + std::to_string(max) + " bytes");
  }
  for (size_t pos = 0; pos < value.size();) {
    int32_t cp = NextCodePoint(value, &pos);
    if (cp < 0) return BadSyntax(field, "must be valid UTF-8");
    if (IsControl(cp) && !(multiline && (cp == '\t' || cp == '\n' || cp == '\r'))) {
      return BadSyntax(field, "must not contain control characters");
    }
  }
  return Status::Ok();
}

Status CheckId(std::string_view field, std::string_view id) {
  return IsValidId(id) ? Status::Ok() : Violation(field, "must be 24 lowercase hex characters");
}

Status CheckAbsolutePath(std::string_view field, std::string_view path) {
  SKYDIR_RETURN_IF_ERROR(CheckText(field, path, kMaxTextLength, false));
  if (!path.empty() && path.front() != '/') return Violation(field, "must be an absolute path");
  return Status::Ok();
}

Status CheckIdList(std::string_view field, const std::vector<std::string>& ids,
                   std::string_view self) {
  std::unordered_set<std::string_view> seen;
  for (const std::string& id : ids) {
    SKYDIR_RETURN_IF_ERROR(CheckId(field, id));
    if (id == self) return Violation(field, "a group cannot contain itself");
    if (!seen.insert(id).second) return Violation(field, "duplicate id '" + id + "'");
  }
  return Status::Ok();
}

bool IsAtext(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~-";
  return IsAsciiAlnum(c) || static_cast<unsigned char>(c) >= 0x80 ||
         kSpecials.find(c) != std::string_view::npos;
}

Status CheckEmailLocal(std::string_view local) {
  if (local.empty()) return BadSyntax("email", "missing the part before '@'");
  if (local.size() > kMaxEmailLocalLength) {
    return Violation("email", "the part before '@' must be at most 64 bytes");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != local.npos) {
    return BadSyntax("email", "misplaced '.' before '@'");
  }
  for (char c : local) {
    if (c != '.' && !IsAtext(c)) return BadSyntax("email", "invalid character before '@'");
  }
  return Status::Ok();
}

Status CheckEmailDomain(std::string_view domain) {
  if (domain.empty()) return BadSyntax("email", "missing the domain after '@'");
  size_t labels = 0;
  std::string_view last;
  for (size_t start = 0; start <= domain.size();) {
    size_t end = domain.find('.', start);
    if (end == domain.npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty()) return BadSyntax("email", "empty label in the domain");
    if (label.size() > kMaxDomainLabelLength) {
      return Violation("email", "domain labels must be at most 63 bytes");
    }
    if (label.front() == '-' || label.back() == '-') {
      return BadSyntax("email", "domain labels must not start or end with '-'");
    }
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-' && static_cast<unsigned char>(c) < 0x80) {
        return BadSyntax("email", "invalid character in the domain");
      }
    }
    ++labels;
    last = label;
    start = end + 1;
  }
  if (labels < 2) return BadSyntax("email", "the domain must contain a '.'");
  bool numeric_tld = true;
  for (char c : last) numeric_tld = numeric_tld && IsAsciiDigit(c);
  if (numeric_tld) return BadSyntax("email", "the top-level domain must not be numeric");
  return Status::Ok();
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    if (NextCodePoint(text, &pos) < 0) return false;
  }
  return true;
}

Status ValidateUsername(std::string_view username) {
  if (username.empty()) return Violation("username", "must not be empty");
  if (username.size() > kMaxUsernameLength) {
    return Violation("username", "must be at most 64 characters");
  }
  for (char c : username) {
    if (c >= 'A' && c <= 'Z') return Violation("username", "must be lowercase");
  }
  if (!IsAsciiLower(username.front()) && !IsAsciiDigit(username.front())) {
    return Violation("username", "must start with a letter or digit");
  }
  for (char c : username) {
    if (!IsAsciiLower(c) && !IsAsciiDigit(c) && c != '.' && c != '_' && c != '-') {
      return Violation("username", "may contain only lowercase letters, digits, '.', '_' and '-'");
    }
  }
  return Status::Ok();
}

Status ValidateEmail(std::string_view email) {
  if (email.empty()) return Violation("email", "must not be empty");
  if (email.size() > kMaxEmailLength) return Violation("email", "must be at most 254 bytes");
  if (!IsValidUtf8(email)) return BadSyntax("email", "must be valid UTF-8");
  size_t at = email.find('@');
  if (at == email.npos) return BadSyntax("email", "must contain '@'");
  if (email.find('@', at + 1) != email.npos) return BadSyntax("email", "must contain one '@'");
  SKYDIR_RETURN_IF_ERROR(CheckEmailLocal(email.substr(0, at)));
  return CheckEmailDomain(email.substr(at + 1));
}

Status ValidateGroupName(std::string_view name) {
  SKYDIR_RETURN_IF_ERROR(CheckText("name", name, kMaxNameLength, true));
  if (name.front() == ' ' || name.back() == ' ') {
    return Violation("name", "must not start or end with a space");
  }
  return Status::Ok();
}

Status ValidateAttributeName(std::string_view name) {
  if (name.empty()) return Violation("attributes", "names must not be empty");
  std::string field = "attributes." + std::string(name.substr(0, kMaxAttributeNameLength));
  if (name.size() > kMaxAttributeNameLength) {
    return Violation(field, "names must be at most 64 characters");
  }
  if (!IsAsciiAlpha(name.front())) return Violation(field, "names must start with a letter");
  for (char c : name) {
    if (!IsAsciiAlnum(c) && c != '-') {
      return Violation(field, "names may contain only letters, digits and '-'");
    }
  }
  return Status::Ok();
}

Status ValidateUser(const User& user) {
  SKYDIR_RETURN_IF_ERROR(CheckId("id", user.id));
  SKYDIR_RETURN_IF_ERROR(CheckId("org_id", user.org_id));
  SKYDIR_RETURN_IF_ERROR(ValidateUsername(user.username));
  if (!user.email.empty()) SKYDIR_RETURN_IF_ERROR(ValidateEmail(user.email));
  const std::pair<std::string_view, const std::string*> short_fields[] = {
      {"first_name", &user.first_name},
      {"last_name", &user.last_name},
      {"display_name", &user.display_name},
      {"phone", &user.phone},
      {"mobile", &user.mobile},
      {"title", &user.title},
      {"department", &user.department},
      {"employee_number", &user.employee_number},
  };
  for (const auto& [field, value] : short_fields) {
    SKYDIR_RETURN_IF_ERROR(CheckText(field, *value, kMaxNameLength, false));
  }
  SKYDIR_RETURN_IF_ERROR(CheckText("description", user.description, kMaxTextLength, false, true));
  SKYDIR_RETURN_IF_ERROR(CheckText("external_id", user.external_id, kMaxTextLength, false));
  SKYDIR_RETURN_IF_ERROR(CheckText("password_hash", user.password_hash, kMaxTextLength, false));
  SKYDIR_RETURN_IF_ERROR(CheckAbsolutePath("home_directory", user.home_directory));
  SKYDIR_RETURN_IF_ERROR(CheckAbsolutePath("login_shell", user.login_shell));
  if (user.locked_until < 0) return Violation("locked_until", "must not be negative");
  if (user.attributes.size() > kMaxCustomAttributes) {
    return Violation("attributes", "at most 128 custom attributes");
  }
  std::set<std::string> lowered;
  for (const auto& [name, value] : user.attributes) {
    SKYDIR_RETURN_IF_ERROR(ValidateAttributeName(name));
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!lowered.insert(lower).second) {
      return Violation("attributes." + name, "names must be distinct ignoring case");
    }
    SKYDIR_RETURN_IF_ERROR(CheckText("attributes." + name, value, kMaxTextLength, false, true));
  }
  return Status::Ok();
}

Status ValidateGroup(const Group& group) {
  SKYDIR_RETURN_IF_ERROR(CheckId("id", group.id));
  SKYDIR_RETURN_IF_ERROR(CheckId("org_id", group.org_id));
  SKYDIR_RETURN_IF_ERROR(ValidateGroupName(group.name));
  SKYDIR_RETURN_IF_ERROR(CheckText("description", group.description, kMaxTextLength, false, true));
  SKYDIR_RETURN_IF_ERROR(CheckIdList("member_users", group.member_users, ""));
  return CheckIdList("member_groups", group.member_groups, group.id);
}

Status ValidateOrganization(const Organization& org) {
  SKYDIR_RETURN_IF_ERROR(CheckId("id", org.id));
  SKYDIR_RETURN_IF_ERROR(CheckText("name", org.name, kMaxNameLength, true));
  const PasswordPolicy& password = org.settings.password;
  if (password.min_length > kMaxPasswordLength) {
    return Violation("settings.password.min_length", "must be at most 1024");
  }
  const LockoutPolicy& lockout = org.settings.lockout;
  if (lockout.enabled && lockout.max_failures == 0) {
    return Violation("settings.lockout.max_failures", "must be at least 1");
  }
  if (lockout.enabled && lockout.window_seconds == 0) {
    return Violation("settings.lockout.window_seconds", "must be at least 1");
  }
  return Status::Ok();
}

Status CheckPassword(const PasswordPolicy& policy, std::string_view password) {
  if (password.size() > kMaxPasswordLength) {
    return Violation("password", "must be at most 1024 bytes");
  }
  size_t code_points = 0;
  bool upper = false, lower = false, digit = false, symbol = false;
  for (size_t pos = 0; pos < password.size();) {
    int32_t cp = NextCodePoint(password, &pos);
    if (cp < 0) return BadSyntax("password", "must be valid UTF-8");
    if (IsControl(cp)) return BadSyntax("password", "must not contain control characters");
    ++code_points;
    if (cp >= 'A' && cp <= 'Z') {
      upper = true;
    } else if (cp >= 'a' && cp <= 'z') {
      lower = true;
    } else if (cp >= '0' && cp <= '9') {
      digit = true;
    } else if (cp != ' ') {
      symbol = true;  // ASCII punctuation and any non-ASCII character
    }
  }
  if (code_points < policy.min_length) {
    return Violation("password",
                     "must be at least " + std::to_string(policy.min_length) + " characters");
  }
  if (policy.require_upper && !upper)
    return Violation("password", "must contain an uppercase letter");
  if (policy.require_lower && !lower)
    return Violation("password", "must contain a lowercase letter");
  if (policy.require_digit && !digit) return Violation("password", "must contain a digit");
  if (policy.require_symbol && !symbol) return Violation("password", "must contain a symbol");
  return Status::Ok();
}

bool WouldCreateCycle(const std::vector<Group>& groups, std::string_view parent_id,
                      std::string_view child_id) {
  if (parent_id == child_id) return true;
  std::unordered_map<std::string_view, const Group*> by_id;
  by_id.reserve(groups.size());
  for (const Group& g : groups) by_id.emplace(g.id, &g);
  // Depth-first search from the child along member_groups, looking for the parent.
  std::unordered_set<std::string_view> seen{child_id};
  std::vector<std::string_view> stack{child_id};
  while (!stack.empty()) {
    auto it = by_id.find(stack.back());
    stack.pop_back();
    if (it == by_id.end()) continue;
    for (const std::string& member : it->second->member_groups) {
      if (member == parent_id) return true;
      if (seen.insert(member).second) stack.push_back(member);
    }
  }
  return false;
}

}  // namespace skydir::directory
