// Streaming RFC 2849 LDIF reader.
//
// Accepted: an optional leading "version: 1"; comment lines ("#", folded or not) anywhere;
// line folding (a line starting with one space continues the previous one, RFC 2849 §2 note 2);
// LF or CRLF line ends; a UTF-8 byte-order mark before the first line; "attr: value",
// "attr:: base64" and empty values; content records and "changetype: add" records.
//
// Refused with kUnwillingToPerform (valid LDIF we will not act on): "attr:< URL" values (we never
// open files or URLs named by input), "control:" lines and change types other than add
// (modify, delete, modrdn, moddn). Malformed input and limit breaches fail with kProtocolError;
// a base64 value that does not decode fails with kInvalidAttributeSyntax. Every message starts
// with "LDIF line N:", N being the 1-based physical line where the problem starts.
//
// Plain values are returned byte for byte: bytes above 0x7F are accepted (hand-written files
// often carry UTF-8 unencoded), NUL is not. Nothing is trimmed except the FILL spaces after ':'.
//
// Memory is bounded by the limits: the reader holds one record and one line of look-ahead.
// An error is sticky: once Next() fails, it keeps returning the same Status.
// Not thread-safe; one reader per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ldif/record.h"

namespace skydir::ldif {

struct LdifLimits {
  // One line after unfolding (a base64 jpegPhoto of 750 KB fits).
  size_t max_line_bytes = 1024 * 1024;
  // A record's dn, attribute names and decoded values together.
  size_t max_record_bytes = 8 * 1024 * 1024;
  size_t max_attributes = 10000;  // attribute lines in one record
};

class LdifReader {
 public:
  // `in` must outlive the reader.
  explicit LdifReader(std::istream& in, LdifLimits limits = {});

  // The next record, std::nullopt at the end of the input, or the error that stopped reading.
  Result<std::optional<LdifRecord>> Next();

 private:
  // One logical line: folded continuations joined, comments skipped. `text` is empty for a
  // blank line (the record separator).
  struct Line {
    int64_t number;
    std::string text;
  };

  Result<std::optional<Line>> NextLine();
  // The next physical line without its line end (from the look-ahead first); false at the end.
  Result<bool> TakePhysicalLine(std::string* line, int64_t* number);
  Result<bool> ReadPhysicalLine(std::string* line);
  Result<std::optional<Line>> NextNonBlankLine();
  Status ParseRecord(const Line& first, LdifRecord* record);

  std::istream& in_;
  LdifLimits limits_;
  int64_t physical_line_ = 0;           // lines consumed from in_
  std::optional<std::string> pending_;  // a physical line read ahead, number physical_line_
  bool saw_first_line_ = false;
  Status error_;
};

// Splits an unfolded "name: value" / "name:: base64" line; exposed for tests.
// `line_number` only feeds error messages.
Result<std::pair<std::string, std::string>> ParseAttributeLine(std::string_view text,
                                                               int64_t line_number);

}  // namespace skydir::ldif
