// A fixture for Admin tests: a real SqliteStore in a fresh temporary directory, a cheap
// Argon2id cost, and one org ("acme").
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "service/admin.h"
#include "store/sqlite/sqlite_store.h"

namespace skydir::service {

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/skydir-admin-test-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    settings_.password.argon2_ops_limit = 1;
    settings_.password.argon2_mem_limit_kib = 8;  // raised to libsodium's minimum
    hasher_ = std::make_unique<PasswordHasher>(settings_.password);
    auto store = store::sqlite::SqliteStore::Open(dir_ + "/skydir.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    admin_ = std::make_unique<Admin>(*store_, *hasher_, settings_);
    auto org = admin_->CreateOrg("acme");
    ASSERT_TRUE(org.ok()) << org.status().ToString();
    org_ = org->org.id;
  }

  void TearDown() override {
    admin_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  directory::User MakeUser(const std::string& username, bool with_password = false) {
    UserInput in;
    in.username = username;
    in.email = username + "@example.com";
    if (with_password) in.password = "correct horse battery";
    auto user = admin_->CreateUser(org_, in);
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    return user.ok() ? *user : directory::User{};
  }

  directory::Group MakeGroup(const std::string& name) {
    auto group = admin_->CreateGroup(org_, GroupInput{name, "", std::nullopt});
    EXPECT_TRUE(group.ok()) << group.status().ToString();
    return group.ok() ? *group : directory::Group{};
  }

  std::string dir_;
  Settings settings_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Admin> admin_;
  std::string org_;
};

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

// Asserts that a Status or Result failed with `code` and a message starting with `prefix`.
#define EXPECT_FAILS_WITH(expr, code_, prefix)                                   \
  do {                                                                           \
    Status status_ = StatusOf(expr);                                                     \
    EXPECT_EQ(status_.code(), (code_)) << status_.ToString();                    \
    EXPECT_EQ(status_.message().rfind((prefix), 0), 0u) << status_.message();    \
  } while (0)

}  // namespace skydir::service
