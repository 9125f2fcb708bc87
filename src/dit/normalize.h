// Value normalization helpers shared by indexing and filter evaluation (RFC 4518, simplified:
// ASCII case folding; UTF-8 beyond ASCII compares byte for byte).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skydir::dit {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Lowercases ASCII, trims leading/trailing spaces and squeezes inner runs of spaces to one.
std::string FoldCaseAndSpace(std::string_view s);
// Trims and squeezes spaces, keeping case.
std::string SqueezeSpace(std::string_view s);
// "+007" → "7", "-0" → "0"; nullopt when not an integer of at most 19 digits.
std::optional<std::string> CanonicalInteger(std::string_view s);
std::optional<int64_t> ParseInteger(std::string_view s);

}  // namespace skydir::dit
