// Search, with the Simple Paged Results control (RFC 2696), size and time limits.
#include <algorithm>

#include "ldap/controls.h"
#include "server/ldap_session.h"

namespace skydir::server {

namespace asio = boost::asio;

namespace {

constexpr size_t kDeadlineCheckEvery = 256;

// The smaller of two limits where 0 means none.
int64_t MinLimit(int64_t a, int64_t b) {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return std::min(a, b);
}

}  // namespace

asio::awaitable<bool> LdapSession::SendEntries(int32_t id,
                                               const std::vector<const dit::Entry*>& entries,
                                               size_t from, size_t to,
                                               const dit::Selection& selection,
                                               Clock::time_point deadline) {
  std::string scratch;
  for (size_t i = from; i < to; ++i) {
    if ((i - from) % kDeadlineCheckEvery == 0 && Clock::now() > deadline) co_return false;
    const dit::Entry& e = *entries[i];
    if (selection.all_user && !selection.all_operational && selection.named.empty() &&
        !selection.types_only) {
      ldap::AppendSearchResultEntry(&out_, id, e.dn(), e.encoded_user_attributes());
    } else {
      scratch.clear();
      dit::AppendSelectedAttributes(e, selection, &scratch);
      ldap::AppendSearchResultEntry(&out_, id, e.dn(), scratch);
    }
    if (out_.size() >= ctx_.settings.ldap.max_write_buffer_bytes && !co_await Flush()) {
      closing_ = true;
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> LdapSession::HandleSearch(int32_t id, const ldap::SearchRequest& search,
                                                const std::vector<ldap::Control>& controls) {
  const LdapSettings& s = ctx_.settings.ldap;
  int64_t seconds = MinLimit(search.time_limit, s.time_limit_seconds);
  Clock::time_point deadline =
      seconds > 0 ? Clock::now() + std::chrono::seconds(seconds) : Clock::time_point::max();
  int64_t size_limit = MinLimit(search.size_limit, s.size_limit);
  dit::Selection selection = dit::Selection::FromRequest(search.attributes, search.types_only);

  std::optional<ldap::PagedResultsValue> paging;
  if (const ldap::Control* c = ldap::FindControl(controls, ldap::kPagedResultsOid)) {
    auto value = ldap::DecodePagedResultsValue(c->value.value_or(""));
    if (!value.ok()) {
      Respond(id, ldap::OpTag::kSearchResultDone, Code::kProtocolError,
              "malformed paged results control");
      co_return;
    }
    paging = *value;
  }

  std::shared_ptr<PagedSearch> state;
  if (paging && !paging->cookie.empty()) {
    state = paged_.Get(paging->cookie);
    if (!state) {
      Respond(id, ldap::OpTag::kSearchResultDone, Code::kUnwillingToPerform,
              "paged results cookie is invalid or expired");
      co_return;
    }
    paged_.Erase(paging->cookie);
    if (paging->size == 0) {  // RFC 2696 §3: size 0 abandons the paged search
      std::string value = ldap::EncodePagedResultsValue(0, "");
      ldap::Control done{std::string(ldap::kPagedResultsOid), false, value};
      ldap::AppendResult(&out_, id, ldap::OpTag::kSearchResultDone, {Code::kSuccess, {}, {}},
                         std::span<const ldap::Control>(&done, 1));
      co_return;
    }
  } else {
    service::SearchOutcome outcome = ctx_.ldap.Search(principal_, search, deadline);
    if (!outcome.status.ok()) {
      Respond(id, ldap::OpTag::kSearchResultDone, outcome.status.code(),
              outcome.status.message(), outcome.matched_dn);
      co_return;
    }
    state = std::make_shared<PagedSearch>();
    state->keep_alive = std::move(outcome.keep_alive);
    state->entries = std::move(outcome.entries);
    state->selection = selection;
    if (size_limit > 0 && state->entries.size() > static_cast<size_t>(size_limit)) {
      state->entries.resize(static_cast<size_t>(size_limit));
      state->truncated = true;
    }
  }

  size_t total = state->entries.size();
  size_t from = state->next;
  size_t to = total;
  if (paging) {
    size_t page = static_cast<size_t>(std::max<int32_t>(paging->size, 0));
    page = std::min<size_t>(page == 0 ? total : page, s.max_page_size);
    to = std::min(total, from + page);
  }
  if (!co_await SendEntries(id, state->entries, from, to, state->selection, deadline)) {
    if (closing_) co_return;
    Respond(id, ldap::OpTag::kSearchResultDone, Code::kTimeLimitExceeded,
            "time limit exceeded");
    co_return;
  }
  state->next = to;
  Code code = Code::kSuccess;
  std::string message;
  if (to == total && state->truncated) {
    code = Code::kSizeLimitExceeded;
    message = "size limit exceeded";
  }
  if (!paging) {
    Respond(id, ldap::OpTag::kSearchResultDone, code, message);
    co_return;
  }
  last_code_ = code;
  std::string cookie = to < total ? paged_.Put(state) : std::string();
  std::string value = ldap::EncodePagedResultsValue(static_cast<int32_t>(total), cookie);
  ldap::Control response{std::string(ldap::kPagedResultsOid), false, value};
  ldap::AppendResult(&out_, id, ldap::OpTag::kSearchResultDone, {code, {}, message},
                     std::span<const ldap::Control>(&response, 1));
}

}  // namespace skydir::server
