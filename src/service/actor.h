// Who is making an administrative change, for the audit trail. The front end that accepts a
// request (API handler, `skydir` command) sets it for the duration of the Admin call with a
// ScopedActor on the thread that makes the call; Admin reads it when it records the change.
#pragma once

#include <string>

namespace skydir::service {

struct Actor {
  std::string type = "system";  // "api_key", "cli", "user", "system"
  std::string id;               // key id, OS user, DN; never a secret
  std::string client_ip;
};

// The actor of the calling thread ({"system"} when none is set).
const Actor& CurrentActor();

// Sets the calling thread's actor until destroyed (nests; restores the previous one).
class ScopedActor {
 public:
  explicit ScopedActor(Actor actor);
  ~ScopedActor();
  ScopedActor(const ScopedActor&) = delete;
  ScopedActor& operator=(const ScopedActor&) = delete;

 private:
  Actor actor_;
  const Actor* previous_;
};

}  // namespace skydir::service
