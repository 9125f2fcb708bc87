#include "api/list_query.h"

#include <gtest/gtest.h>

namespace skydir::api {
namespace {

namespace json = boost::json;

const std::vector<std::string> kFields = {"_id", "id", "username", "uid", "admin"};

http::Request WithQuery(std::vector<std::pair<std::string, std::string>> query) {
  http::Request r;
  r.query = std::move(query);
  return r;
}

std::vector<json::object> Items() {
  std::vector<json::object> items;
  const char* names[] = {"carol", "alice", "bob", "dave"};
  for (int i = 0; i < 4; ++i) {
    items.push_back(json::object{{"_id", std::to_string(i)},
                                 {"id", std::to_string(i)},
                                 {"username", names[i]},
                                 {"uid", 10 - i},
                                 {"admin", i % 2 == 0}});
  }
  return items;
}

std::vector<std::string> Names(const std::vector<json::object>& page) {
  std::vector<std::string> out;
  for (const auto& o : page) out.emplace_back(o.at("username").as_string());
  return out;
}

TEST(ListQueryTest, DefaultsAndLimits) {
  auto q = ParseListQuery(WithQuery({}), Dialect::kV1, kFields);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->limit, 10u);
  EXPECT_FALSE(ParseListQuery(WithQuery({{"limit", "101"}}), Dialect::kV1, kFields).ok());
  EXPECT_FALSE(ParseListQuery(WithQuery({{"skip", "-1"}}), Dialect::kV1, kFields).ok());
  auto bad = ParseListQuery(WithQuery({{"sort", "nope"}}), Dialect::kV1, kFields);
  EXPECT_EQ(bad.status().message(), "sort: unknown field 'nope'");
}

TEST(ListQueryTest, SortsSkipsAndLimits) {
  auto q = ParseListQuery(WithQuery({{"sort", "-username"}, {"skip", "1"}, {"limit", "2"}}),
                          Dialect::kV1, kFields);
  ASSERT_TRUE(q.ok());
  size_t total = 0;
  auto page = ApplyListQuery(Items(), *q, &total);
  EXPECT_EQ(total, 4u);
  EXPECT_EQ(Names(page), (std::vector<std::string>{"carol", "bob"}));
  q = ParseListQuery(WithQuery({{"sort", "uid"}}), Dialect::kV2, kFields);
  page = ApplyListQuery(Items(), *q, &total);
  EXPECT_EQ(Names(page), (std::vector<std::string>{"dave", "bob", "alice", "carol"}));
}

TEST(ListQueryTest, FiltersInBothDialects) {
  auto q = ParseListQuery(WithQuery({{"filter", "username:$eq:bob"}}), Dialect::kV1, kFields);
  ASSERT_TRUE(q.ok());
  size_t total = 0;
  EXPECT_EQ(Names(ApplyListQuery(Items(), *q, &total)), (std::vector<std::string>{"bob"}));
  EXPECT_EQ(total, 1u);
  q = ParseListQuery(WithQuery({{"filter", "admin:eq:true"}, {"filter", "uid:ne:10"}}),
                     Dialect::kV2, kFields);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Names(ApplyListQuery(Items(), *q, &total)), (std::vector<std::string>{"bob"}));
  // Each dialect spells its operators its own way.
  EXPECT_FALSE(
      ParseListQuery(WithQuery({{"filter", "username:eq:bob"}}), Dialect::kV1, kFields).ok());
  EXPECT_FALSE(
      ParseListQuery(WithQuery({{"filter", "username:$eq:bob"}}), Dialect::kV2, kFields).ok());
  EXPECT_FALSE(ParseListQuery(WithQuery({{"filter", "username"}}), Dialect::kV2, kFields).ok());
}

TEST(ListQueryTest, FieldsProjectButKeepIds) {
  auto q = ParseListQuery(WithQuery({{"fields", "username uid"}}), Dialect::kV1, kFields);
  ASSERT_TRUE(q.ok());
  size_t total = 0;
  auto page = ApplyListQuery(Items(), *q, &total);
  ASSERT_EQ(page.size(), 4u);
  EXPECT_EQ(page[0].size(), 4u);  // _id, id, username, uid
  EXPECT_FALSE(page[0].contains("admin"));
}

}  // namespace
}  // namespace skydir::api

namespace skydir::api {
namespace {

TEST(ListQuerySearchTest, SearchesTheResourcesSearchFieldsIgnoringCase) {
  auto q = ParseListQuery(WithQuery({{"search", "ALI"}}), Dialect::kV1, kFields, {"username"});
  ASSERT_TRUE(q.ok());
  size_t total = 0;
  auto page = ApplyListQuery(Items(), *q, &total);
  ASSERT_EQ(total, 1u);
  EXPECT_EQ(page[0].at("username").as_string(), "alice");
  EXPECT_EQ(ParseListQuery(WithQuery({{"search", "x"}}), Dialect::kV1, kFields).status().code(),
            Code::kConstraintViolation);  // a list without search fields refuses it
}

TEST(ListQuerySearchTest, KeyFieldsAreWhatFilteringAndSortingRead) {
  auto q = ParseListQuery(
      WithQuery({{"filter", "admin:$eq:true"}, {"sort", "-uid"}, {"fields", "username"}}),
      Dialect::kV1, kFields, {"username"});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->KeyFields(), (std::vector<std::string>{"admin", "uid"}));
  q->search = "a";
  EXPECT_EQ(q->KeyFields(), (std::vector<std::string>{"admin", "uid", "username"}));
}

}  // namespace
}  // namespace skydir::api
