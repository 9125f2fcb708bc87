// Organizations, API keys and the helpers every admin use case shares.
#include "service/admin.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "common/ids.h"
#include "common/time.h"
#include "directory/rules.h"
#include "service/admin_internal.h"
#include "service/audit_log.h"

namespace skydir::service {
namespace internal {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Lower(a) == Lower(b);
}

Result<directory::Organization> RequireOrg(store::Transaction& txn, std::string_view org_id) {
  std::string quoted = "organization '" + std::string(org_id) + "' not found";
  if (!IsValidId(org_id)) return NotFound(quoted);
  auto org = txn.GetOrg(org_id);
  if (!org.ok() && org.status().code() == Code::kNoSuchObject) return NotFound(quoted);
  return org;
}

Result<directory::User> RequireUser(store::Transaction& txn, std::string_view org_id,
                                    std::string_view user_id) {
  std::string quoted = "user '" + std::string(user_id) + "' not found";
  if (!IsValidId(user_id)) return NotFound(quoted);
  auto user = txn.GetUser(org_id, user_id);
  if (!user.ok() && user.status().code() == Code::kNoSuchObject) return NotFound(quoted);
  return user;
}

Result<directory::Group> RequireGroup(store::Transaction& txn, std::string_view org_id,
                                      std::string_view group_id) {
  std::string quoted = "group '" + std::string(group_id) + "' not found";
  if (!IsValidId(group_id)) return NotFound(quoted);
  auto group = txn.GetGroup(org_id, group_id);
  if (!group.ok() && group.status().code() == Code::kNoSuchObject) return NotFound(quoted);
  return group;
}

Status RequireMember(store::Transaction& txn, std::string_view org_id, store::MemberKind kind,
                     std::string_view id) {
  if (kind == store::MemberKind::kUser) return RequireUser(txn, org_id, id).status();
  return RequireGroup(txn, org_id, id).status();
}

}  // namespace internal

using internal::InTransaction;
using internal::InTransactionStatus;
using internal::RequireOrg;

namespace {

constexpr std::string_view kApiKeyPrefix = "sk_";
constexpr size_t kApiKeySecretBytes = 32;
constexpr size_t kMaxApiKeyNameLength = 128;

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

Status ValidateKeyName(std::string_view name) {
  if (name.empty()) return InvalidArgument("name: must not be empty");
  if (name.size() > kMaxApiKeyNameLength) {
    return InvalidArgument("name: at most " + std::to_string(kMaxApiKeyNameLength) +
                           " characters");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return InvalidArgument("name: must not contain control characters");
  }
  return Status::Ok();
}

// The key id embedded in "sk_<id>_<hex>", or empty when the shape is wrong.
std::string_view KeyIdOf(std::string_view secret) {
  if (secret.size() != kApiKeyPrefix.size() + 24 + 1 + 2 * kApiKeySecretBytes) return {};
  if (secret.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) return {};
  std::string_view id = secret.substr(kApiKeyPrefix.size(), 24);
  if (!IsValidId(id) || secret[kApiKeyPrefix.size() + 24] != '_') return {};
  return id;
}

Result<NewApiKey> InsertNewKey(store::Transaction& txn, std::string_view org_id,
                               std::string_view name, directory::ApiKeyRole role) {
  SKYDIR_RETURN_IF_ERROR(ValidateKeyName(name));
  if (org_id.empty() && role != directory::ApiKeyRole::kOperator) {
    return Status(Code::kUnwillingToPerform, "role: a key for every org must have role operator");
  }
  if (!org_id.empty() && role == directory::ApiKeyRole::kOperator) {
    return Status(Code::kUnwillingToPerform,
                  "role: an organization's key cannot have role operator");
  }
  if (!org_id.empty()) SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
  NewApiKey out;
  out.key.id = NewId();
  out.key.org_id = std::string(org_id);
  out.key.name = std::string(name);
  out.key.role = role;
  out.key.created = NowMicros();
  out.secret = std::string(kApiKeyPrefix) + out.key.id + "_" +
               HexEncode(RandomBytes(kApiKeySecretBytes));
  out.key.secret_hash = Sha256Hex(out.secret);
  SKYDIR_RETURN_IF_ERROR(txn.InsertApiKey(out.key));
  SKYDIR_RETURN_IF_ERROR(internal::Audit(
      txn, org_id, "apikey_create", "api_key", out.key.id,
      JsonObject({{"name", out.key.name}, {"role", directory::ApiKeyRoleName(out.key.role)}})));
  return out;
}

}  // namespace

Admin::Admin(store::Store& store, const PasswordHasher& hasher, const Settings& settings)
    : store_(store), hasher_(hasher), settings_(settings) {}

