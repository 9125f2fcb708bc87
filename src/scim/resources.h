// SCIM 2.0 resources as skydir sends them (RFC 7643) and the PATCH operations between two of
// them (RFC 7644 §3.5.2). Pure functions: no I/O.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "directory/model.h"

namespace skydir::scim {

inline constexpr std::string_view kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kEnterpriseSchema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view kPatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

// The user as the application should hold it: userName = email, externalId = skydir id, name,
// displayName, the primary work email, active, title, phone numbers, enterprise department
// and employeeNumber. Empty fields are left out.
boost::json::object UserResource(const directory::User& user, bool active);

struct GroupMember {
  std::string value;    // the application's id of the user
  std::string display;  // the user's userName
};
// A group with its members (sorted by value). externalId = skydir's group id.
boost::json::object GroupResource(std::string_view display_name, std::string_view external_id,
                                  const std::vector<GroupMember>& members);

// Operations that turn `before` into `after` (both UserResource documents): a replace per
// changed attribute, with its path (sub-attributes of name and of the enterprise extension one
// by one, multi-valued attributes whole), a remove per attribute skydir manages that is in
// `before` but not in `after`. `before` may be the target's own copy of the resource (a full
// sync): attributes skydir does not manage are left alone. An empty `before` (unknown state)
// gives a replace of every attribute.
boost::json::array UserPatchOps(const boost::json::object& before,
                                const boost::json::object& after);

// {"schemas": [PatchOp], "Operations": ops}.
boost::json::object PatchRequest(boost::json::array ops);

// `attribute eq "value"` with the value's quotes and backslashes escaped.
std::string EqFilter(std::string_view attribute, std::string_view value);

// The "id" member of a resource reply; nullopt when missing or not a string/number.
std::optional<std::string> ResourceId(std::string_view body);

// From a ListResponse, the id of the first resource whose `attribute` equals `value`, ignoring
// case (the target's filter is not trusted: some answer every resource to a filter they do not
// understand). nullopt when none matches or the reply is not a ListResponse.
std::optional<std::string> FindListed(std::string_view body, std::string_view attribute,
                                      std::string_view value);

// A short, printable account of an error reply: the SCIM "detail" (and scimType) when present,
// else the start of the body.
std::string ErrorDetail(std::string_view body);

}  // namespace skydir::scim
