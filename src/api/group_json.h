// JumpCloud's v2 "user_group" JSON ↔ skydir's directory::Group:
//   {"id", "name", "description", "type": "user_group",
//    "attributes": {"posixGroups": [{"id": <gid>, "name": <name>}]}}
// The posix gid is read from attributes.posixGroups[0].id on input (at most one entry).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "directory/model.h"
#include "service/admin.h"

namespace skydir::api {

boost::json::object GroupToJson(const directory::Group& group);
const std::vector<std::string>& GroupJsonFields();

// POST (and PUT, which replaces: name required, description defaults to "").
Result<service::GroupInput> ParseGroupCreate(const boost::json::value& body, bool has_body);
// PATCH: only the members present.
Result<service::GroupPatch> ParseGroupPatch(const boost::json::value& body, bool has_body);

}  // namespace skydir::api
