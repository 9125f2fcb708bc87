// RFC 2849 LDIF writer.
//
// Output: "version: 1" once, before the first record; each record as "dn:", then
// "changetype: add" when the record has that change type, then its attributes in order, then a
// blank line. A value (or dn) is written as "name:: base64" when it is not a SAFE-STRING
// (RFC 2849 §2: it starts with a space, ':' or '<', ends with a space, or holds NUL, CR, LF or a
// byte above 0x7F), otherwise as "name: value". Lines longer than kFoldColumn bytes are folded:
// continuation lines start with one space and are themselves at most kFoldColumn bytes. Only
// ASCII is ever folded (everything else is base64), so no UTF-8 sequence is split. Lines end
// with LF.
//
// Not thread-safe; one writer per stream.
#pragma once

#include <cstddef>
#include <ostream>
#include <string_view>

#include "common/status.h"
#include "ldif/record.h"

namespace skydir::ldif {

// True when `value` may be written after "name: " unencoded.
bool IsSafeString(std::string_view value);

class LdifWriter {
 public:
  static constexpr size_t kFoldColumn = 76;

  // `out` must outlive the writer.
  explicit LdifWriter(std::ostream& out);

  // Fails with kConstraintViolation, before writing anything, for an attribute name that is not
  // an RFC 2849 AttributeDescription or a changetype other than "" and "add"; with kOther when
  // the stream fails.
  Status Write(const LdifRecord& record);

 private:
  void WriteLine(std::string_view name, std::string_view value);
  void WriteFolded(std::string_view line);

  std::ostream& out_;
  bool wrote_header_ = false;
};

}  // namespace skydir::ldif
