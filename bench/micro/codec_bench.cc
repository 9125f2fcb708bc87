// BER codec: decoding the search request that workload (a) sends, and encoding the
// SearchResultEntry it gets back (cached attribute list, as the server does, and from scratch).
#include <benchmark/benchmark.h>

#include "ber/framer.h"
#include "dit/entry.h"
#include "dit/selection.h"
#include "fixture.h"
#include "ldap/message.h"

namespace skydir::bench {
namespace {

// The exact PDU libldap sends for workload (a): (uid=u0004242) under ou=Users, all attributes.
std::string SearchPdu() {
  std::string out;
  ber::Writer w(&out);
  size_t msg = w.Begin(ber::kTagSequence);
  w.AddInteger(42);
  size_t req = w.Begin(0x63);  // [APPLICATION 3] SearchRequest
  w.AddOctetString(UsersDn());
  w.AddEnumerated(2);
  w.AddEnumerated(0);
  w.AddInteger(0);
  w.AddInteger(0);
  w.AddBoolean(false);
  w.AddRaw(ldap::EncodeFilter(*ldap::ParseFilter("(uid=u0004242)", {})));
  size_t attrs = w.Begin(ber::kTagSequence);
  w.End(attrs);
  w.End(req);
  w.End(msg);
  return out;
}

void BM_FrameSearchRequest(benchmark::State& state) {
  const std::string pdu = SearchPdu();
  for (auto _ : state) {
    auto r = ber::FramePdu(pdu, 1 << 20);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_FrameSearchRequest);

void BM_DecodeSearchRequest(benchmark::State& state) {
  const std::string pdu = SearchPdu();
  const ldap::DecodeLimits limits;
  for (auto _ : state) {
    auto r = ldap::DecodeRequest(pdu, limits);
    if (!r.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * pdu.size());
}
BENCHMARK(BM_DecodeSearchRequest);

void BM_DecodeGroupsOfUserRequest(benchmark::State& state) {
  std::string out;
  ber::Writer w(&out);
  size_t msg = w.Begin(ber::kTagSequence);
  w.AddInteger(43);
  size_t req = w.Begin(0x63);
  w.AddOctetString(UsersDn());
  w.AddEnumerated(2);
  w.AddEnumerated(0);
  w.AddInteger(0);
  w.AddInteger(0);
  w.AddBoolean(false);
  w.AddRaw(ldap::EncodeFilter(*ldap::ParseFilter(
      "(&(objectClass=groupOfNames)(member=uid=u0004242," + UsersDn() + "))", {})));
  size_t attrs = w.Begin(ber::kTagSequence);
  w.AddOctetString("cn");
  w.End(attrs);
  w.End(req);
  w.End(msg);
  const ldap::DecodeLimits limits;
  for (auto _ : state) {
    auto r = ldap::DecodeRequest(out, limits);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_DecodeGroupsOfUserRequest);

// What the server does per entry for "all attributes": DN + the pre-encoded attribute list.
void BM_EncodeSearchResultEntryCached(benchmark::State& state) {
  auto snap = SharedSnapshot(10000, 100);
  const dit::Entry& e = snap->entry(2 + 4241);
  std::string out;
  for (auto _ : state) {
    out.clear();
    ldap::AppendSearchResultEntry(&out, 42, e.dn(), e.encoded_user_attributes());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * out.size());
}
BENCHMARK(BM_EncodeSearchResultEntryCached);

// The same entry with its attribute list assembled per attribute (a search that names
// attributes or asks for operational ones pays this).
void BM_EncodeSearchResultEntryFromValues(benchmark::State& state) {
  auto snap = SharedSnapshot(10000, 100);
  const dit::Entry& e = snap->entry(2 + 4241);
  dit::Selection all = dit::Selection::FromRequest({"*", "+"}, false);
  std::string out, list;
  for (auto _ : state) {
    out.clear();
    list.clear();
    dit::AppendSelectedAttributes(e, all, &list);
    ldap::AppendSearchResultEntry(&out, 42, e.dn(), list);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * out.size());
}
BENCHMARK(BM_EncodeSearchResultEntryFromValues);

void BM_EncodeSearchResultDone(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    ldap::AppendResult(&out, 42, ldap::OpTag::kSearchResultDone, ldap::LdapResult());
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeSearchResultDone);

}  // namespace
}  // namespace skydir::bench
