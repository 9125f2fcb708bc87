// The application use cases (issue 5): applications that skydir provisions over SCIM 2.0,
// their settings and associated user groups. Same contract as Admin (admin.h): one transaction
// per method, an audit event per change, kNoSuchObject for an id of another org, messages that
// start with the field. The SCIM token is sealed here (SecretBox) and never returned.
//
// Thread-safety: holds only references; safe from several threads. Methods block (SQL).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/settings.h"
#include "common/status.h"
#include "directory/model.h"
#include "service/secret_box.h"
#include "store/store.h"

namespace skydir::service {

// What a caller may set; nullopt: unchanged (Update) or the default (Create). Create requires
// name, base_url and token.
struct ApplicationInput {
  std::optional<std::string> name;
  std::optional<bool> active;
  std::optional<std::string> base_url;
  std::optional<std::string> token;  // write-only
  std::optional<std::string> test_user_email;
  std::optional<bool> group_management;
  std::optional<directory::Deprovision> deprovision;
  std::optional<uint32_t> concurrency;
};

class Applications {
 public:
  // Not owned; all must outlive this object.
  Applications(store::Store& store, const SecretBox& box, const ProvisioningSettings& settings);

  Result<directory::Application> Create(std::string_view org_id, const ApplicationInput& input);
  Result<directory::Application> Update(std::string_view org_id, std::string_view app_id,
                                        const ApplicationInput& input);
  Status Delete(std::string_view org_id, std::string_view app_id);
  Result<directory::Application> Get(std::string_view org_id, std::string_view app_id);
  Result<std::vector<directory::Application>> List(std::string_view org_id);
  // Associates (or disassociates) a user group; its members are then provisioned (or not).
  Status SetGroup(std::string_view org_id, std::string_view app_id, std::string_view group_id,
                  bool associated);
  // Queues a full reconcile: everything is sent again and drift in the target repaired.
  Status RequestSync(std::string_view org_id, std::string_view app_id);

  // The application's bearer token in the clear (for the SCIM client only).
  Result<std::string> Token(const directory::Application& app) const;

  // "base_url: ..." errors for a SCIM base URL; the URL without a trailing slash when valid.
  static Result<std::string> CheckBaseUrl(std::string_view url, bool allow_http);

 private:
  Status Apply(const ApplicationInput& input, directory::Application& app) const;

  store::Store& store_;
  const SecretBox& box_;
  const ProvisioningSettings& settings_;
};

}  // namespace skydir::service
