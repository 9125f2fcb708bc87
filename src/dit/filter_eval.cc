#include "dit/filter_eval.h"

#include <algorithm>

#include "common/time.h"
#include "dit/normalize.h"
#include "ldap/dn.h"

namespace skydir::dit {

using ldap::FilterKind;

enum class MatchRule { kEquality, kCaseExact, kInChain, kBitAnd, kBitOr, kUnknown };

struct CompiledFilter::Node {
  FilterKind kind = FilterKind::kPresent;
  std::optional<Attr> attr;   // nullopt: unknown attribute → Undefined
  bool undefined = false;     // the assertion value is invalid for the syntax
  std::string value;          // normalized assertion value
  int64_t number = 0;         // integer or time assertion, when the syntax orders
  std::vector<Node> children;
  std::optional<std::string> initial, final_part;
  std::vector<std::string> any;
  MatchRule rule = MatchRule::kEquality;
  bool dn_attributes = false;
  std::vector<uint32_t> chain;  // in-chain: matching entries, ascending
};

namespace {

using Node = CompiledFilter::Node;

bool IsOrdered(Syntax s) { return s == Syntax::kInteger || s == Syntax::kGeneralizedTime; }

std::optional<int64_t> OrderKey(Syntax s, std::string_view v) {
  if (s == Syntax::kInteger) return ParseInteger(v);
  if (s == Syntax::kGeneralizedTime) return ParseGeneralizedTime(v);
  return std::nullopt;
}

MatchRule RuleFor(std::string_view rule) {
  if (rule.empty()) return MatchRule::kEquality;
  if (rule == kInChainRule) return MatchRule::kInChain;
  if (rule == kBitAndRule) return MatchRule::kBitAnd;
  if (rule == kBitOrRule) return MatchRule::kBitOr;
  for (std::string_view eq : {"2.5.13.1", "distinguishedNameMatch", "2.5.13.2", "caseIgnoreMatch",
                              "2.5.13.14", "integerMatch", "2.5.13.0", "objectIdentifierMatch",
                              "2.5.13.27", "generalizedTimeMatch", "1.3.6.1.4.1.1466.109.114.2",
                              "caseIgnoreIA5Match"}) {
    if (EqualsIgnoreCase(rule, eq)) return MatchRule::kEquality;
  }
  for (std::string_view exact : {"2.5.13.5", "caseExactMatch", "1.3.6.1.4.1.1466.109.114.1",
                                 "caseExactIA5Match"}) {
    if (EqualsIgnoreCase(rule, exact)) return MatchRule::kCaseExact;
  }
  return MatchRule::kUnknown;
}

void Compile(const ldap::Filter& f, const Snapshot& snap, Node* n) {
  n->kind = f.kind;
  if (f.kind == FilterKind::kAnd || f.kind == FilterKind::kOr || f.kind == FilterKind::kNot) {
    n->children.resize(f.children.size());
    for (size_t i = 0; i < f.children.size(); ++i) Compile(f.children[i], snap, &n->children[i]);
    return;
  }
  n->attr = LookupAttribute(f.attribute);
  if (!n->attr) return;
  Syntax syntax = TypeOf(*n->attr).syntax;
  switch (f.kind) {
    case FilterKind::kEqual:
    case FilterKind::kApprox: {
      auto v = NormalizeValue(*n->attr, f.value);
      if (!v) n->undefined = true;
      else n->value = std::move(*v);
      if (IsOrdered(syntax)) {
        auto k = OrderKey(syntax, f.value);
        if (!k) n->undefined = true;
        else n->number = *k;
      }
      break;
    }
    case FilterKind::kGreaterOrEqual:
    case FilterKind::kLessOrEqual:
      if (IsOrdered(syntax)) {
        auto k = OrderKey(syntax, f.value);
        if (!k) n->undefined = true;
        else n->number = *k;
      } else if (syntax == Syntax::kDn) {
        n->undefined = true;  // no ordering rule for DNs
      } else {
        n->value = syntax == Syntax::kCaseExact ? SqueezeSpace(f.value)
                                                : FoldCaseAndSpace(f.value);
      }
      break;
    case FilterKind::kSubstrings: {
      if (syntax == Syntax::kInteger || syntax == Syntax::kGeneralizedTime ||
          syntax == Syntax::kDn) {
        n->undefined = true;  // no substrings rule for these syntaxes
        break;
      }
      auto fold = [&](const std::string& s) {
        return syntax == Syntax::kCaseExact ? std::string(s) : FoldCaseAndSpace(s);
      };
      if (f.initial) n->initial = fold(*f.initial);
      for (const std::string& a : f.any) n->any.push_back(fold(a));
      if (f.final_part) n->final_part = fold(*f.final_part);
      break;
    }
    case FilterKind::kExtensible: {
      n->rule = RuleFor(f.matching_rule);
      n->dn_attributes = f.dn_attributes;
      if (n->rule == MatchRule::kUnknown) break;
      if (n->rule == MatchRule::kInChain) {
        auto ndn = ldap::NormalizeDn(f.value);
        std::optional<uint32_t> target;
        if (ndn.ok()) target = snap.FindByNdn(*ndn);
        if (*n->attr != Attr::kMemberOf && *n->attr != Attr::kMember) {
          n->undefined = true;  // the rule is defined for DN-valued membership attributes
          break;
        }
        if (!target) break;  // an unknown DN: the chain is empty, nothing matches
        n->chain = *n->attr == Attr::kMemberOf ? snap.TransitiveMembers(*target)
                                                : snap.TransitiveGroups(*target);
        std::sort(n->chain.begin(), n->chain.end());
        break;
      }
      if (n->rule == MatchRule::kBitAnd || n->rule == MatchRule::kBitOr) {
        auto k = ParseInteger(f.value);
        if (!k || syntax != Syntax::kInteger) n->undefined = true;
        else n->number = *k;
        break;
      }
      auto v = n->rule == MatchRule::kCaseExact ? std::optional<std::string>(SqueezeSpace(f.value))
                                                : NormalizeValue(*n->attr, f.value);
      if (!v) n->undefined = true;
      else n->value = std::move(*v);
      break;
    }
    default:
      break;
  }
}

Tri Not(Tri t) {
  if (t == Tri::kTrue) return Tri::kFalse;
  if (t == Tri::kFalse) return Tri::kTrue;
  return Tri::kUndefined;
}

bool ContainsSorted(std::span<const uint32_t> v, uint32_t x) {
  return std::binary_search(v.begin(), v.end(), x);
}

bool SubstringsMatch(const Node& n, std::string_view v) {
  if (n.initial) {
    if (v.substr(0, n.initial->size()) != *n.initial) return false;
    v.remove_prefix(n.initial->size());
  }
  for (const std::string& a : n.any) {
    size_t pos = v.find(a);
    if (pos == std::string_view::npos) return false;
    v.remove_prefix(pos + a.size());
  }
  if (n.final_part) {
    if (v.size() < n.final_part->size()) return false;
    if (v.substr(v.size() - n.final_part->size()) != *n.final_part) return false;
  }
  return true;
}

Tri Leaf(const Node& n, const Snapshot& snap, uint32_t idx) {
  if (!n.attr || n.undefined) return Tri::kUndefined;
  const Entry& e = snap.entry(idx);
  Attr attr = *n.attr;
  Syntax syntax = TypeOf(attr).syntax;
  if (n.kind == FilterKind::kExtensible && n.rule == MatchRule::kInChain) {
    return ContainsSorted(n.chain, idx) ? Tri::kTrue : Tri::kFalse;
  }
  if (n.kind == FilterKind::kExtensible && n.rule == MatchRule::kUnknown) return Tri::kUndefined;
  // Equality on an indexed attribute is answered exactly by the index.
  bool equality = n.kind == FilterKind::kEqual || n.kind == FilterKind::kApprox ||
                  (n.kind == FilterKind::kExtensible && n.rule == MatchRule::kEquality &&
                   !n.dn_attributes);
  if (equality && Snapshot::IsIndexed(attr)) {
    std::optional<std::span<const uint32_t>> hits = snap.Lookup(attr, n.value);
    return hits && ContainsSorted(*hits, idx) ? Tri::kTrue : Tri::kFalse;
  }
  std::optional<Values> a = attr == Attr::kUserPassword ? std::nullopt : e.Find(attr);
  if (n.kind == FilterKind::kPresent) return a ? Tri::kTrue : Tri::kFalse;
  bool matched = false;
  if (a) {
    for (std::string_view raw : *a) {
      switch (n.kind) {
        case FilterKind::kEqual:
        case FilterKind::kApprox:
        case FilterKind::kExtensible: {
          if (n.rule == MatchRule::kBitAnd || n.rule == MatchRule::kBitOr) {
            auto v = ParseInteger(raw);
            if (v) matched = n.rule == MatchRule::kBitAnd ? ((*v & n.number) == n.number)
                                                          : ((*v & n.number) != 0);
            break;
          }
          if (n.rule == MatchRule::kCaseExact) {
            matched = SqueezeSpace(raw) == n.value;
            break;
          }
          if (IsOrdered(syntax)) {
            auto k = OrderKey(syntax, raw);
            matched = k && *k == n.number;
          } else {
            auto v = NormalizeValue(attr, raw);
            matched = v && *v == n.value;
          }
          break;
        }
        case FilterKind::kGreaterOrEqual:
        case FilterKind::kLessOrEqual: {
          bool ge = n.kind == FilterKind::kGreaterOrEqual;
          if (IsOrdered(syntax)) {
            auto k = OrderKey(syntax, raw);
            if (k) matched = ge ? *k >= n.number : *k <= n.number;
          } else {
            std::string v = syntax == Syntax::kCaseExact ? SqueezeSpace(raw) : FoldCaseAndSpace(raw);
            matched = ge ? v >= n.value : v <= n.value;
          }
          break;
        }
        case FilterKind::kSubstrings: {
          std::string v = syntax == Syntax::kCaseExact ? std::string(raw) : FoldCaseAndSpace(raw);
          matched = SubstringsMatch(n, v);
          break;
        }
        default:
          break;
      }
      if (matched) return Tri::kTrue;
    }
  }
  if (n.kind == FilterKind::kExtensible && n.dn_attributes) {
    auto dn = ldap::ParseDn(e.dn());
    if (dn.ok()) {
      for (const auto& rdn : dn->rdns) {
        for (const auto& ava : rdn) {
          if (LookupAttribute(ava.type) != attr) continue;
          auto v = NormalizeValue(attr, ava.value);
          if (v && *v == n.value) return Tri::kTrue;
        }
      }
    }
  }
  return Tri::kFalse;
}

Tri Eval(const Node& n, const Snapshot& snap, uint32_t idx) {
  switch (n.kind) {
    case FilterKind::kAnd: {
      Tri out = Tri::kTrue;
      for (const Node& c : n.children) {
        Tri t = Eval(c, snap, idx);
        if (t == Tri::kFalse) return Tri::kFalse;
        if (t == Tri::kUndefined) out = Tri::kUndefined;
      }
      return out;
    }
    case FilterKind::kOr: {
      Tri out = Tri::kFalse;
      for (const Node& c : n.children) {
        Tri t = Eval(c, snap, idx);
        if (t == Tri::kTrue) return Tri::kTrue;
        if (t == Tri::kUndefined) out = Tri::kUndefined;
      }
      return out;
    }
    case FilterKind::kNot:
      return n.children.empty() ? Tri::kUndefined : Not(Eval(n.children[0], snap, idx));
    default:
      return Leaf(n, snap, idx);
  }
}

std::vector<uint32_t> Intersect(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::optional<std::vector<uint32_t>> NodeCandidates(const Node& n, const Snapshot& snap) {
  switch (n.kind) {
    case FilterKind::kAnd: {
      std::optional<std::vector<uint32_t>> best;
      for (const Node& c : n.children) {
        auto cand = NodeCandidates(c, snap);
        if (!cand) continue;
        best = best ? Intersect(*best, *cand) : std::move(cand);
        if (best->empty()) break;
      }
      return best;
    }
    case FilterKind::kOr: {
      std::vector<uint32_t> all;
      for (const Node& c : n.children) {
        auto cand = NodeCandidates(c, snap);
        if (!cand) return std::nullopt;
        std::vector<uint32_t> merged;
        std::set_union(all.begin(), all.end(), cand->begin(), cand->end(),
                       std::back_inserter(merged));
        all = std::move(merged);
      }
      return all;
    }
    case FilterKind::kNot:
      return std::nullopt;
    default:
      break;
  }
  if (!n.attr || n.undefined) return std::vector<uint32_t>{};  // matches nothing
  if (n.kind == FilterKind::kExtensible && n.rule == MatchRule::kInChain) return n.chain;
  bool equality = n.kind == FilterKind::kEqual || n.kind == FilterKind::kApprox;
  if (equality && Snapshot::IsIndexed(*n.attr)) {
    std::optional<std::span<const uint32_t>> hits = snap.Lookup(*n.attr, n.value);
    return hits ? std::vector<uint32_t>(hits->begin(), hits->end()) : std::vector<uint32_t>{};
  }
  return std::nullopt;
}

}  // namespace

CompiledFilter::CompiledFilter(const ldap::Filter& filter, const Snapshot& snapshot)
    : snapshot_(snapshot), root_(std::make_unique<Node>()) {
  Compile(filter, snapshot, root_.get());
}
CompiledFilter::~CompiledFilter() = default;
CompiledFilter::CompiledFilter(CompiledFilter&&) noexcept = default;

Tri CompiledFilter::Evaluate(uint32_t entry) const { return Eval(*root_, snapshot_, entry); }

std::optional<std::vector<uint32_t>> CompiledFilter::Candidates() const {
  return NodeCandidates(*root_, snapshot_);
}

std::vector<uint32_t> FindMatching(const Snapshot& snapshot, uint32_t base, Scope scope,
                                   const CompiledFilter& filter) {
  std::vector<uint32_t> out;
  if (auto cand = filter.Candidates()) {
    for (uint32_t i : *cand) {
      if (snapshot.InScope(base, scope, i) && filter.Matches(i)) out.push_back(i);
    }
    return out;
  }
  std::vector<uint32_t> scoped;
  snapshot.ScopeEntries(base, scope, &scoped);
  for (uint32_t i : scoped) {
    if (filter.Matches(i)) out.push_back(i);
  }
  return out;
}

}  // namespace skydir::dit
