#include "api/body.h"

#include <algorithm>
#include <limits>

namespace skydir::api {

namespace json = boost::json;

namespace {

std::string Field(std::string_view path, std::string_view name) {
  return path.empty() ? std::string(name) : std::string(path) + "." + std::string(name);
}

}  // namespace

Status CheckKnownFields(const json::object& object, std::string_view path,
                        std::initializer_list<std::string_view> known) {
  for (const auto& member : object) {
    std::string_view key = member.key();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return InvalidArgument(Field(path, key) + ": unknown field");
    }
  }
  return Status::Ok();
}

Result<const json::object*> BodyObject(const json::value& body, bool has_body,
                                       std::initializer_list<std::string_view> known) {
  static const json::object kEmpty;
  if (!has_body) return &kEmpty;
  if (!body.is_object()) return InvalidArgument("body: must be a JSON object");
  SKYDIR_RETURN_IF_ERROR(CheckKnownFields(body.get_object(), "", known));
  return &body.get_object();
}

Status ReadString(const json::object& o, std::string_view name, std::optional<std::string>& out) {
  auto it = o.find(name);
  if (it == o.end()) return Status::Ok();
  if (it->value().is_null()) {
    out = std::string();
  } else if (it->value().is_string()) {
    out = std::string(it->value().get_string());
  } else {
    return InvalidArgument(std::string(name) + ": must be a string");
  }
  return Status::Ok();
}

Status ReadBool(const json::object& o, std::string_view name, std::optional<bool>& out) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return Status::Ok();
  if (!it->value().is_bool()) return InvalidArgument(std::string(name) + ": must be true or false");
  out = it->value().get_bool();
  return Status::Ok();
}

Status ReadUint32(const json::object& o, std::string_view name, std::optional<uint32_t>& out) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return Status::Ok();
  const json::value& v = it->value();
  std::string bad = std::string(name) + ": must be an integer from 0 to 4294967295";
  if (v.is_uint64()) {
    if (v.get_uint64() > std::numeric_limits<uint32_t>::max()) return InvalidArgument(bad);
    out = static_cast<uint32_t>(v.get_uint64());
  } else if (v.is_int64()) {
    if (v.get_int64() < 0 || v.get_int64() > std::numeric_limits<uint32_t>::max()) {
      return InvalidArgument(bad);
    }
    out = static_cast<uint32_t>(v.get_int64());
  } else {
    return InvalidArgument(bad);
  }
  return Status::Ok();
}

Result<std::string> RequireString(const json::object& o, std::string_view name) {
  std::optional<std::string> value;
  SKYDIR_RETURN_IF_ERROR(ReadString(o, name, value));
  if (!value || value->empty()) return InvalidArgument(std::string(name) + ": is required");
  return *value;
}

}  // namespace skydir::api