Result<NewOrg> Admin::CreateOrg(std::string_view name) {
  return InTransaction<NewOrg>(store_, [&](store::Transaction& txn) -> Result<NewOrg> {
    NewOrg out;
    out.org.id = NewId();
    out.org.name = std::string(name);
    out.org.created = out.org.updated = NowMicros();
    SKYDIR_RETURN_IF_ERROR(directory::ValidateOrganization(out.org));
    SKYDIR_ASSIGN_OR_RETURN(auto orgs, txn.ListOrgs());
    for (const auto& org : orgs) {
      if (internal::EqualsIgnoreCase(org.name, name)) {
        return AlreadyExists("name: an organization named '" + org.name + "' already exists");
      }
    }
    SKYDIR_RETURN_IF_ERROR(txn.InsertOrg(out.org));
    SKYDIR_ASSIGN_OR_RETURN(out.api_key,
                            InsertNewKey(txn, out.org.id, "initial", directory::ApiKeyRole::kAdmin));
    SKYDIR_RETURN_IF_ERROR(internal::Audit(txn, out.org.id, "org_create", "org", out.org.id,
                                           JsonObject({{"name", out.org.name}})));
    return out;
  });
}

Result<std::vector<directory::Organization>> Admin::ListOrgs() {
  return InTransaction<std::vector<directory::Organization>>(
      store_, [&](store::Transaction& txn) { return txn.ListOrgs(); });
}

Result<directory::Organization> Admin::GetOrg(std::string_view org_id) {
  return InTransaction<directory::Organization>(
      store_, [&](store::Transaction& txn) { return RequireOrg(txn, org_id); });
}

Result<directory::Organization> Admin::ResolveOrg(std::string_view id_or_name) {
  return InTransaction<directory::Organization>(
      store_, [&](store::Transaction& txn) -> Result<directory::Organization> {
        if (IsValidId(id_or_name)) {
          auto org = txn.GetOrg(id_or_name);
          if (org.ok() || org.status().code() != Code::kNoSuchObject) return org;
        }
        SKYDIR_ASSIGN_OR_RETURN(auto orgs, txn.ListOrgs());
        for (auto& org : orgs) {
          if (internal::EqualsIgnoreCase(org.name, id_or_name)) return std::move(org);
        }
        return NotFound("organization '" + std::string(id_or_name) + "' not found");
      });
}

Result<directory::Organization> Admin::UpdateOrgSettings(std::string_view org_id,
                                                         const directory::OrgSettings& settings) {
  return ModifyOrgSettings(org_id, [&](directory::OrgSettings& s) {
    s = settings;
    return Status::Ok();
  });
}

Result<directory::Organization> Admin::ModifyOrgSettings(
    std::string_view org_id, const std::function<Status(directory::OrgSettings&)>& change) {
  return InTransaction<directory::Organization>(
      store_, [&](store::Transaction& txn) -> Result<directory::Organization> {
        SKYDIR_ASSIGN_OR_RETURN(auto org, RequireOrg(txn, org_id));
        SKYDIR_RETURN_IF_ERROR(change(org.settings));
        org.updated = NowMicros();
        SKYDIR_RETURN_IF_ERROR(directory::ValidateOrganization(org));
        SKYDIR_RETURN_IF_ERROR(txn.UpdateOrg(org));
        SKYDIR_RETURN_IF_ERROR(internal::Audit(txn, org.id, "org_settings_update", "org", org.id));
        return org;
      });
}

Result<NewApiKey> Admin::CreateApiKey(std::string_view org_id, std::string_view name,
                                      directory::ApiKeyRole role) {
  return InTransaction<NewApiKey>(
      store_, [&](store::Transaction& txn) { return InsertNewKey(txn, org_id, name, role); });
}

Result<std::vector<directory::ApiKey>> Admin::ListApiKeys(std::string_view org_id) {
  return InTransaction<std::vector<directory::ApiKey>>(
      store_, [&](store::Transaction& txn) -> Result<std::vector<directory::ApiKey>> {
        if (!org_id.empty()) SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
        return txn.ListApiKeys(org_id);
      });
}

Status Admin::RevokeApiKey(std::string_view org_id, std::string_view key_id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    std::string not_found = "API key '" + std::string(key_id) + "' not found";
    if (!IsValidId(key_id)) return NotFound(not_found);
    auto key = txn.GetApiKey(key_id);
    if (!key.ok()) {
      return key.status().code() == Code::kNoSuchObject ? NotFound(not_found) : key.status();
    }
    if (key->org_id != org_id) return NotFound(not_found);
    SKYDIR_RETURN_IF_ERROR(txn.DeleteApiKey(key_id));
    return internal::Audit(txn, org_id, "apikey_revoke", "api_key", key_id,
                           JsonObject({{"name", key->name}}));
  });
}

Result<directory::ApiKey> Admin::AuthenticateApiKey(std::string_view secret) {
  const Status denied(Code::kInvalidCredentials, "invalid API key");
  std::string_view key_id = KeyIdOf(secret);
  if (key_id.empty()) return denied;
  auto result = InTransaction<directory::ApiKey>(
      store_, [&](store::Transaction& txn) -> Result<directory::ApiKey> {
        SKYDIR_ASSIGN_OR_RETURN(auto key, txn.GetApiKey(key_id));
        std::string presented = Sha256Hex(secret);
        if (key.secret_hash.size() != presented.size() ||
            CRYPTO_memcmp(key.secret_hash.data(), presented.data(), presented.size()) != 0) {
          return denied;
        }
        key.last_used = NowMicros();
        SKYDIR_RETURN_IF_ERROR(txn.TouchApiKey(key.id, key.last_used));
        return key;
      });
  if (!result.ok()) return denied;
  return result;
}

}  // namespace skydir::service
