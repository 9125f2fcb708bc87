// Context (settings, store, Admin for one command run) and the error/input helpers.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

#include "app/cli.h"
#include "common/log.h"
#include "store/sqlite/sqlite_store.h"

namespace skydir::app {

int Fail(const std::string& message) {
  std::cerr << "skydir: error: " << message << "\n";
  return 1;
}

int Fail(const Status& status) { return Fail(status.message()); }

int UsageError(const std::string& message) {
  std::cerr << "skydir: error: " << message << "\n";
  return 2;
}

Result<std::string> ReadPasswordFromStdin() {
  std::string line;
  if (!std::getline(std::cin, line)) line.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return InvalidArgument("password: nothing read from standard input");
  return line;
}

const Settings* Context::LoadConfig() {
  if (loaded_ok_) return &loaded_.settings;
  std::vector<FlagOverride> flags;
  if (!data_dir.empty()) flags.push_back({"data_dir", data_dir, "--data-dir"});
  flags.insert(flags.end(), overrides.begin(), overrides.end());
  loaded_ = LoadSettings(config_path, ProcessEnvironment(), flags);
  if (!loaded_.errors.empty()) {
    for (const std::string& error : loaded_.errors) Fail(error);
    return nullptr;
  }
  // The log level applies to `skydir serve` (serve.cc); other commands log warnings only.
  loaded_ok_ = true;
  return &loaded_.settings;
}

service::Admin* Context::OpenAdmin() {
  if (admin_) return admin_.get();
  const Settings* settings = LoadConfig();
  if (settings == nullptr) return nullptr;
  const std::string& dir = settings->data_dir;
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    if (mkdir(dir.c_str(), 0700) != 0) {
      Fail("cannot create data directory " + dir + ": " + std::strerror(errno));
      return nullptr;
    }
  } else if (!S_ISDIR(st.st_mode)) {
    Fail("data directory " + dir + " is not a directory");
    return nullptr;
  }
  auto store = store::sqlite::SqliteStore::Open(dir + "/skydir.db");
  if (!store.ok()) {
    Fail("cannot open " + dir + "/skydir.db: " + store.status().message());
    return nullptr;
  }
  store_ = std::move(store).value();
  hasher_ = std::make_unique<PasswordHasher>(settings->password);
  admin_ = std::make_unique<service::Admin>(*store_, *hasher_, *settings);
  return admin_.get();
}

service::Applications* Context::OpenApplications() {
  if (applications_) return applications_.get();
  if (OpenAdmin() == nullptr) return nullptr;
  const Settings& settings = loaded_.settings;
  auto box = service::SecretBox::LoadOrCreate(SecretKeyFile(settings));
  if (!box.ok()) {
    Fail(box.status());
    return nullptr;
  }
  secret_box_ = std::make_unique<service::SecretBox>(std::move(box).value());
  applications_ =
      std::make_unique<service::Applications>(*store_, *secret_box_, settings.provisioning);
  provisioner_ = std::make_unique<scim::Provisioner>(*store_, *applications_,
                                                     settings.provisioning, nullptr);
  return applications_.get();
}

}  // namespace skydir::app
