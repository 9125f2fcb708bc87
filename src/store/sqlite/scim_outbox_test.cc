// Applications and the provisioning outbox: jobs are written with the change that causes them,
// one per object, bumped rather than duplicated, and never lost by a rollback.
#include <gtest/gtest.h>

#include "store/sqlite/test_util.h"

namespace skydir::store::sqlite {
namespace {

using testing::MakeGroup;
using testing::MakeUser;

class ScimOutboxTest : public testing::StoreTest {
 protected:
  directory::Application NewApp(const std::string& org_id) {
    directory::Application app;
    app.id = NewId();
    app.org_id = org_id;
    app.name = "Infisical";
    app.scim.base_url = "http://127.0.0.1:1/scim/v2";
    app.scim.sealed_token = "sealed";
    app.created = app.updated = 5000;
    auto txn = Begin();
    EXPECT_TRUE(txn->InsertApplication(app).ok());
    EXPECT_TRUE(txn->Commit().ok());
    return app;
  }
  std::vector<ScimJob> Due(const std::string& app_id) {
    auto txn = Begin();
    auto jobs = txn->DueScimJobs(app_id, NowMicros() + 1, 100);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    return jobs.ok() ? *jobs : std::vector<ScimJob>{};
  }
  static int64_t NowMicros() { return 1'000'000'000'000'000; }
};

TEST_F(ScimOutboxTest, ApplicationRoundTripsAndListsPerOrg) {
  auto org = NewOrg();
  auto other = NewOrg("Other");
  auto app = NewApp(org.id);
  NewApp(other.id);
  auto txn = Begin();
  auto read = txn->GetApplication(org.id, app.id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->name, "Infisical");
  EXPECT_EQ(read->scim.sealed_token, "sealed");
  EXPECT_EQ(read->scim.concurrency, 4u);
  EXPECT_EQ(txn->GetApplication(other.id, app.id).status().code(), Code::kNoSuchObject);
  EXPECT_EQ(txn->ListApplications(org.id)->size(), 1u);
  EXPECT_EQ(txn->ListApplications("")->size(), 2u);
}

TEST_F(ScimOutboxTest, UserChangesEnqueueOneJobPerObjectInTheSameTransaction) {
  auto org = NewOrg();
  auto app = NewApp(org.id);
  ASSERT_EQ(Due(app.id).size(), 1u);  // the application's own job
  auto user = MakeUser(org.id, "ada");
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertUser(user).ok());
    // Rolled back: neither the user nor its job exists.
  }
  EXPECT_EQ(Due(app.id).size(), 1u);
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertUser(user).ok());
    user.title = "Engineer";
    ASSERT_TRUE(txn->UpdateUser(user).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto jobs = Due(app.id);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].kind, ScimJobKind::kUser);
  EXPECT_EQ(jobs[1].object_id, user.id);
  EXPECT_EQ(jobs[1].generation, 2);  // bumped, not duplicated
}

TEST_F(ScimOutboxTest, ABumpDuringDeliveryKeepsTheJob) {
  auto org = NewOrg();
  auto app = NewApp(org.id);
  auto user = MakeUser(org.id, "ada");
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertUser(user).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto jobs = Due(app.id);
  ASSERT_EQ(jobs.size(), 2u);
  const ScimJob taken = jobs[1];
  {
    auto txn = Begin();
    user.title = "Lead";
    ASSERT_TRUE(txn->UpdateUser(user).ok());
    ASSERT_TRUE(txn->CompleteScimJob(jobs[0]).ok());
    ASSERT_TRUE(txn->CompleteScimJob(taken).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  jobs = Due(app.id);
  ASSERT_EQ(jobs.size(), 1u);  // the user changed again while its job ran
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->CompleteScimJob(jobs[0]).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_TRUE(Due(app.id).empty());
}

TEST_F(ScimOutboxTest, RetriesWaitAndDeadJobsReviveOnTheNextChange) {
  auto org = NewOrg();
  auto app = NewApp(org.id);
  auto user = MakeUser(org.id, "ada");
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertUser(user).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto jobs = Due(app.id);
  ASSERT_EQ(jobs.size(), 2u);
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->RetryScimJob(jobs[0], NowMicros() + 10'000'000, "503").ok());
    ASSERT_TRUE(txn->FailScimJob(jobs[1], "400 bad email").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_TRUE(Due(app.id).empty());
  {
    auto txn = Begin();
    auto counts = txn->CountScim(app.id);
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->pending_jobs, 1);
    EXPECT_EQ(counts->failed_jobs, 1);
    user.email = "ada@example.org";
    ASSERT_TRUE(txn->UpdateUser(user).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  jobs = Due(app.id);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].object_id, user.id);
  EXPECT_EQ(jobs[0].attempts, 0);
}

TEST_F(ScimOutboxTest, LinksAndAssociationsFollowTheApplication) {
  auto org = NewOrg();
  auto app = NewApp(org.id);
  auto group = MakeGroup(org.id, "eng");
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertGroup(group).ok());
    ASSERT_TRUE(txn->SetApplicationGroup(org.id, app.id, group.id, true).ok());
    ScimLink link{app.id, MemberKind::kUser, "u1", "remote-1", "{}", true, 1};
    ASSERT_TRUE(txn->PutScimLink(link).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    auto txn = Begin();
    EXPECT_EQ(txn->GetApplication(org.id, app.id)->group_ids, std::vector<std::string>{group.id});
    ASSERT_TRUE(txn->DeleteGroup(org.id, group.id).ok());
    EXPECT_TRUE(txn->GetApplication(org.id, app.id)->group_ids.empty());
    ASSERT_TRUE(txn->DeleteApplication(org.id, app.id).ok());
    EXPECT_TRUE(txn->ListScimLinks(app.id)->empty());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_TRUE(Due(app.id).empty());
}

}  // namespace
}  // namespace skydir::store::sqlite
