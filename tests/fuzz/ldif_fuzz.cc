// Reads the input as LDIF with small limits. Every record the reader yields must write (the
// writer accepts what the reader produced, except attribute names it refuses with a status) and
// read back equal; errors carry the codes and "LDIF line N:" prefix the reader promises.
#include <sstream>
#include <string>

#include "fuzz_entry.h"
#include "ldif/reader.h"
#include "ldif/writer.h"

using skydir::Code;
using skydir::ldif::LdifLimits;
using skydir::ldif::LdifReader;
using skydir::ldif::LdifRecord;
using skydir::ldif::LdifWriter;

namespace {

constexpr int kMaxRecords = 64;  // enough to reach every state; keeps one input fast

bool ExpectedErrorCode(Code code) {
  return code == Code::kProtocolError || code == Code::kUnwillingToPerform ||
         code == Code::kInvalidAttributeSyntax;
}

}  // namespace

SKYDIR_FUZZ_ENTRY(ldif) {
  const LdifLimits limits{.max_line_bytes = 4096, .max_record_bytes = 16384, .max_attributes = 64};
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  LdifReader reader(in, limits);
  for (int i = 0; i < kMaxRecords; ++i) {
    auto next = reader.Next();
    if (!next.ok()) {
      FUZZ_CHECK(ExpectedErrorCode(next.status().code()));
      FUZZ_CHECK(next.status().message().rfind("LDIF line ", 0) == 0);
      auto again = reader.Next();  // errors are sticky
      FUZZ_CHECK(!again.ok() && again.status().message() == next.status().message());
      return 0;
    }
    if (!next->has_value()) return 0;
    const LdifRecord& record = **next;
    FUZZ_CHECK(record.line >= 1);
    FUZZ_CHECK(record.changetype.empty() || record.changetype == "add");

    std::ostringstream out;
    LdifWriter writer(out);
    skydir::Status written = writer.Write(record);
    if (!written.ok()) {
      FUZZ_CHECK(written.code() == Code::kConstraintViolation);
      continue;
    }
    std::istringstream back(out.str());
    LdifReader rereader(back, LdifLimits{});
    auto reread = rereader.Next();
    FUZZ_CHECK(reread.ok() && reread->has_value());
    LdifRecord copy = **reread;
    copy.line = record.line;
    FUZZ_CHECK(copy == record);
  }
  return 0;
}
