// JumpCloud's v1 "systemuser" JSON ↔ skydir's directory::User.
//
// Output: _id and id (the same), username, email, firstname, lastname, displayname,
// description, ldap_binding_user, activated, suspended, account_locked, state
// ("STAGED"|"ACTIVATED"|"SUSPENDED"), unix_uid, unix_guid, jobTitle, department,
// employeeIdentifier, phoneNumbers [{type, number}] (type "work" or "mobile"),
// attributes [{name, value}], created (RFC 3339). The password is write-only.
//
// Input: the same names; unknown members are refused, naming the field. `password` on create
// makes the user activated, without it staged. State fields (activated, suspended,
// account_locked) are requests to change the state; see UserUpdate.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "directory/model.h"
#include "service/admin.h"

namespace skydir::api {

boost::json::object UserToJson(const directory::User& user);
// Only the named members of UserToJson (in its order); cheap for a few fields.
boost::json::object UserFieldsToJson(const directory::User& user,
                                     const std::vector<std::string>& fields);
// Every field name UserToJson writes (for list queries).
const std::vector<std::string>& UserJsonFields();

// POST /api/systemusers.
Result<service::UserInput> ParseUserCreate(const boost::json::value& body, bool has_body);

// PUT /api/systemusers/{id}: what to change, as requested.
struct UserUpdate {
  service::UserPatch patch;  // fields (no state change yet)
  std::optional<std::string> password;
  std::optional<bool> activated;
  std::optional<bool> suspended;
  std::optional<bool> account_locked;
  bool HasFieldChanges() const;
};
Result<UserUpdate> ParseUserUpdate(const boost::json::value& body, bool has_body);

// Turns the requested state fields into patch.state / patch.unlock for `current`, refusing
// impossible requests (back to staged, locking by hand). A requested value that is already
// true of the user changes nothing.
Status ResolveStateChange(const directory::User& current, UserUpdate& update);

}  // namespace skydir::api
