// Reading JSON request bodies strictly: the body must be an object, every member must be a
// field the endpoint knows (else 400 naming it), and each value must have the field's type.
// Every error is kConstraintViolation with a message starting "<field>: ", which the HTTP
// layer turns into 400.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skydir::api {

// The body as an object whose members are all in `known`. A missing body is an empty object.
Result<const boost::json::object*> BodyObject(const boost::json::value& body, bool has_body,
                                              std::initializer_list<std::string_view> known);
// Like BodyObject for a nested object; `path` names it in errors ("attributes").
Status CheckKnownFields(const boost::json::object& object, std::string_view path,
                        std::initializer_list<std::string_view> known);

// Typed readers: leave `out` untouched when the member is absent. JSON null reads as "" for
// strings and as absent otherwise.
Status ReadString(const boost::json::object& o, std::string_view name,
                  std::optional<std::string>& out);
Status ReadBool(const boost::json::object& o, std::string_view name, std::optional<bool>& out);
Status ReadUint32(const boost::json::object& o, std::string_view name,
                  std::optional<uint32_t>& out);

// A required string member.
Result<std::string> RequireString(const boost::json::object& o, std::string_view name);

}  // namespace skydir::api
