// Reads of whole objects (with their attributes, members, associations), shared by the write
// transaction and the snapshot loader. Each is a fixed number of queries however many rows an
// org has: no query per user or per group.
//
// REQUIRES for all: the caller owns `conn` for the duration and, to get one consistent picture
// across several calls, has opened a transaction on it.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "directory/model.h"
#include "store/sqlite/connection.h"

namespace skydir::store::sqlite {

// kNoSuchObject when the org does not exist.
Result<directory::Organization> QueryOrg(Connection& conn, std::string_view org_id);

// Every user of the org, ordered by username, with custom attributes.
Result<std::vector<directory::User>> QueryUsers(Connection& conn, std::string_view org_id);
// Adds the custom attributes of one user.
Status FillAttributes(Connection& conn, directory::User& user);

// Every group of the org, ordered by name, with sorted member lists.
Result<std::vector<directory::Group>> QueryGroups(Connection& conn, std::string_view org_id);
// Adds the sorted member lists of one group.
Status FillMembers(Connection& conn, directory::Group& group);

// The org's LDAP directory with sorted association lists; kNoSuchObject when the org has none.
Result<directory::LdapDirectory> QueryLdapDirectory(Connection& conn, std::string_view org_id);

}  // namespace skydir::store::sqlite
