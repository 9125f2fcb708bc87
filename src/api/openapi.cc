#include "api/openapi.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <string>

#include "api/api.h"

namespace skydir::api {

namespace json = boost::json;

const std::vector<DocumentedOperation>& DocumentedOperations() {
  static const std::vector<DocumentedOperation> kOps = {
      {"get", "/healthz", "Liveness: 200 while the process runs", "", "", 200, "", false},
      {"get", "/readyz", "Readiness: 200 while serving, 503 while stopping", "", "", 200, "",
       false},
      {"get", "/api/openapi.json", "This document", "", "", 200, "", false},
      {"get", "/metrics", "Prometheus metrics (text format 0.0.4)", "", "", 200, "", false},
      {"get", "/api/systemusers", "List users", "", "SystemUser", 200, "v1"},
      {"post", "/api/systemusers", "Create a user (activated with a password, else staged)",
       "SystemUserInput", "SystemUser", 200, ""},
      {"get", "/api/systemusers/{id}", "Get a user", "", "SystemUser", 200, ""},
      {"put", "/api/systemusers/{id}", "Change the fields named in the body", "SystemUserInput",
       "SystemUser", 200, ""},
      {"delete", "/api/systemusers/{id}", "Delete a user; answers the deleted user", "",
       "SystemUser", 200, ""},
      {"get", "/api/v2/usergroups", "List user groups", "", "UserGroup", 200, "v2"},
      {"post", "/api/v2/usergroups", "Create a user group", "UserGroupInput", "UserGroup", 201, ""},
      {"get", "/api/v2/usergroups/{id}", "Get a user group", "", "UserGroup", 200, ""},
      {"put", "/api/v2/usergroups/{id}", "Replace a user group's name and description",
       "UserGroupInput", "UserGroup", 200, ""},
      {"patch", "/api/v2/usergroups/{id}", "Change the fields named in the body", "UserGroupInput",
       "UserGroup", 200, ""},
      {"delete", "/api/v2/usergroups/{id}", "Delete a user group; answers the deleted group", "",
       "UserGroup", 200, ""},
      {"get", "/api/v2/usergroups/{id}/members", "Direct members (users and groups)", "",
       "GraphConnection", 200, "v2"},
      {"post", "/api/v2/usergroups/{id}/members", "Add or remove a member", "GraphOperation", "",
       204, ""},
      {"get", "/api/v2/usergroups/{id}/membership", "Every user, nested groups resolved", "",
       "GraphObjectWithPaths", 200, "v2"},
      {"get", "/api/v2/usergroups/{id}/associations",
       "The group's LDAP server association (?targets=ldap_server)", "", "GraphConnection", 200,
       "v2"},
      {"get", "/api/v2/users/{id}/memberof", "Every group of a user, nested groups resolved", "",
       "GraphObjectWithPaths", 200, "v2"},
      {"get", "/api/v2/users/{id}/associations",
       "The user's LDAP server association (?targets=ldap_server)", "", "GraphConnection", 200,
       "v2"},
      {"get", "/api/v2/ldapservers", "The org's LDAP server (one per org)", "", "LdapServer", 200,
       "v2"},
      {"get", "/api/v2/ldapservers/{id}", "Get the LDAP server", "", "LdapServer", 200, ""},
      {"patch", "/api/v2/ldapservers/{id}",
       "Change userLockoutAction / "
       "userPasswordExpirationAction",
       "LdapServerInput", "LdapServer", 200, ""},
      {"get", "/api/v2/ldapservers/{id}/connection",
       "Connection details for applications: org DN, base DN, bind DN pattern, ports (skydir "
       "extension)",
       "", "LdapConnection", 200, ""},
      {"get", "/api/v2/ldapservers/{id}/cacert",
       "The CA certificate LDAP clients should trust, as PEM (skydir extension)", "", "", 200, ""},
      {"get", "/api/v2/ldapservers/{id}/associations",
       "Users or groups connected to LDAP (?targets=user|user_group)", "", "GraphConnection", 200,
       "v2"},
      {"post", "/api/v2/ldapservers/{id}/associations", "Connect or disconnect a user or group",
       "GraphOperation", "", 204, ""},
      {"get", "/api/organizations",
       "The caller's organization (every org for an operator key "
       "without x-org-id)",
       "", "Organization", 200, "v1"},
      {"get", "/api/organizations/{id}", "The organization with its password and lockout policy",
       "", "OrganizationWithSettings", 200, ""},
      {"put", "/api/organizations/{id}",
       "Change the password and lockout policy members named in settings.passwordPolicy",
       "OrganizationInput", "OrganizationWithSettings", 200, ""},
      {"post", "/api/console/session",
       "Console sign-in of an org administrator; sets the session cookie (skydir extension)",
       "SignIn", "ConsoleSession", 200, "", false},
      {"get", "/api/console/session", "The signed-in administrator and the CSRF token", "",
       "ConsoleSession", 200, ""},
      {"delete", "/api/console/session", "Sign out: ends the console session", "", "", 204, ""},
      {"get", "/api/v2/apikeys", "List the org's API keys (skydir extension)", "", "ApiKey", 200,
       "v2"},
      {"post", "/api/v2/apikeys", "Create an API key; the secret is shown once", "ApiKeyInput",
       "ApiKey", 201, ""},
      {"delete", "/api/v2/apikeys/{id}", "Revoke an API key", "", "", 204, ""},
      {"get", "/api/applications", "List applications provisioned over SCIM", "", "Application",
       200, "v1"},
      {"post", "/api/applications", "Create an application (SCIM base URL and token required)",
       "ApplicationInput", "Application", 201, ""},
      {"get", "/api/applications/{id}", "Get an application (the token is never shown)", "",
       "Application", 200, ""},
      {"put", "/api/applications/{id}", "Change the fields named in the body; token kept if absent",
       "ApplicationInput", "Application", 200, ""},
      {"delete", "/api/applications/{id}", "Delete an application; the target is left as it is",
       "", "Application", 200, ""},
      {"get", "/api/v2/applications/{id}/associations",
       "User groups whose members are provisioned (?targets=user_group)", "", "GraphConnection",
       200, "v2"},
      {"post", "/api/v2/applications/{id}/associations", "Associate or disassociate a user group",
       "GraphOperation", "", 204, ""},
      {"post", "/api/v2/applications/{id}/scim/test",
       "Test Connection: create and remove a test user and group, step by step", "",
       "ScimTestReport", 200, ""},
      {"post", "/api/v2/applications/{id}/scim/sync",
       "Queue a full reconcile (re-sends everything, repairs drift)", "", "", 202, ""},
      {"get", "/api/v2/applications/{id}/scim/status",
       "Provisioning state, last success and error, pending jobs, counts", "", "ScimStatus", 200,
       ""},
      {"post", "/insights/directory/v1/events",
       "Audit events, newest first (Directory Insights); cursor in X-Search_after", "EventQuery",
       "Event", 200, ""},
  };
  return kOps;
}

namespace {

// Component schemas, written as JSON for readability.
constexpr std::string_view kSchemas = R"({
  "EventQuery": {"type": "object", "required": ["service", "start_time"],
    "additionalProperties": false, "properties": {
    "service": {"type": "array", "items": {"type": "string", "enum": ["all", "ldap", "directory", "scim"]}},
    "start_time": {"type": "string", "format": "date-time"},
    "end_time": {"type": "string", "format": "date-time"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 10000},
    "sort": {"type": "string", "enum": ["DESC"]},
    "search_after": {"type": "array", "description": "the X-Search_after of the previous page"},
    "search_term": {"description": "a substring, or {\"and\": {field: value}} with fields event_type, success, client_ip, initiated_by.id, resource.id"},
    "fields": {"type": "array", "items": {"type": "string"}}}},
  "Event": {"type": "object", "properties": {
    "id": {"type": "string"}, "timestamp": {"type": "string", "format": "date-time"},
    "service": {"type": "string"}, "event_type": {"type": "string"},
    "success": {"type": "boolean"}, "client_ip": {"type": "string"},
    "organization": {"type": "string"},
    "initiated_by": {"type": "object"}, "resource": {"type": "object"},
    "detail": {"type": "object"}}},
  "Error": {"type": "object", "required": ["message", "error"], "properties": {
    "message": {"type": "string", "description": "what went wrong; starts with the field at fault"},
    "error": {"type": "string", "description": "the HTTP reason phrase"}}},
  "PhoneNumber": {"type": "object", "properties": {
    "type": {"type": "string", "enum": ["work", "mobile"]}, "number": {"type": "string"}}},
  "Attribute": {"type": "object", "properties": {
    "name": {"type": "string"}, "value": {"type": "string"}}},
  "SystemUserInput": {"type": "object", "additionalProperties": false, "properties": {
    "username": {"type": "string"}, "email": {"type": "string"},
    "firstname": {"type": "string"}, "lastname": {"type": "string"},
    "displayname": {"type": "string"}, "description": {"type": "string"},
    "password": {"type": "string", "writeOnly": true},
    "ldap_binding_user": {"type": "boolean"}, "activated": {"type": "boolean"},
    "suspended": {"type": "boolean"}, "account_locked": {"type": "boolean"},
    "unix_uid": {"type": "integer"}, "unix_guid": {"type": "integer"},
    "jobTitle": {"type": "string"}, "department": {"type": "string"},
    "employeeIdentifier": {"type": "string"},
    "phoneNumbers": {"type": "array", "items": {"$ref": "#/components/schemas/PhoneNumber"}},
    "attributes": {"type": "array", "maxItems": 0,
                   "items": {"$ref": "#/components/schemas/Attribute"}}}},
  "SystemUser": {"type": "object", "properties": {
    "_id": {"type": "string"}, "id": {"type": "string"},
    "username": {"type": "string"}, "email": {"type": "string"},
    "firstname": {"type": "string"}, "lastname": {"type": "string"},
    "displayname": {"type": "string"}, "description": {"type": "string"},
    "ldap_binding_user": {"type": "boolean"}, "activated": {"type": "boolean"},
    "suspended": {"type": "boolean"}, "account_locked": {"type": "boolean"},
    "state": {"type": "string", "enum": ["STAGED", "ACTIVATED", "SUSPENDED"]},
    "unix_uid": {"type": "integer"}, "unix_guid": {"type": "integer"},
    "jobTitle": {"type": "string"}, "department": {"type": "string"},
    "employeeIdentifier": {"type": "string"},
    "phoneNumbers": {"type": "array", "items": {"$ref": "#/components/schemas/PhoneNumber"}},
    "attributes": {"type": "array", "items": {"$ref": "#/components/schemas/Attribute"}},
    "created": {"type": "string", "format": "date-time"}}},
  "PosixGroup": {"type": "object", "properties": {
    "id": {"type": "integer", "description": "gidNumber"}, "name": {"type": "string"}}},
  "UserGroupAttributes": {"type": "object", "additionalProperties": false, "properties": {
    "posixGroups": {"type": "array", "maxItems": 1,
                    "items": {"$ref": "#/components/schemas/PosixGroup"}}}},
  "UserGroupInput": {"type": "object", "additionalProperties": false, "properties": {
    "name": {"type": "string"}, "description": {"type": "string"},
    "attributes": {"$ref": "#/components/schemas/UserGroupAttributes"}}},
  "UserGroup": {"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"},
    "type": {"type": "string", "enum": ["user_group"]},
    "attributes": {"$ref": "#/components/schemas/UserGroupAttributes"}}},
  "GraphOperation": {"type": "object", "required": ["op", "type", "id"],
    "additionalProperties": false, "properties": {
    "op": {"type": "string", "enum": ["add", "remove"]},
    "type": {"type": "string", "enum": ["user", "user_group"]},
    "id": {"type": "string"}, "attributes": {"type": "object"}}},
  "GraphTarget": {"type": "object", "properties": {
    "attributes": {"type": "object"}, "id": {"type": "string"},
    "type": {"type": "string", "enum": ["user", "user_group", "ldap_server"]}}},
  "GraphConnection": {"type": "object", "properties": {
    "attributes": {"type": "object"}, "to": {"$ref": "#/components/schemas/GraphTarget"}}},
  "GraphObjectWithPaths": {"type": "object", "properties": {
    "id": {"type": "string"}, "type": {"type": "string"},
    "compiledAttributes": {"type": "object"},
    "paths": {"type": "array", "items": {"type": "array",
              "items": {"$ref": "#/components/schemas/GraphConnection"}}}}},
  "LdapServerInput": {"type": "object", "additionalProperties": false, "properties": {
    "id": {"type": "string"}, "name": {"type": "string"},
    "userLockoutAction": {"type": "string", "enum": ["disable", "remove"]},
    "userPasswordExpirationAction": {"type": "string", "enum": ["disable", "remove"]}}},
  "LdapServer": {"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"},
    "userLockoutAction": {"type": "string", "enum": ["disable", "remove"]},
    "userPasswordExpirationAction": {"type": "string", "enum": ["disable", "remove"]}}},
  "Organization": {"type": "object", "properties": {
    "_id": {"type": "string"}, "id": {"type": "string"}, "displayName": {"type": "string"},
    "created": {"type": "string", "format": "date-time"}}},
  "ApiKeyInput": {"type": "object", "required": ["name"], "additionalProperties": false,
    "properties": {"name": {"type": "string"},
                   "role": {"type": "string", "enum": ["admin", "read-only"]}}},
  "ScimSettings": {"type": "object", "additionalProperties": false, "properties": {
    "base_url": {"type": "string", "description": "https://; plain http:// only to loopback hosts"},
    "token": {"type": "string", "writeOnly": true, "description": "bearer token; sealed at rest"},
    "token_set": {"type": "boolean", "readOnly": true},
    "test_user_email": {"type": "string"},
    "group_management": {"type": "boolean"},
    "deprovision": {"type": "string", "enum": ["deactivate", "delete"]},
    "concurrency": {"type": "integer", "minimum": 1}}},
  "ApplicationInput": {"type": "object", "additionalProperties": false, "properties": {
    "name": {"type": "string"}, "active": {"type": "boolean"},
    "scim": {"$ref": "#/components/schemas/ScimSettings"}}},
  "Application": {"type": "object", "properties": {
    "id": {"type": "string"}, "_id": {"type": "string"}, "name": {"type": "string"},
    "displayName": {"type": "string"}, "active": {"type": "boolean"},
    "scim": {"$ref": "#/components/schemas/ScimSettings"},
    "created": {"type": "string", "format": "date-time"},
    "updated": {"type": "string", "format": "date-time"}}},
  "ScimTestReport": {"type": "object", "properties": {
    "ok": {"type": "boolean"},
    "steps": {"type": "array", "items": {"type": "object", "properties": {
      "step": {"type": "string"}, "method": {"type": "string"}, "path": {"type": "string"},
      "status": {"type": "integer", "description": "HTTP status; 0 when no answer"}, "ok": {"type": "boolean"},
      "detail": {"type": "string"}}}}}},
  "ScimStatus": {"type": "object", "properties": {
    "state": {"type": "string", "enum": ["active", "error", "inactive"]},
    "last_success": {"type": "string", "format": "date-time", "nullable": true},
    "last_failure": {"type": "string", "format": "date-time", "nullable": true},
    "last_error": {"type": "string"}, "consecutive_failures": {"type": "integer"},
    "pending_jobs": {"type": "integer"}, "failed_jobs": {"type": "integer"},
    "provisioned_users": {"type": "integer"}, "deactivated_users": {"type": "integer"},
    "provisioned_groups": {"type": "integer"},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
      "type": {"type": "string"}, "id": {"type": "string"},
      "name": {"type": "string", "description": "username or group name; empty once deleted"},
      "attempts": {"type": "integer"},
      "error": {"type": "string"}, "retrying": {"type": "boolean"},
      "next_attempt": {"type": "string", "format": "date-time", "nullable": true}}}}}},
  "LdapConnection": {"type": "object", "properties": {
    "orgId": {"type": "string"}, "orgDn": {"type": "string"}, "baseDn": {"type": "string"},
    "bindDnPattern": {"type": "string"}, "ldapPort": {"type": "integer"},
    "ldapsPort": {"type": "integer"}, "startTls": {"type": "boolean"},
    "caCertificate": {"type": "boolean", "description": "GET .../cacert serves it"}}},
  "PasswordPolicy": {"type": "object", "additionalProperties": false, "properties": {
    "minLength": {"type": "integer", "minimum": 1, "maximum": 1024},
    "needsUppercase": {"type": "boolean"}, "needsLowercase": {"type": "boolean"},
    "needsNumeric": {"type": "boolean"}, "needsSymbolic": {"type": "boolean"},
    "maxHistory": {"type": "integer", "minimum": 0, "maximum": 64},
    "passwordExpirationInDays": {"type": "integer", "minimum": 0, "maximum": 3650},
    "enableMaxLoginAttempts": {"type": "boolean"},
    "maxLoginAttempts": {"type": "integer", "minimum": 1, "maximum": 1000},
    "lockoutWindowSeconds": {"type": "integer", "minimum": 1, "maximum": 86400},
    "lockoutTimeInSeconds": {"type": "integer", "minimum": 0, "maximum": 2592000}}},
  "OrganizationInput": {"type": "object", "additionalProperties": false, "properties": {
    "settings": {"type": "object", "properties": {
      "passwordPolicy": {"$ref": "#/components/schemas/PasswordPolicy"}}}}},
  "OrganizationWithSettings": {"type": "object", "properties": {
    "_id": {"type": "string"}, "id": {"type": "string"}, "displayName": {"type": "string"},
    "created": {"type": "string", "format": "date-time"},
    "settings": {"type": "object", "properties": {
      "passwordPolicy": {"$ref": "#/components/schemas/PasswordPolicy"}}}}},
  "SignIn": {"type": "object", "required": ["organization", "username", "password"],
    "properties": {
    "organization": {"type": "string", "description": "the Organization ID, or its name"},
    "username": {"type": "string"}, "password": {"type": "string", "writeOnly": true}}},
  "ConsoleSession": {"type": "object", "properties": {
    "user": {"type": "object"}, "organization": {"type": "object"},
    "csrfToken": {"type": "string", "description": "send as x-csrf-token on every non-GET"},
    "idleTimeoutSeconds": {"type": "integer"}}},
  "ApiKey": {"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "role": {"type": "string"},
    "created": {"type": "string", "format": "date-time"},
    "last_used": {"type": "string", "format": "date-time", "nullable": true},
    "secret": {"type": "string", "description": "only in the answer to POST"}}}
})";

