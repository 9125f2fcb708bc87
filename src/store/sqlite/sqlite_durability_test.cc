// Change log, durability and concurrency of the SQLite store: reopen, rollback, a writer
// killed mid-transaction, two stores on one file, LoadOrg at scale, migrations.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "directory/visibility.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/test_util.h"

namespace skydir::store::sqlite::testing {
namespace {

using directory::Group;
using directory::User;

std::vector<std::pair<ChangeKind, std::string>> KindsAndIds(const std::vector<Change>& changes) {
  std::vector<std::pair<ChangeKind, std::string>> out;
  for (const Change& c : changes) out.emplace_back(c.kind, c.object_id);
  return out;
}

TEST_F(StoreTest, ChangeLogOrderAndContents) {
  EXPECT_EQ(store_->LatestChangeSeq().value(), 0);
  auto org = NewOrg();
  int64_t after_org = store_->LatestChangeSeq().value();
  auto txn = Begin();
  User u = MakeUser(org.id, "u");
  Group g = MakeGroup(org.id, "g");
  ASSERT_TRUE(txn->InsertUser(u).ok());
  ASSERT_TRUE(txn->InsertGroup(g).ok());
  ASSERT_TRUE(txn->AddMember(org.id, g.id, MemberKind::kUser, u.id).ok());
  ASSERT_TRUE(txn->AddMember(org.id, g.id, MemberKind::kUser, u.id).ok());  // no change, no row
  ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kGroup, g.id, true).ok());
  ASSERT_TRUE(txn->InsertUser(u).code() == Code::kEntryAlreadyExists);  // failed: no row
  ASSERT_TRUE(txn->DeleteUser(org.id, u.id).ok());
  ASSERT_TRUE(txn->Commit().ok());

  auto changes = store_->ChangesSince(0, 100).value();
  ASSERT_EQ(changes.size(), 8u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kOrg);
  EXPECT_EQ(changes[0].seq, after_org);
  using P = std::pair<ChangeKind, std::string>;
  std::vector<P> expected = {
      {ChangeKind::kUser, u.id}, {ChangeKind::kGroup, g.id}, {ChangeKind::kGroup, g.id},
      {ChangeKind::kUser, u.id}, {ChangeKind::kLdap, g.id},  {ChangeKind::kGroup, g.id},
      {ChangeKind::kUser, u.id},
  };
  auto tail = store_->ChangesSince(after_org, 100).value();
  EXPECT_EQ(KindsAndIds(tail), expected);
  for (size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i].org_id, org.id);
    EXPECT_GT(changes[i].time, 0);
    if (i > 0) {
      EXPECT_GT(changes[i].seq, changes[i - 1].seq);
    }
  }
  EXPECT_EQ(store_->ChangesSince(after_org, 2)->size(), 2u);
  EXPECT_EQ(store_->LatestChangeSeq().value(), changes.back().seq);
}

TEST_F(StoreTest, RolledBackChangesDoNotBurnVisibleSeqsOrLeaveRows) {
  auto org = NewOrg();
  int64_t before = store_->LatestChangeSeq().value();
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertUser(MakeUser(org.id, "ghost")).ok());
    ASSERT_TRUE(txn->InsertGroup(MakeGroup(org.id, "ghosts")).ok());
  }  // destroyed without Commit
  EXPECT_EQ(store_->LatestChangeSeq().value(), before);
  auto data = store_->LoadOrg(org.id).value();
  EXPECT_TRUE(data.users.empty());
  EXPECT_TRUE(data.groups.empty());
  auto txn = Begin();  // the lock was released by the destructor
  ASSERT_TRUE(txn->InsertUser(MakeUser(org.id, "real")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_GT(store_->LatestChangeSeq().value(), before);
}

TEST_F(StoreTest, ReopenFindsEverything) {
  auto org = NewOrg();
  User u = MakeUser(org.id, "persist");
  u.attributes = {{"k", "v"}};
  Group g = MakeGroup(org.id, "persisted");
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertUser(u).ok());
    ASSERT_TRUE(txn->InsertGroup(g).ok());
    ASSERT_TRUE(txn->AddMember(org.id, g.id, MemberKind::kUser, u.id).ok());
    ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kGroup, g.id, true).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  int64_t seq = store_->LatestChangeSeq().value();
  Reopen();
  auto data = store_->LoadOrg(org.id);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->org.name, org.name);
  ASSERT_EQ(data->users.size(), 1u);
  EXPECT_EQ(data->users[0].attributes, u.attributes);
  ASSERT_EQ(data->groups.size(), 1u);
  EXPECT_EQ(data->groups[0].member_users, std::vector<std::string>{u.id});
  EXPECT_EQ(data->ldap.group_ids, std::vector<std::string>{g.id});
  EXPECT_EQ(store_->LatestChangeSeq().value(), seq);
  EXPECT_TRUE(directory::ComputeLdapView(*data, 0).IsUserVisible(u.id));
}

