#include "service/actor.h"

#include <gtest/gtest.h>

#include <thread>

namespace skydir::service {
namespace {

TEST(ActorTest, ScopesNestAndAreThreadLocal) {
  EXPECT_EQ(CurrentActor().type, "system");
  {
    ScopedActor outer({"cli", "root", ""});
    EXPECT_EQ(CurrentActor().id, "root");
    {
      ScopedActor inner({"api_key", "k1", "10.0.0.1"});
      EXPECT_EQ(CurrentActor().id, "k1");
      std::thread([] { EXPECT_EQ(CurrentActor().type, "system"); }).join();
    }
    EXPECT_EQ(CurrentActor().id, "root");
  }
  EXPECT_EQ(CurrentActor().type, "system");
}

}  // namespace
}  // namespace skydir::service