json::object Ref(std::string_view schema) {
  return json::object{{"$ref", "#/components/schemas/" + std::string(schema)}};
}

json::object ErrorAnswer(std::string_view description) {
  return json::object{
      {"description", description},
      {"content", json::object{{"application/json", json::object{{"schema", Ref("Error")}}}}}};
}

json::array Parameters(const DocumentedOperation& op) {
  json::array params;
  std::string_view path = op.path;
  for (size_t open = path.find('{'); open != std::string_view::npos;
       open = path.find('{', open + 1)) {
    size_t close = path.find('}', open);
    params.push_back(json::object{{"name", path.substr(open + 1, close - open - 1)},
                                  {"in", "path"},
                                  {"required", true},
                                  {"schema", json::object{{"type", "string"}}}});
  }
  if (path.ends_with("/associations") && op.method == "get") {
    params.push_back(json::object{{"name", "targets"},
                                  {"in", "query"},
                                  {"required", true},
                                  {"schema", json::object{{"type", "string"}}}});
  }
  if (!op.list.empty()) {
    for (std::string_view name : {"limit", "skip"}) {
      params.push_back(json::object{
          {"name", name}, {"in", "query"}, {"schema", json::object{{"type", "integer"}}}});
    }
    for (std::string_view name : {"sort", "filter"}) {
      params.push_back(json::object{
          {"name", name}, {"in", "query"}, {"schema", json::object{{"type", "string"}}}});
    }
    if (op.list == "v1") {
      params.push_back(json::object{
          {"name", "fields"}, {"in", "query"}, {"schema", json::object{{"type", "string"}}}});
    }
  }
  if (op.authenticated) {
    params.push_back(json::object{{"name", "x-org-id"},
                                  {"in", "header"},
                                  {"description", "required with an operator key"},
                                  {"schema", json::object{{"type", "string"}}}});
  }
  return params;
}

