// Feeds the input to the HTTP layer's JSON parser and then to every API body reader (users,
// groups, the body helpers). A refusal must be a 400-class status whose message names a
// field ("<field>: ..."); an accepted body must hold what the rules allow or be refused by them
// with a status, never crash.
#include <boost/json/parse.hpp>
#include <string>
#include <string_view>

#include "api/group_json.h"
#include "api/user_json.h"
#include "directory/rules.h"
#include "fuzz_entry.h"

using skydir::Code;
using skydir::Status;

namespace {

// A refusal from a body reader: the codes the HTTP layer maps to 400, a field-first message.
void CheckRefusal(const Status& s) {
  FUZZ_CHECK(s.code() == Code::kConstraintViolation || s.code() == Code::kInvalidAttributeSyntax);
  FUZZ_CHECK(s.message().find(": ") != std::string::npos);
}

void CheckUserFields(const skydir::service::UserFields& f) {
  if (f.username) {
    Status s = skydir::directory::ValidateUsername(*f.username);
    if (!s.ok()) CheckRefusal(s);
  }
  if (f.email) {
    Status s = skydir::directory::ValidateEmail(*f.email);
    if (!s.ok()) CheckRefusal(s);
  }
}

}  // namespace

SKYDIR_FUZZ_ENTRY(api_json) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  // The same call and default limits as http::Dispatcher.
  boost::json::value body = boost::json::parse(text, ec);
  if (ec) return 0;

  if (auto created = skydir::api::ParseUserCreate(body, true); created.ok()) {
    CheckUserFields(*created);
  } else {
    CheckRefusal(created.status());
  }
  if (auto update = skydir::api::ParseUserUpdate(body, true); update.ok()) {
    CheckUserFields(update->patch);
    skydir::directory::User current;
    current.state = skydir::directory::UserState::kStaged;
    Status s = skydir::api::ResolveStateChange(current, *update);
    // "back to staged" is well-formed but refused: 422-class, not 400.
    if (!s.ok() && s.code() != Code::kUnwillingToPerform) CheckRefusal(s);
  } else {
    CheckRefusal(update.status());
  }
  if (auto group = skydir::api::ParseGroupCreate(body, true); group.ok()) {
    FUZZ_CHECK(!group->name.empty());
    Status s = skydir::directory::ValidateGroupName(group->name);
    if (!s.ok()) CheckRefusal(s);
  } else {
    CheckRefusal(group.status());
  }
  if (auto patch = skydir::api::ParseGroupPatch(body, true); !patch.ok()) {
    CheckRefusal(patch.status());
  }
  return 0;
}
