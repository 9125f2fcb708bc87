#include "scim/delivery.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <set>

#include "common/time.h"
#include "scim/resources.h"

namespace skydir::scim {

namespace json = boost::json;
using directory::Application;
using directory::Group;
using directory::User;
using store::MemberKind;
using store::ScimJob;
using store::ScimLink;

namespace {

Verdict Classify(const HttpReply& reply) {
  const long s = reply.status;
  if (s >= 200 && s < 300) return Verdict::kOk;
  if (s == 404) return Verdict::kNotFound;
  if (s == 401 || s == 403) return Verdict::kAuth;
  if (s == 0 || s == 408 || s == 425 || s == 429 || s >= 500) return Verdict::kRetry;
  return Verdict::kRefused;
}

// "POST /Users: 400 email invalid" for logs, job errors and the status page.
std::string Describe(std::string_view method, std::string_view path, const HttpReply& reply) {
  std::string where = std::string(method) + " " + std::string(path.substr(0, path.find('?')));
  if (reply.status == 0) return where + ": " + reply.error;
  std::string detail = ErrorDetail(reply.body);
  return where + ": " + std::to_string(reply.status) + (detail.empty() ? "" : " " + detail);
}

// Seconds of a Retry-After header (delay-seconds form); nullopt otherwise.
std::optional<int64_t> RetryAfterSeconds(const std::string& header) {
  if (header.empty() || header.size() > 9) return std::nullopt;
  int64_t seconds = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

}  // namespace

metrics::Counter* RequestCounter(std::string_view method, const HttpReply& reply) {
  static metrics::Family* family = metrics::Registry::Default().Register(
      "skydir_scim_requests_total", "SCIM requests sent to applications, by method and answer",
      metrics::Kind::kCounter, {"method", "status"});
  std::string status = reply.status == 0 ? "error" : std::to_string(reply.status / 100) + "xx";
  return family->CounterFor({std::string(method), status});
}

metrics::Counter* JobCounter(std::string_view result) {
  static metrics::Family* family = metrics::Registry::Default().Register(
      "skydir_scim_jobs_total", "Provisioning jobs finished, by result", metrics::Kind::kCounter,
      {"result"});
  return family->CounterFor({std::string(result)});
}

json::object ParseObject(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

Coverage ComputeCoverage(const directory::OrgData& org, const Application& app) {
  Coverage c;
  for (const User& u : org.users) c.users[u.id] = &u;
  for (const Group& g : org.groups) c.groups[g.id] = &g;
  for (const std::string& root : app.group_ids) {
    if (!c.groups.contains(root)) continue;
    std::set<std::string> members;
    std::unordered_set<std::string> seen{root};
    std::vector<const Group*> stack{c.groups[root]};
    while (!stack.empty()) {
      const Group* g = stack.back();
      stack.pop_back();
      for (const std::string& uid : g->member_users) {
        auto it = c.users.find(uid);
        if (it != c.users.end() && it->second->state == directory::UserState::kActivated) {
          members.insert(uid);
        }
      }
      for (const std::string& child : g->member_groups) {
        auto it = c.groups.find(child);
        if (it != c.groups.end() && seen.insert(child).second) stack.push_back(it->second);
      }
    }
    c.covered.insert(members.begin(), members.end());
    c.effective[root] = std::vector<std::string>(members.begin(), members.end());
  }
  return c;
}

HttpReply Batch::Send(ScimHttp& http, Outcome& o, std::string_view method,
                      const std::string& path, const std::string& body) const {
  HttpReply reply = http.Send(method, path, body);
  RequestCounter(method, reply)->Add();
  if (reply.status >= 200 && reply.status < 300) ++o.requests_ok;
  return reply;
}

Outcome& Batch::Fail(Outcome& o, std::string_view method, const std::string& path,
                     const HttpReply& reply) const {
  o.error = Describe(method, path, reply);
  switch (Classify(reply)) {
    case Verdict::kAuth:
      o.auth_failure = true;
      o.result = Outcome::Result::kRetry;
      break;
    case Verdict::kRetry:
      o.result = Outcome::Result::kRetry;
      if (auto seconds = RetryAfterSeconds(reply.retry_after)) {
        o.retry_after_micros = *seconds * kMicrosPerSecond;
      }
      break;
    default:
      o.result = Outcome::Result::kFailed;
      break;
  }
  return o;
}

void Batch::Event(Outcome& o, std::string_view type, std::string_view target_type,
                  std::string_view remote_id, long status) const {
  store::AuditEvent e;
  e.org_id = app_.org_id;
  e.service = "scim";
  e.event_type = std::string(type);
  e.success = true;
  e.actor_type = "system";
  e.actor = "provisioning";
  e.target_type = std::string(target_type);
  e.target_id = o.job->object_id;
  e.detail_json = json::serialize(json::object{{"application_id", app_.id},
                                               {"application", app_.name},
                                               {"remote_id", remote_id},
                                               {"status", status}});
  o.events.push_back(std::move(e));
}

std::optional<std::string> Batch::Lookup(ScimHttp& http, Outcome& o, std::string_view resource,
                                         std::string_view attribute, const std::string& value,
                                         bool* failed) const {
  const std::string path = "/" + std::string(resource) +
                           "?filter=" + http.Escape(EqFilter(attribute, value));
  HttpReply reply = Send(http, o, "GET", path);
  *failed = false;
  if (reply.status == 200) return FindListed(reply.body, attribute, value);
  // A target that cannot filter (400, 501) is simply asked to create; anything else is a failure.
  if (reply.status == 400 || reply.status == 501) return std::nullopt;
  Fail(o, "GET", path, reply);
  *failed = true;
  return std::nullopt;
}

bool Batch::Fetch(ScimHttp& http, Outcome& o, const std::string& remote_id, json::object& out,
                  bool& gone) const {
  const std::string path = "/Users/" + http.Escape(remote_id);
  HttpReply reply = Send(http, o, "GET", path);
  gone = reply.status == 404;
  if (gone) return true;
  if (reply.status != 200) {
    Fail(o, "GET", path, reply);
    return false;
  }
  out = ParseObject(reply.body);
  return true;
}

Verdict Batch::UpdateUser(ScimHttp& http, Outcome& o, const std::string& remote_id,
                          const json::object& before, const json::object& after) const {
  const std::string path = "/Users/" + http.Escape(remote_id);
  HttpReply reply;
  std::string_view method;
  if (patch_) {
    json::array ops = UserPatchOps(before, after);
    if (ops.empty()) return Verdict::kOk;
    method = "PATCH";
    reply = Send(http, o, method, path, json::serialize(PatchRequest(std::move(ops))));
  } else {
    json::object body = after;
    body["id"] = remote_id;
    method = "PUT";
    reply = Send(http, o, method, path, json::serialize(body));
  }
  Verdict v = Classify(reply);
  if (v != Verdict::kOk && v != Verdict::kNotFound) Fail(o, method, path, reply);
  return v;
}

Outcome Batch::User(ScimHttp& http, const ScimJob& job) const {
  Outcome o;
  o.job = &job;
  auto user_it = coverage_.users.find(job.object_id);
  const directory::User* user = user_it == coverage_.users.end() ? nullptr : user_it->second;
  auto link_it = user_links_.find(job.object_id);
  const ScimLink* link = link_it == user_links_.end() ? nullptr : &link_it->second;
  if (link) o.old_remote_id = link->remote_id;
  const bool wanted = user != nullptr && coverage_.covered.contains(job.object_id);

  if (!wanted) {
    o.result = Outcome::Result::kDone;
    if (link == nullptr) return o;
    const std::string path = "/Users/" + http.Escape(link->remote_id);
    if (app_.scim.deprovision == directory::Deprovision::kDelete) {
      HttpReply reply = Send(http, o, "DELETE", path);
      Verdict v = Classify(reply);
      if (v != Verdict::kOk && v != Verdict::kNotFound) return Fail(o, "DELETE", path, reply);
      o.delete_link = true;
      o.membership_changed = true;
      Event(o, "scim_user_delete", "user", link->remote_id, reply.status);
      return o;
    }
    // Already deactivated, unless a full sync forgot that (someone may have reactivated it).
    if (!link->active && !link->pushed.empty()) return o;
    json::object before = ParseObject(link->pushed);
    json::object after = before;
    if (after.empty() && user != nullptr) after = UserResource(*user, false);
    after["active"] = false;
    // PUT needs the whole resource; without one (never pushed), PATCH is the only way.
    HttpReply reply;
    std::string_view method = patch_ || after.size() <= 1 ? "PATCH" : "PUT";
    if (method == "PATCH") {
      json::array ops{json::object{{"op", "replace"}, {"path", "active"}, {"value", false}}};
      reply = Send(http, o, method, path, json::serialize(PatchRequest(std::move(ops))));
    } else {
      json::object body = after;
      body["id"] = link->remote_id;
      reply = Send(http, o, method, path, json::serialize(body));
    }
    const Verdict v = Classify(reply);
    if (v == Verdict::kNotFound) {  // already gone from the target
      o.delete_link = true;
      o.membership_changed = true;
      return o;
    }
    if (v != Verdict::kOk) return Fail(o, method, path, reply);
    ScimLink updated = *link;
    updated.active = false;
    updated.pushed = json::serialize(after);
    updated.updated = NowMicros();
    o.put_link = std::move(updated);
    o.membership_changed = true;
    Event(o, "scim_user_deactivate", "user", link->remote_id, reply.status);
    return o;
  }

  const json::object doc = UserResource(*user, true);
  const std::string text = json::serialize(doc);
  auto linked = [&](const std::string& remote_id, std::string_view event, long status) {
    ScimLink l{app_.id, MemberKind::kUser, job.object_id, remote_id, text, true, NowMicros()};
    o.membership_changed = link == nullptr || !link->active || link->remote_id != remote_id;
    o.put_link = std::move(l);
    o.result = Outcome::Result::kDone;
    Event(o, event, "user", remote_id, status);
    return o;
  };
  if (link != nullptr) {
    if (link->active && link->pushed == text) {
      o.result = Outcome::Result::kDone;
      return o;
    }
    json::object before = ParseObject(link->pushed);
    bool gone = false;
    if (before.empty() && !Fetch(http, o, link->remote_id, before, gone)) return o;
    Verdict v = gone ? Verdict::kNotFound : UpdateUser(http, o, link->remote_id, before, doc);
    if (v == Verdict::kOk) {
      return linked(link->remote_id, link->active ? "scim_user_update" : "scim_user_reactivate",
                    200);
    }
    if (v != Verdict::kNotFound) return o;
    o.error.clear();  // the target lost it: create it again below
  }
  bool failed = false;
  std::optional<std::string> existing = Lookup(http, o, "Users", "userName", user->email, &failed);
  if (failed) return o;
  if (existing) {
    json::object before;
    bool gone = false;
    if (!Fetch(http, o, *existing, before, gone)) return o;
    Verdict v = gone ? Verdict::kNotFound : UpdateUser(http, o, *existing, before, doc);
    if (v == Verdict::kOk) return linked(*existing, "scim_user_adopt", 200);
    if (v == Verdict::kNotFound) {
      o.result = Outcome::Result::kRetry;
      o.error = "PATCH /Users: 404 right after the lookup found it";
    }
    return o;
  }
  HttpReply reply = Send(http, o, "POST", "/Users", text);
  if (Classify(reply) != Verdict::kOk) return Fail(o, "POST", "/Users", reply);
  std::optional<std::string> id = ResourceId(reply.body);
  if (!id) {
    o.result = Outcome::Result::kFailed;
    o.error = "POST /Users: " + std::to_string(reply.status) + " without an id in the reply";
    return o;
  }
  return linked(*id, "scim_user_create", reply.status);
}

Outcome Batch::Group(ScimHttp& http, const ScimJob& job) const {
  Outcome o;
  o.job = &job;
  o.result = Outcome::Result::kDone;
  if (!app_.scim.group_management) return o;
  auto group_it = coverage_.groups.find(job.object_id);
  const directory::Group* group =
      group_it == coverage_.groups.end() ? nullptr : group_it->second;
  auto link_it = group_links_.find(job.object_id);
  const ScimLink* link = link_it == group_links_.end() ? nullptr : &link_it->second;
  auto effective = coverage_.effective.find(job.object_id);
  const bool associated = group != nullptr && effective != coverage_.effective.end();

  std::vector<GroupMember> members;
  if (associated) {
    for (const std::string& uid : effective->second) {
      auto l = user_links_.find(uid);
      if (l == user_links_.end() || !l->second.active) continue;
      members.push_back({l->second.remote_id, coverage_.users.at(uid)->email});
    }
  }
  if (!associated || (link == nullptr && members.empty())) {
    if (link == nullptr) return o;
    const std::string path = "/Groups/" + http.Escape(link->remote_id);
    HttpReply reply = Send(http, o, "DELETE", path);
    Verdict v = Classify(reply);
    if (v != Verdict::kOk && v != Verdict::kNotFound) return Fail(o, "DELETE", path, reply);
    o.delete_link = true;
    Event(o, "scim_group_delete", "group", link->remote_id, reply.status);
    return o;
  }

  const json::object doc = GroupResource(group->name, group->id, members);
  const std::string text = json::serialize(doc);
  auto linked = [&](const std::string& remote_id, std::string_view event, long status) {
    o.put_link = ScimLink{app_.id, MemberKind::kGroup, job.object_id, remote_id, text, true,
                          NowMicros()};
    o.result = Outcome::Result::kDone;
    Event(o, event, "group", remote_id, status);
    return o;
  };
  // Brings the remote group `remote_id` to `doc`: PATCH with member adds and removes from
  // `before` (all members replaced when `before` is unknown), or PUT.
  auto update = [&](const std::string& remote_id, const json::object& before) -> Verdict {
    const std::string path = "/Groups/" + http.Escape(remote_id);
    std::string_view method = patch_ ? "PATCH" : "PUT";
    std::string body;
    if (patch_) {
      json::array ops;
      const json::value* old_name = before.if_contains("displayName");
      if (old_name == nullptr || *old_name != doc.at("displayName")) {
        ops.push_back(json::object{{"op", "replace"}, {"path", "displayName"},
                                   {"value", doc.at("displayName")}});
      }
      const json::value* old_members = before.if_contains("members");
      if (old_members == nullptr || !old_members->is_array()) {
        ops.push_back(
            json::object{{"op", "replace"}, {"path", "members"}, {"value", doc.at("members")}});
      } else {
        std::set<std::string> had, has;
        for (const json::value& m : old_members->as_array()) {
          if (m.is_object() && m.as_object().contains("value")) {
            had.insert(std::string(m.as_object().at("value").as_string()));
          }
        }
        json::array added, removed;
        for (const json::value& m : doc.at("members").as_array()) {
          std::string value(m.as_object().at("value").as_string());
          has.insert(value);
          if (!had.contains(value)) added.push_back(m);
        }
        for (const std::string& value : had) {
          if (!has.contains(value)) removed.push_back(json::object{{"value", value}});
        }
        if (!added.empty()) {
          ops.push_back(json::object{{"op", "add"}, {"path", "members"}, {"value", added}});
        }
        if (!removed.empty()) {
          ops.push_back(json::object{{"op", "remove"}, {"path", "members"}, {"value", removed}});
        }
      }
      if (ops.empty()) return Verdict::kOk;
      body = json::serialize(PatchRequest(std::move(ops)));
    } else {
      json::object full = doc;
      full["id"] = remote_id;
      body = json::serialize(full);
    }
    HttpReply reply = Send(http, o, method, path, body);
    Verdict v = Classify(reply);
    if (v != Verdict::kOk && v != Verdict::kNotFound) Fail(o, method, path, reply);
    return v;
  };

  if (link != nullptr) {
    if (link->pushed == text) return o;
    Verdict v = update(link->remote_id, ParseObject(link->pushed));
    if (v == Verdict::kOk) return linked(link->remote_id, "scim_group_update", 200);
    if (v != Verdict::kNotFound) return o;
    o.error.clear();  // gone from the target: create it again
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool failed = false;
    std::optional<std::string> existing =
        Lookup(http, o, "Groups", "displayName", group->name, &failed);
    if (failed) return o;
    if (existing) {
      Verdict v = update(*existing, json::object{});
      if (v == Verdict::kOk) return linked(*existing, "scim_group_adopt", 200);
      if (v == Verdict::kNotFound) {
        o.result = Outcome::Result::kRetry;
        o.error = "group " + *existing + " vanished right after the lookup found it";
      }
      return o;
    }
    if (attempt == 1) break;
    HttpReply reply = Send(http, o, "POST", "/Groups", text);
    if (reply.status == 409) continue;  // created meanwhile, or the lookup missed it: look again
    if (Classify(reply) != Verdict::kOk) return Fail(o, "POST", "/Groups", reply);
    std::optional<std::string> id = ResourceId(reply.body);
    if (!id) {
      o.result = Outcome::Result::kFailed;
      o.error = "POST /Groups: " + std::to_string(reply.status) + " without an id in the reply";
      return o;
    }
    return linked(*id, "scim_group_create", reply.status);
  }
  o.result = Outcome::Result::kFailed;
  o.error = "POST /Groups: 409, and no group named '" + group->name + "' can be found to adopt";
  return o;
}

}  // namespace skydir::scim
