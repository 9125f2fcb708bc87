#include "api/group_json.h"

#include <boost/json/array.hpp>

#include "api/body.h"

namespace skydir::api {

namespace json = boost::json;

namespace {

Status ReadGid(const json::object& o, std::optional<uint32_t>& gid) {
  auto it = o.find("attributes");
  if (it == o.end() || it->value().is_null()) return Status::Ok();
  if (!it->value().is_object()) return InvalidArgument("attributes: must be an object");
  const json::object& attributes = it->value().get_object();
  SKYDIR_RETURN_IF_ERROR(CheckKnownFields(attributes, "attributes", {"posixGroups"}));
  auto posix = attributes.find("posixGroups");
  if (posix == attributes.end() || posix->value().is_null()) return Status::Ok();
  if (!posix->value().is_array()) {
    return InvalidArgument("attributes.posixGroups: must be an array");
  }
  const json::array& list = posix->value().get_array();
  if (list.size() > 1) return InvalidArgument("attributes.posixGroups: at most one entry");
  if (list.empty()) return Status::Ok();
  if (!list[0].is_object()) {
    return InvalidArgument("attributes.posixGroups[0]: must be an object");
  }
  const json::object& entry = list[0].get_object();
  SKYDIR_RETURN_IF_ERROR(CheckKnownFields(entry, "attributes.posixGroups[0]", {"id", "name"}));
  std::optional<uint32_t> id;
  Status s = ReadUint32(entry, "id", id);
  if (!s.ok()) return InvalidArgument("attributes.posixGroups[0]." + s.message());
  gid = id;
  return Status::Ok();
}

}  // namespace

json::object GroupToJson(const directory::Group& g) {
  json::object o;
  o["id"] = g.id;
  o["name"] = g.name;
  o["description"] = g.description;
  o["type"] = "user_group";
  json::array posix;
  posix.push_back(json::object{{"id", g.gid}, {"name", g.name}});
  o["attributes"] = json::object{{"posixGroups", std::move(posix)}};
  return o;
}

const std::vector<std::string>& GroupJsonFields() {
  static const std::vector<std::string> kFields = {"id", "name", "description", "type",
                                                   "attributes"};
  return kFields;
}

Result<service::GroupInput> ParseGroupCreate(const json::value& body, bool has_body) {
  SKYDIR_ASSIGN_OR_RETURN(const json::object* o,
                          BodyObject(body, has_body, {"name", "description", "attributes"}));
  service::GroupInput in;
  SKYDIR_ASSIGN_OR_RETURN(in.name, RequireString(*o, "name"));
  std::optional<std::string> description;
  SKYDIR_RETURN_IF_ERROR(ReadString(*o, "description", description));
  in.description = description.value_or("");
  SKYDIR_RETURN_IF_ERROR(ReadGid(*o, in.gid));
  return in;
}

Result<service::GroupPatch> ParseGroupPatch(const json::value& body, bool has_body) {
  SKYDIR_ASSIGN_OR_RETURN(const json::object* o,
                          BodyObject(body, has_body, {"name", "description", "attributes"}));
  service::GroupPatch patch;
  SKYDIR_RETURN_IF_ERROR(ReadString(*o, "name", patch.name));
  if (patch.name && patch.name->empty()) return InvalidArgument("name: must not be empty");
  SKYDIR_RETURN_IF_ERROR(ReadString(*o, "description", patch.description));
  SKYDIR_RETURN_IF_ERROR(ReadGid(*o, patch.gid));
  return patch;
}

}  // namespace skydir::api
