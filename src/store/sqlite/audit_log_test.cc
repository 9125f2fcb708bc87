#include <set>

#include "store/sqlite/test_util.h"

namespace skydir::store::sqlite::testing {
namespace {

AuditEvent Event(std::string org, std::string type, int64_t time, std::string actor = "svc") {
  AuditEvent e;
  e.org_id = std::move(org);
  e.service = type.rfind("ldap", 0) == 0 ? "ldap" : "directory";
  e.event_type = std::move(type);
  e.time = time;
  e.actor_type = "user";
  e.actor = std::move(actor);
  e.client_ip = "10.0.0.7";
  e.detail_json = R"({"reason":"wrong password"})";
  return e;
}

class AuditLogTest : public StoreTest {};

TEST_F(AuditLogTest, AppendAndQueryNewestFirst) {
  ASSERT_TRUE(store_->AppendAuditEvents({Event("a", "ldap_bind", 100), Event("a", "user_create", 200),
                                         Event("b", "ldap_bind", 300)})
                  .ok());
  AuditQuery q;
  q.org_id = "a";
  auto events = store_->QueryAuditEvents(q);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].event_type, "user_create");
  EXPECT_EQ((*events)[1].event_type, "ldap_bind");
  EXPECT_EQ((*events)[1].client_ip, "10.0.0.7");
  EXPECT_EQ((*events)[1].detail_json, R"({"reason":"wrong password"})");
}

TEST_F(AuditLogTest, FiltersByTimeServiceAndSearchTerm) {
  ASSERT_TRUE(store_->AppendAuditEvents({Event("a", "ldap_bind", 100, "uid=bob"),
                                         Event("a", "user_update", 200, "cli"),
                                         Event("a", "ldap_bind", 300, "uid=carol")})
                  .ok());
  AuditQuery q;
  q.org_id = "a";
  q.start_time = 150;
  EXPECT_EQ(store_->QueryAuditEvents(q)->size(), 2u);
  q.start_time = 0;
  q.end_time = 300;
  EXPECT_EQ(store_->QueryAuditEvents(q)->size(), 2u);
  q.end_time = 0;
  q.services = {"ldap"};
  EXPECT_EQ(store_->QueryAuditEvents(q)->size(), 2u);
  q.search_term = "carol";
  auto hits = store_->QueryAuditEvents(q);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].actor, "uid=carol");
}

TEST_F(AuditLogTest, CursorPagesWithoutOverlap) {
  std::vector<AuditEvent> batch;
  for (int i = 0; i < 25; ++i) batch.push_back(Event("a", "ldap_bind", 100 + i));
  ASSERT_TRUE(store_->AppendAuditEvents(batch).ok());
  AuditQuery q;
  q.org_id = "a";
  q.limit = 10;
  std::set<int64_t> seen;
  for (int page = 0; page < 3; ++page) {
    auto events = store_->QueryAuditEvents(q);
    ASSERT_TRUE(events.ok());
    for (const AuditEvent& e : *events) EXPECT_TRUE(seen.insert(e.id).second);
    if (events->empty()) break;
    q.after_id = events->back().id;
  }
  EXPECT_EQ(seen.size(), 25u);
}

TEST_F(AuditLogTest, EventInATransactionCommitsOrRollsBackWithIt) {
  {
    auto txn = store_->Begin();
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->AppendAuditEvent(Event("a", "user_delete", 100)).ok());
    // destroyed without Commit: rolled back
  }
  EXPECT_TRUE(store_->QueryAuditEvents(AuditQuery{})->empty());
  auto txn = store_->Begin();
  ASSERT_TRUE((*txn)->AppendAuditEvent(Event("a", "user_delete", 100)).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(store_->QueryAuditEvents(AuditQuery{})->size(), 1u);
}

TEST_F(AuditLogTest, PruneDeletesOnlyOldEvents) {
  ASSERT_TRUE(store_->AppendAuditEvents({Event("a", "ldap_bind", 100), Event("a", "ldap_bind", 200),
                                         Event("a", "ldap_bind", 300)})
                  .ok());
  auto pruned = store_->PruneAuditEvents(250);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 2);
  EXPECT_EQ(store_->QueryAuditEvents(AuditQuery{})->size(), 1u);
}

}  // namespace
}  // namespace skydir::store::sqlite::testing
