#include "ldif/writer.h"

#include <algorithm>
#include <string>

#include "common/base64.h"

namespace skydir::ldif {
namespace {

bool IsAttributeDescription(std::string_view name) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  return !name.empty() && alnum(name[0]) && std::all_of(name.begin(), name.end(), [&](char c) {
    return alnum(c) || c == '-' || c == '.' || c == ';';
  });
}

}  // namespace

bool IsSafeString(std::string_view value) {
  if (value.empty()) return true;
  // RFC 2849 SAFE-INIT-CHAR excludes space, ':' and '<'; a trailing space would be lost by
  // readers that trim.
  if (value.front() == ' ' || value.front() == ':' || value.front() == '<' || value.back() == ' ') {
    return false;
  }
  return std::none_of(value.begin(), value.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte == 0 || byte == '\r' || byte == '\n' || byte > 0x7f;
  });
}

LdifWriter::LdifWriter(std::ostream& out) : out_(out) {}

Status LdifWriter::Write(const LdifRecord& record) {
  if (!record.changetype.empty() && record.changetype != "add") {
    return InvalidArgument("LDIF writer: unsupported changetype \"" + record.changetype + "\"");
  }
  for (const auto& [name, value] : record.attributes) {
    if (!IsAttributeDescription(name)) {
      return InvalidArgument("LDIF writer: invalid attribute name \"" + name + "\" in record \"" +
                             record.dn + "\"");
    }
  }
  if (!wrote_header_) {
    out_ << "version: 1\n\n";
    wrote_header_ = true;
  }
  WriteLine("dn", record.dn);
  if (!record.changetype.empty()) WriteLine("changetype", record.changetype);
  for (const auto& [name, value] : record.attributes) WriteLine(name, value);
  out_ << '\n';
  if (!out_) return Internal("LDIF writer: output stream failed");
  return Status::Ok();
}

void LdifWriter::WriteLine(std::string_view name, std::string_view value) {
  std::string line(name);
  if (IsSafeString(value)) {
    line += ':';
    if (!value.empty()) line.append(" ").append(value);
  } else {
    line.append(":: ").append(Base64Encode(value));
  }
  WriteFolded(line);
}

void LdifWriter::WriteFolded(std::string_view line) {
  out_ << line.substr(0, kFoldColumn) << '\n';
  for (size_t pos = kFoldColumn; pos < line.size(); pos += kFoldColumn - 1) {
    out_ << ' ' << line.substr(pos, kFoldColumn - 1) << '\n';
  }
}

}  // namespace skydir::ldif