TEST_F(StoreTest, SchemaIsVersioned) {
  store_.reset();
  Connection::Options options;
  auto conn = Connection::Open(path_, options);
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(SchemaVersion(**conn).value(), Migrations().back().version);
  ASSERT_TRUE(ApplyMigrations(**conn).ok());  // idempotent
  ASSERT_TRUE((*conn)->Exec("UPDATE schema_version SET version = 999").ok());
  conn->reset();
  auto newer = SqliteStore::Open(path_);
  EXPECT_EQ(newer.status().code(), Code::kUnavailable);
}

// Returns the result of PRAGMA integrity_check on `path`.
std::string IntegrityCheck(const std::string& path) {
  auto conn = Connection::Open(path, Connection::Options{});
  if (!conn.ok()) return conn.status().ToString();
  auto stmt = (*conn)->Prepare("PRAGMA integrity_check");
  if (!stmt.ok()) return stmt.status().ToString();
  auto row = stmt->Step();
  return row.ok() && *row ? stmt->Text(0) : "no row";
}

// A child process opens its own store, writes several rows without committing, and dies:
// by _exit (no destructor runs, no rollback) or by SIGKILL while it waits.
void CrashMidTransaction(const std::string& path, const std::string& org_id, bool sigkill) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = SqliteStore::Open(path);
    if (!store.ok()) _exit(2);
    auto txn = (*store)->Begin();
    if (!txn.ok()) _exit(3);
    for (int i = 0; i < 50; ++i) {
      User u = MakeUser(org_id, "crash" + std::to_string(i));
      u.attributes = {{"filler", std::string(2000, 'x')}};  // spill pages into the WAL
      if (!(*txn)->InsertUser(u).ok()) _exit(4);
    }
    if (!(*txn)->InsertGroup(MakeGroup(org_id, "crash")).ok()) _exit(5);
    if (sigkill) {
      char byte = 1;
      (void)!write(ready[1], &byte, 1);
      for (;;) pause();
    }
    _exit(0);  // no Commit, no destructors
  }
  close(ready[1]);
  if (sigkill) {
    char byte = 0;
    ASSERT_EQ(read(ready[0], &byte, 1), 1);
    kill(pid, SIGKILL);
  }
  close(ready[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  if (sigkill) {
    EXPECT_TRUE(WIFSIGNALED(status));
  } else {
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

TEST_F(StoreTest, CrashMidTransactionLeavesNothing) {
  auto org = NewOrg();
  int64_t seq = store_->LatestChangeSeq().value();
  for (bool sigkill : {false, true}) {
    store_.reset();  // nothing of ours is open across fork()
    CrashMidTransaction(path_, org.id, sigkill);
    EXPECT_EQ(IntegrityCheck(path_), "ok");
    Reopen();
    auto data = store_->LoadOrg(org.id);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    // Only the user committed after the first crash, none of the dead writer's rows.
    EXPECT_EQ(data->users.size(), sigkill ? 1u : 0u);
    EXPECT_TRUE(data->groups.empty());
    EXPECT_EQ(store_->LatestChangeSeq().value(), seq);
    // And the file is writable again: the dead writer's lock is gone.
    auto txn = Begin();
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(txn->InsertUser(MakeUser(org.id, sigkill ? "after2" : "after1")).ok());
    ASSERT_TRUE(txn->Commit().ok());
    seq = store_->LatestChangeSeq().value();
  }
}

TEST_F(StoreTest, TwoStoresOnOneFileSeeEachOther) {
  auto org = NewOrg();
  auto second = SqliteStore::Open(path_);  // as the CLI would, next to the server
  ASSERT_TRUE(second.ok());
  int64_t seq = store_->LatestChangeSeq().value();
  {
    auto txn = (*second)->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->InsertUser(MakeUser(org.id, "from-cli")).ok());
    // The other store's writer waits; its readers do not see uncommitted rows.
    EXPECT_TRUE(store_->LoadOrg(org.id)->users.empty());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(store_->LoadOrg(org.id)->users.size(), 1u);
  auto changes = store_->ChangesSince(seq, 10).value();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kUser);

  // A writer blocked by the other store proceeds once that one commits.
  auto held = (*second)->Begin();
  ASSERT_TRUE(held.ok());
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE((*held)->InsertUser(MakeUser(org.id, "second")).ok());
    ASSERT_TRUE((*held)->Commit().ok());
  });
  auto txn = Begin();  // waits on SQLite's busy timeout for the other process-like writer
  ASSERT_NE(txn, nullptr);
  ASSERT_TRUE(txn->InsertUser(MakeUser(org.id, "third")).ok());
  ASSERT_TRUE(txn->Commit().ok());
  committer.join();
  EXPECT_EQ((*second)->LoadOrg(org.id)->users.size(), 3u);
  EXPECT_EQ((*second)->ChangesSince(seq, 10)->size(), 3u);
}

