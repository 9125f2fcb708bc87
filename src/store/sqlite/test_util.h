// Fixtures shared by the SQLite store tests: a temp dir per test and model builders.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/ids.h"
#include "store/sqlite/sqlite_store.h"

namespace skydir::store::sqlite::testing {

inline directory::Organization MakeOrg(std::string name = "Acme") {
  directory::Organization org;
  org.id = NewId();
  org.name = std::move(name);
  org.created = org.updated = 1000;
  return org;
}

inline directory::User MakeUser(const std::string& org_id, const std::string& username) {
  directory::User u;
  u.id = NewId();
  u.org_id = org_id;
  u.username = username;
  u.email = username + "@example.com";
  u.state = directory::UserState::kActivated;
  u.created = u.updated = 2000;
  return u;
}

inline directory::Group MakeGroup(const std::string& org_id, const std::string& name) {
  directory::Group g;
  g.id = NewId();
  g.org_id = org_id;
  g.name = name;
  g.created = g.updated = 3000;
  return g;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "skydir-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/skydir.db";
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto opened = SqliteStore::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  std::unique_ptr<Transaction> Begin() {
    auto txn = store_->Begin();
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    return txn.ok() ? std::move(txn).value() : nullptr;
  }
  // Inserts an org in its own committed transaction.
  directory::Organization NewOrg(std::string name = "Acme") {
    directory::Organization org = MakeOrg(std::move(name));
    auto txn = Begin();
    EXPECT_TRUE(txn->InsertOrg(org).ok());
    EXPECT_TRUE(txn->Commit().ok());
    return org;
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

}  // namespace skydir::store::sqlite::testing
