// A synthetic org for the micro-benchmarks: the shape of bench/gen_dataset's data (users
// u%07d with the JumpCloud attributes, groups of up to 500 members), built in memory so the
// benchmarks need neither a store nor a server.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "directory/model.h"
#include "dit/snapshot.h"

namespace skydir::bench {

inline constexpr const char* kOrgId = "0123456789abcdef01234567";

// `users` activated users connected to LDAP, `groups` groups of 1..max_members members.
directory::OrgData MakeOrg(int users, int groups, int max_members);

// A snapshot of MakeOrg(users, groups, 500), built once per size and kept for the process.
std::shared_ptr<const dit::Snapshot> SharedSnapshot(int users, int groups);

std::string UserUid(int n);     // u0000042
std::string UsersDn();          // ou=Users,o=<org>,dc=jumpcloud,dc=com

}  // namespace skydir::bench