json::object Operation(const DocumentedOperation& op) {
  json::object o;
  o["summary"] = op.summary;
  json::array params = Parameters(op);
  if (!params.empty()) o["parameters"] = std::move(params);
  if (!op.request.empty()) {
    o["requestBody"] = json::object{
        {"required", true},
        {"content", json::object{{"application/json", json::object{{"schema", Ref(op.request)}}}}}};
  }
  json::object success{{"description", "success"}};
  if (op.path == "/healthz" || op.path == "/readyz" || op.path == "/metrics") {
    success["content"] =
        json::object{{"text/plain", json::object{{"schema", json::object{{"type", "string"}}}}}};
  } else if (op.path == "/api/openapi.json") {
    success["content"] = json::object{
        {"application/json", json::object{{"schema", json::object{{"type", "object"}}}}}};
  } else if (op.path.ends_with("/cacert")) {
    success["content"] = json::object{
        {"application/x-pem-file", json::object{{"schema", json::object{{"type", "string"}}}}}};
  } else if (!op.response.empty()) {
    json::value schema = Ref(op.response);
    if (op.list == "v2") {
      schema = json::object{{"type", "array"}, {"items", Ref(op.response)}};
      success["headers"] = json::object{
          {"x-total-count", json::object{{"schema", json::object{{"type", "integer"}}}}}};
    } else if (op.list == "v1") {
      schema = json::object{
          {"type", "object"},
          {"properties", json::object{{"totalCount", json::object{{"type", "integer"}}},
                                      {"results", json::object{{"type", "array"},
                                                               {"items", Ref(op.response)}}}}}};
    }
    success["content"] = json::object{{"application/json", json::object{{"schema", schema}}}};
  }
  json::object responses;
  responses[std::to_string(op.status)] = std::move(success);
  if (op.authenticated) {
    responses["400"] = ErrorAnswer("invalid input; the message names the field");
    responses["401"] = ErrorAnswer("missing or invalid x-api-key");
    responses["403"] = ErrorAnswer("the key may not act on this org, or is read-only");
    responses["429"] = ErrorAnswer("rate limit exceeded; see Retry-After");
    if (op.path.find('{') != std::string_view::npos) {
      responses["404"] = ErrorAnswer("no such object in this org");
    }
    if (op.method != "get" && op.method != "delete") {
      responses["409"] = ErrorAnswer("duplicate, or conflicts with the object's state");
      responses["413"] = ErrorAnswer("body too large");
      responses["415"] = ErrorAnswer("body is not application/json");
    }
  }
  o["responses"] = std::move(responses);
  if (op.authenticated) {
    o["security"] = json::array{json::object{{"x-api-key", json::array()}},
                                json::object{{"consoleSession", json::array()}}};
  }
  return o;
}

