// Validation rules for the model (DESIGN §1): what a username, an email, a group name and every
// other field may hold, password-policy checks, and the group-nesting cycle check. Pure
// functions, no I/O; safe from any thread.
//
// Every failure is a Status whose message starts with the field it is about, e.g.
// "username: must start with a letter or digit". Codes: kInvalidAttributeSyntax when a value is
// not well-formed text (bad UTF-8, control characters, not an email address), and
// kConstraintViolation for everything else (empty, too long, disallowed characters, policy).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "directory/model.h"

namespace skydir::directory {

// Limits, in bytes of UTF-8 unless said otherwise.
inline constexpr size_t kMaxUsernameLength = 64;
inline constexpr size_t kMaxEmailLength = 254;       // RFC 5321 §4.5.3.1.3 path, less <>
inline constexpr size_t kMaxEmailLocalLength = 64;   // RFC 5321 §4.5.3.1.1
inline constexpr size_t kMaxDomainLabelLength = 63;  // RFC 1035 §2.3.4
inline constexpr size_t kMaxNameLength = 255;        // group, org, person names; short fields
inline constexpr size_t kMaxTextLength = 1024;       // descriptions, paths, attribute values
inline constexpr size_t kMaxAttributeNameLength = 64;
inline constexpr size_t kMaxCustomAttributes = 128;
inline constexpr size_t kMaxPasswordLength = 1024;  // bounds the cost of hashing

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view text);

// 1..64 characters from [a-z0-9._-], starting with a letter or digit. This is the LDAP uid and
// the POSIX login name, so it is lowercase only.
Status ValidateUsername(std::string_view username);

// A practical RFC 5321 address: local@domain. The local part is a dot-atom (RFC 5322 §3.2.3,
// UTF-8 allowed per RFC 6531), at most 64 bytes; the domain has at least two labels of letters,
// digits and inner hyphens (UTF-8 allowed for IDNs) and a TLD that is not all digits; quoted
// local parts, address literals, spaces and control characters are refused. At most 254 bytes.
Status ValidateEmail(std::string_view email);

// Non-empty, at most 255 bytes of UTF-8, no control characters, no leading or trailing space.
Status ValidateGroupName(std::string_view name);

// A custom attribute name: an LDAP descr (RFC 4512 §1.4: a letter, then letters, digits or
// hyphens), at most 64 characters.
Status ValidateAttributeName(std::string_view name);

// Every field of a user: ids (24 hex), username, email (may be empty: imported accounts do not
// always have one), text fields (length limits, UTF-8, no control characters except tab and
// newline in the description), absolute home directory and shell, custom attributes (valid and
// distinct names ignoring case, at most kMaxCustomAttributes).
Status ValidateUser(const User& user);

// Ids, name (ValidateGroupName), description; member lists hold valid ids, no duplicates and not
// the group itself.
Status ValidateGroup(const Group& group);

// Id, name (non-empty, like a group name) and settings that make sense (e.g. lockout with
// max_failures > 0).
Status ValidateOrganization(const Organization& org);

// Checks `password` against the length and character-class rules of `policy`; the message
// names the first rule that failed, e.g. "password: must contain a digit". Length counts
// Unicode code points. The history rule needs hash verification and is the caller's job.
Status CheckPassword(const PasswordPolicy& policy, std::string_view password);

// True when making `child_id` a member group of `parent_id` would create a cycle, i.e. when they
// are the same group or `parent_id` is already reachable from `child_id` through member_groups.
// Unknown ids are treated as groups without members. O(groups + nesting edges).
bool WouldCreateCycle(const std::vector<Group>& groups, std::string_view parent_id,
                      std::string_view child_id);

}  // namespace skydir::directory
