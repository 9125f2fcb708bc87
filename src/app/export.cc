#include "app/export.h"

#include <iostream>

#include "common/time.h"
#include "dit/snapshot.h"
#include "ldif/writer.h"
#include "store/sqlite/sqlite_store.h"

namespace skydir::app {

// The entries exactly as LDAP serves them (user attributes), plus each user's stored password
// hash as userPassword so that `skydir import` of the file restores working logins. Only users
// and groups connected to LDAP appear, as in LDAP itself.
int RunExport(const Settings& settings, const std::string& org_id, std::ostream& out) {
  auto store = store::sqlite::SqliteStore::Open(settings.data_dir + "/skydir.db");
  if (!store.ok()) {
    std::cerr << "skydir: error: cannot open the store: " << store.status().message() << "\n";
    return 1;
  }
  auto data = (*store)->LoadOrg(org_id);
  if (!data.ok()) {
    std::cerr << "skydir: error: " << (data.status().code() == Code::kNoSuchObject
                                           ? "no organization with id '" + org_id + "'"
                                           : data.status().message())
              << "\n";
    return 1;
  }
  dit::SnapshotOptions options;
  options.suffix = settings.ldap.suffix;
  auto snapshot = dit::Snapshot::Build(*data, options, NowMicros());
  ldif::LdifWriter writer(out);
  for (uint32_t i = 0; i < snapshot->size(); ++i) {
    const dit::Entry& e = snapshot->entry(i);
    ldif::LdifRecord record;
    record.dn = e.dn();
    for (dit::EncodedAttribute a : e.attributes()) {
      const dit::AttributeType& type = dit::TypeOf(a.attr);
      if (type.usage != dit::Usage::kUser) continue;
      for (std::string_view v : a.values()) record.attributes.emplace_back(type.name, v);
    }
    if (e.kind == dit::EntryKind::kUser && !e.password_hash().empty()) {
      record.attributes.emplace_back("userPassword", e.password_hash());
    }
    if (Status s = writer.Write(record); !s.ok()) {
      std::cerr << "skydir: error: " << s.message() << "\n";
      return 1;
    }
  }
  out.flush();
  return out ? 0 : 1;
}

}  // namespace skydir::app
