// First byte picks the form: even = RFC 4515 string, odd = BER. Whatever parses must survive a
// print/parse (string) or encode/decode (BER) round trip unchanged.
#include <string>
#include <string_view>

#include "fuzz_entry.h"
#include "ldap/filter.h"

using skydir::ldap::FilterLimits;

SKYDIR_FUZZ_ENTRY(ldap_filter) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const FilterLimits limits{.max_depth = 16, .max_terms = 256};
  if (data[0] % 2 == 0) {
    auto f = skydir::ldap::ParseFilter(input, limits);
    if (!f.ok()) return 0;
    const std::string printed = skydir::ldap::FilterToString(*f);
    auto again = skydir::ldap::ParseFilter(printed, limits);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(skydir::ldap::FilterToString(*again) == printed);
    auto decoded = skydir::ldap::DecodeFilter(skydir::ldap::EncodeFilter(*f), limits);
    FUZZ_CHECK(decoded.ok());
    FUZZ_CHECK(skydir::ldap::FilterToString(*decoded) == printed);
  } else {
    auto f = skydir::ldap::DecodeFilter(input, limits);
    if (!f.ok()) return 0;
    FUZZ_CHECK(skydir::ldap::CountFilterTerms(*f) <= limits.max_terms);
    const std::string ber = skydir::ldap::EncodeFilter(*f);
    auto again = skydir::ldap::DecodeFilter(ber, limits);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(skydir::ldap::EncodeFilter(*again) == ber);
    (void)skydir::ldap::FilterToString(*f);
  }
  return 0;
}
