// Identifiers and secrets from the kernel's CSPRNG (getrandom(2)).
#pragma once

#include <string>
#include <string_view>

namespace skydir {

// 24 lowercase hex characters (96 random bits), the shape of JumpCloud's object ids.
std::string NewId();

// `n` random bytes.
std::string RandomBytes(size_t n);

// Lowercase hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

// True for exactly 24 lowercase hex characters.
bool IsValidId(std::string_view id);

}  // namespace skydir
