// Base64 (RFC 4648 §4, standard alphabet with `=` padding) for LDIF values and password hashes.
//
// The decoder is strict: input length must be a multiple of four, `=` may appear only as the
// final one or two characters, and whitespace is not skipped (callers that allow folding unfold
// first). Unused trailing bits are ignored, as most encoders leave them zero anyway.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skydir {

std::string Base64Encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not valid padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

// Exact length of Base64Encode's output for `n` input bytes.
constexpr size_t Base64EncodedSize(size_t n) { return (n + 2) / 3 * 4; }

}  // namespace skydir
