#include "http/router.h"

#include <algorithm>
#include <cassert>

namespace skydir::http {

namespace {

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

void Router::Add(Verb method, std::string pattern, Handler handler, RouteOptions options) {
  assert(!pattern.empty() && pattern.front() == '/');
  Route route{method, pattern, {}, std::move(handler), options};
  for (std::string_view part : SplitPath(pattern)) route.segments.emplace_back(part);
  for (const Route& existing : routes_) {
    assert(!(existing.method == method && existing.pattern == pattern) && "duplicate route");
    (void)existing;
  }
  routes_.push_back(std::move(route));
}

int Router::Score(const Route& route, const std::vector<std::string_view>& parts) {
  if (route.segments.size() != parts.size()) return -1;
  int literals = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsParam(route.segments[i])) continue;
    if (route.segments[i] != parts[i]) return -1;
    ++literals;
  }
  return literals;
}

Router::Match Router::Find(Verb method, std::string_view path) const {
  Match match;
  std::vector<std::string_view> parts = SplitPath(path);
  // The best-scoring pattern decides the resource; among its routes, the method decides.
  int best = -1;
  for (const Route& route : routes_) best = std::max(best, Score(route, parts));
  if (best < 0) return match;
  for (const Route& route : routes_) {
    if (Score(route, parts) != best) continue;
    if (route.method != method) {
      if (std::find(match.allowed.begin(), match.allowed.end(), route.method) ==
          match.allowed.end()) {
        match.allowed.push_back(route.method);
      }
      continue;
    }
    match.outcome = Outcome::kFound;
    match.route = &route;
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string& seg = route.segments[i];
      if (IsParam(seg)) match.params[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    }
    return match;
  }
  match.outcome = Outcome::kMethodNotAllowed;
  return match;
}

std::string Router::AllowHeader(const std::vector<Verb>& verbs) {
  std::string out;
  for (Verb v : verbs) {
    if (!out.empty()) out += ", ";
    out += std::string(boost::beast::http::to_string(v));
  }
  return out;
}

}  // namespace skydir::http