TEST_F(StoreTest, BusyWriterTimesOut) {
  store_.reset();
  auto a = SqliteStore::Open(path_, SqliteOptions{.busy_timeout_ms = 100});
  auto b = SqliteStore::Open(path_, SqliteOptions{.busy_timeout_ms = 100});
  ASSERT_TRUE(a.ok() && b.ok());
  auto held = (*a)->Begin();
  ASSERT_TRUE(held.ok());
  EXPECT_EQ((*b)->Begin().status().code(), Code::kBusy);  // another connection holds the lock
  EXPECT_EQ((*a)->Begin().status().code(), Code::kBusy);  // the same store's writer is taken
}

TEST_F(StoreTest, LoadOrgTwentyThousandUsers) {
  constexpr int kUsers = 20000;
  constexpr int kGroups = 200;
  auto org = NewOrg();
  std::vector<std::string> user_ids;
  {
    auto txn = Begin();
    for (int i = 0; i < kUsers; ++i) {
      User u = MakeUser(org.id, "user" + std::to_string(i));
      u.first_name = "First";
      u.last_name = "Last" + std::to_string(i);
      u.unix_uid = 10000 + i;
      if (i % 4 == 0) u.attributes = {{"costCenter", std::to_string(i % 97)}};
      ASSERT_TRUE(txn->InsertUser(u).ok());
      user_ids.push_back(u.id);
    }
    for (int g = 0; g < kGroups; ++g) {
      Group group = MakeGroup(org.id, "group" + std::to_string(g));
      ASSERT_TRUE(txn->InsertGroup(group).ok());
      for (int i = g; i < kUsers; i += kGroups) {
        ASSERT_TRUE(txn->AddMember(org.id, group.id, MemberKind::kUser, user_ids[i]).ok());
      }
      ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kGroup, group.id, true).ok());
    }
    ASSERT_TRUE(txn->Commit().ok());
  }
  Result<directory::OrgData> data = Status(Code::kOther, "not loaded");
  for (const char* pass : {"cold", "warm"}) {
    auto start = std::chrono::steady_clock::now();
    data = store_->LoadOrg(org.id);
    auto elapsed = std::chrono::steady_clock::now() - start;
    long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    std::printf("LoadOrg (%s): %d users, %d groups, %d memberships: %lld ms\n", pass, kUsers,
                kGroups, kUsers, ms);
  }
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->users.size(), static_cast<size_t>(kUsers));
  EXPECT_EQ(data->groups.size(), static_cast<size_t>(kGroups));
  size_t members = 0;
  for (const Group& g : data->groups) members += g.member_users.size();
  EXPECT_EQ(members, static_cast<size_t>(kUsers));
  EXPECT_EQ(directory::ComputeLdapView(*data, 0).users.size(), static_cast<size_t>(kUsers));
}

}  // namespace
}  // namespace skydir::store::sqlite::testing