json::object Build() {
  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = json::object{{"title", "skydir admin API"},
                             {"version", "1"},
                             {"description",
                              "JumpCloud-compatible admin API (v1 systemusers, v2 usergroups, "
                              "ldapservers) plus skydir's own API keys and console sessions. "
                              "See docs/api.md."}};
  json::object paths;
  for (const auto& op : DocumentedOperations()) {
    json::value& item = paths[op.path];
    if (!item.is_object()) item = json::object();
    item.get_object()[op.method] = Operation(op);
  }
  doc["paths"] = std::move(paths);
  json::object components;
  components["schemas"] = json::parse(kSchemas);
  components["securitySchemes"] = json::object{
      {"x-api-key", json::object{{"type", "apiKey"}, {"in", "header"}, {"name", "x-api-key"}}},
      {"consoleSession",
       json::object{{"type", "apiKey"},
                    {"in", "cookie"},
                    {"name", "skydir_session"},
                    {"description", "the admin console's session; non-GET requests also need "
                                    "the session's x-csrf-token header"}}}};
  doc["components"] = std::move(components);
  return doc;
}

}  // namespace

const json::object& OpenApiDocument() {
  static const json::object kDocument = Build();
  return kDocument;
}

void AddOpenApiRoute(http::Router& router) {
  http::RouteOptions open;
  open.authenticated = false;
  open.inline_handler = true;
  open.needs_org = false;
  router.Add(
      http::Verb::get, "/api/openapi.json",
      [](const http::Request&) { return http::JsonResponse(OpenApiDocument()); }, open);
}

}  // namespace skydir::api
