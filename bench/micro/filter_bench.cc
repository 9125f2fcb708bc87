// Filter evaluation and index lookups over a snapshot shaped like the bench dataset: the
// compile + candidates + evaluate path of workloads (a), (c) and (d).
#include <benchmark/benchmark.h>

#include <random>

#include "dit/filter_eval.h"
#include "dit/normalize.h"
#include "fixture.h"
#include "ldap/dn.h"
#include "ldap/filter.h"

namespace skydir::bench {
namespace {

constexpr int kGroups = 1000;

std::string RandomUid(std::mt19937& rng, int users) {
  return UserUid(1 + static_cast<int>(rng() % users));
}

// Workload (a) in the engine: parse "(uid=...)", compile, find matches under ou=Users.
void BM_SearchUid(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  auto snap = SharedSnapshot(users, kGroups);
  std::mt19937 rng(1);
  for (auto _ : state) {
    auto f = ldap::ParseFilter("(uid=" + RandomUid(rng, users) + ")", {});
    dit::CompiledFilter cf(*f, *snap);
    auto hits = dit::FindMatching(*snap, dit::kUsersOuEntry, dit::Scope::kSubtree, cf);
    if (hits.size() != 1) state.SkipWithError("expected one entry");
    benchmark::DoNotOptimize(hits);
  }
}
BENCHMARK(BM_SearchUid)->Arg(10000)->Arg(100000);

// Workload (c) in the engine: the groups of one user.
void BM_GroupsOfUser(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  auto snap = SharedSnapshot(users, kGroups);
  std::mt19937 rng(2);
  for (auto _ : state) {
    auto f = ldap::ParseFilter(
        "(&(objectClass=groupOfNames)(member=uid=" + RandomUid(rng, users) + "," + UsersDn() + "))",
        {});
    dit::CompiledFilter cf(*f, *snap);
    auto hits = dit::FindMatching(*snap, dit::kUsersOuEntry, dit::Scope::kSubtree, cf);
    benchmark::DoNotOptimize(hits);
  }
}
BENCHMARK(BM_GroupsOfUser)->Arg(10000)->Arg(100000);

// Workload (d) in the engine: every user (objectClass=inetOrgPerson) — index or scan.
void BM_AllUsers(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  auto snap = SharedSnapshot(users, kGroups);
  auto f = ldap::ParseFilter("(objectClass=inetOrgPerson)", {});
  for (auto _ : state) {
    dit::CompiledFilter cf(*f, *snap);
    auto hits = dit::FindMatching(*snap, dit::kUsersOuEntry, dit::Scope::kSubtree, cf);
    benchmark::DoNotOptimize(hits);
  }
  state.SetItemsProcessed(state.iterations() * users);
}
BENCHMARK(BM_AllUsers)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// A filter no index answers: every entry in scope evaluated (substring on a non-indexed attr).
void BM_ScanSubstring(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  auto snap = SharedSnapshot(users, kGroups);
  auto f = ldap::ParseFilter("(title=*gineer*)", {});
  for (auto _ : state) {
    dit::CompiledFilter cf(*f, *snap);
    auto hits = dit::FindMatching(*snap, dit::kUsersOuEntry, dit::Scope::kSubtree, cf);
    benchmark::DoNotOptimize(hits);
  }
  state.SetItemsProcessed(state.iterations() * users);
}
BENCHMARK(BM_ScanSubstring)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Evaluate() alone on one entry, compiled once.
void BM_EvaluateOneEntry(benchmark::State& state) {
  auto snap = SharedSnapshot(10000, kGroups);
  auto f = ldap::ParseFilter("(&(objectClass=person)(|(uid=u0000042)(mail=x@y))(!(title=CEO)))", {});
  dit::CompiledFilter cf(*f, *snap);
  uint32_t e = 2 + 41;
  for (auto _ : state) benchmark::DoNotOptimize(cf.Evaluate(e));
}
BENCHMARK(BM_EvaluateOneEntry);

// Index lookups: the hash probe alone, with the caller's normalization.
void BM_IndexLookupUid(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  auto snap = SharedSnapshot(users, kGroups);
  std::mt19937 rng(3);
  for (auto _ : state) {
    std::string v = dit::FoldCaseAndSpace(RandomUid(rng, users));
    auto hits = snap->Lookup(dit::Attr::kUid, v);
    benchmark::DoNotOptimize(hits);
  }
}
BENCHMARK(BM_IndexLookupUid)->Arg(10000)->Arg(100000);

void BM_FindByNdn(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  auto snap = SharedSnapshot(users, kGroups);
  std::mt19937 rng(4);
  for (auto _ : state) {
    auto ndn = ldap::NormalizeDn("uid=" + RandomUid(rng, users) + "," + UsersDn());
    benchmark::DoNotOptimize(snap->FindByNdn(*ndn));
  }
}
BENCHMARK(BM_FindByNdn)->Arg(10000)->Arg(100000);

void BM_ParseFilter(benchmark::State& state) {
  for (auto _ : state) {
    auto f = ldap::ParseFilter("(&(objectClass=groupOfNames)(member=uid=u0000042," + UsersDn() + "))",
                               {});
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_ParseFilter);

// Snapshot build: what every write (workload e) and a cold start pay per org.
void BM_SnapshotBuild(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  auto data = MakeOrg(users, kGroups, 500);
  for (auto _ : state) {
    auto s = dit::Snapshot::Build(data, {}, int64_t{1700000100} * 1000000);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * users);
}
BENCHMARK(BM_SnapshotBuild)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace skydir::bench

BENCHMARK_MAIN();
