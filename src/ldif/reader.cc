#include "ldif/reader.h"

#include <algorithm>
#include <utility>

#include "common/base64.h"

namespace skydir::ldif {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr size_t kMaxQuotedBytes = 40;  // of input echoed in an error message

std::string Where(int64_t line) { return "LDIF line " + std::to_string(line) + ": "; }

Status Error(Code code, int64_t line, std::string message) {
  return Status(code, Where(line) + message);
}

// Input echoed in a message: short and printable.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, kMaxQuotedBytes)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (text.size() > kMaxQuotedBytes) out += "...";
  return out + "\"";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 2849 AttributeDescription: a name or OID, then ";option"s.
bool IsAttributeDescription(std::string_view name) {
  return !name.empty() && IsAlnum(name[0]) && std::all_of(name.begin(), name.end(), [](char c) {
    return IsAlnum(c) || c == '-' || c == '.' || c == ';';
  });
}

std::string_view SkipFill(std::string_view text) {
  size_t start = text.find_first_not_of(' ');
  return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseAttributeLine(std::string_view text,
                                                               int64_t line_number) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Error(Code::kProtocolError, line_number,
                 "expected \"name: value\", found " + Quote(text));
  }
  std::string_view name = text.substr(0, colon);
  if (!IsAttributeDescription(name)) {
    return Error(Code::kProtocolError, line_number, "invalid attribute name " + Quote(name));
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.starts_with(':')) {  // RFC 2849: "::" FILL BASE64-STRING
    std::string_view encoded = SkipFill(rest.substr(1));
    while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
    auto value = Base64Decode(encoded);
    if (!value) {
      return Error(Code::kInvalidAttributeSyntax, line_number,
                   "the value of " + Quote(name) + " is not valid base64");
    }
    return std::pair{std::string(name), std::move(*value)};
  }
  if (rest.starts_with('<')) {  // RFC 2849: ":<" FILL url
    return Error(Code::kUnwillingToPerform, line_number,
                 "URL values (" + Quote(std::string(name) + ":<") +
                     ") are not supported: inline the value, base64-encoded with \"::\"");
  }
  std::string_view value = SkipFill(rest);
  if (value.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos) {
    return Error(
        Code::kProtocolError, line_number,
        "the value of " + Quote(name) + " contains NUL or CR: base64-encode it with \"::\"");
  }
  return std::pair{std::string(name), std::string(value)};
}

LdifReader::LdifReader(std::istream& in, LdifLimits limits) : in_(in), limits_(limits) {}

Result<bool> LdifReader::ReadPhysicalLine(std::string* line) {
  line->clear();
  std::streambuf* buf = in_.rdbuf();
  if (buf == nullptr) return false;
  bool any = false;
  for (int c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
    any = true;
    if (c == '\n') break;
    if (line->size() > limits_.max_line_bytes) {  // one spare byte for a CR
      return Error(Code::kProtocolError, physical_line_ + 1,
                   "line longer than " + std::to_string(limits_.max_line_bytes) + " bytes");
    }
    line->push_back(static_cast<char>(c));
  }
  if (!any) return false;
  ++physical_line_;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  if (physical_line_ == 1 && line->starts_with(kByteOrderMark)) line->erase(0, 3);
  return true;
}

Result<bool> LdifReader::TakePhysicalLine(std::string* line, int64_t* number) {
  *number = physical_line_;
  if (pending_) {
    *line = std::move(*pending_);
    pending_.reset();
    return true;
  }
  SKYDIR_ASSIGN_OR_RETURN(bool got, ReadPhysicalLine(line));
  *number = physical_line_;
  return got;
}

Result<std::optional<LdifReader::Line>> LdifReader::NextLine() {
  while (true) {
    Line line;
    SKYDIR_ASSIGN_OR_RETURN(bool got, TakePhysicalLine(&line.text, &line.number));
    if (!got) return std::optional<Line>();
    if (line.text.empty()) return std::optional<Line>(std::move(line));
    if (line.text[0] == ' ') {
      return Error(Code::kProtocolError, line.number,
                   "continuation line (starting with a space) with no line to continue");
    }
    // RFC 2849 §2 note 2: a line starting with one space continues the previous line.
    std::string next;
    int64_t next_number = 0;
    while (true) {
      SKYDIR_ASSIGN_OR_RETURN(bool more, TakePhysicalLine(&next, &next_number));
      if (!more) break;
      if (next.empty() || next[0] != ' ') {
        pending_ = std::move(next);
        break;
      }
      if (line.text.size() + next.size() - 1 > limits_.max_line_bytes) {
        return Error(Code::kProtocolError, line.number,
                     "folded line longer than " + std::to_string(limits_.max_line_bytes) +
                         " bytes once unfolded");
      }
      line.text.append(next, 1);
    }
    if (line.text[0] == '#') continue;  // a comment, folded or not
    return std::optional<Line>(std::move(line));
  }
}

Result<std::optional<LdifReader::Line>> LdifReader::NextNonBlankLine() {
  while (true) {
    SKYDIR_ASSIGN_OR_RETURN(std::optional<Line> line, NextLine());
    if (!line || !line->text.empty()) return line;
  }
}

Result<std::optional<LdifRecord>> LdifReader::Next() {
  if (!error_.ok()) return error_;
  auto first = NextNonBlankLine();
  if (first.ok() && *first && !saw_first_line_) {
    saw_first_line_ = true;
    std::string_view text = (*first)->text;
    if (text.size() >= 8 && EqualsIgnoreCase(text.substr(0, 8), "version:")) {
      auto version = ParseAttributeLine(text, (*first)->number);
      if (version.ok() && version->second != "1") {
        version = Error(Code::kProtocolError, (*first)->number,
                        "unsupported LDIF version " + Quote(version->second) + " (only 1)");
      }
      first = version.ok() ? NextNonBlankLine() : version.status();
    }
  }
  if (!first.ok()) {
    error_ = first.status();
    return error_;
  }
  if (!*first) return std::optional<LdifRecord>();
  LdifRecord record;
  Status status = ParseRecord(**first, &record);
  if (!status.ok()) {
    error_ = std::move(status);
    return error_;
  }
  return std::optional<LdifRecord>(std::move(record));
}

Status LdifReader::ParseRecord(const Line& first, LdifRecord* record) {
  auto dn = ParseAttributeLine(first.text, first.number);
  if (!dn.ok()) return dn.status();
  if (!EqualsIgnoreCase(dn->first, "dn")) {
    return Error(Code::kProtocolError, first.number,
                 "a record must start with \"dn:\", found " + Quote(dn->first + ":"));
  }
  record->line = first.number;
  record->dn = std::move(dn->second);
  size_t bytes = record->dn.size();
  while (true) {
    SKYDIR_ASSIGN_OR_RETURN(std::optional<Line> line, NextLine());
    if (!line || line->text.empty()) return Status::Ok();
    SKYDIR_ASSIGN_OR_RETURN(auto attribute, ParseAttributeLine(line->text, line->number));
    auto& [name, value] = attribute;
    bool right_after_dn = record->attributes.empty() && record->changetype.empty();
    if (EqualsIgnoreCase(name, "control") && right_after_dn) {
      return Error(Code::kUnwillingToPerform, line->number, "LDIF controls are not supported");
    }
    if (EqualsIgnoreCase(name, "changetype")) {
      if (!right_after_dn) {
        return Error(Code::kProtocolError, line->number, "\"changetype:\" must follow \"dn:\"");
      }
      if (value == "add") {
        record->changetype = "add";
        continue;
      }
      if (value == "modify" || value == "delete" || value == "modrdn" || value == "moddn") {
        return Error(Code::kUnwillingToPerform, line->number,
                     "\"changetype: " + value + "\" is not supported (only entries to add)");
      }
      return Error(Code::kProtocolError, line->number, "unknown changetype " + Quote(value));
    }
    bytes += name.size() + value.size();
    if (bytes > limits_.max_record_bytes) {
      return Error(Code::kProtocolError, line->number,
                   "the record starting at line " + std::to_string(record->line) +
                       " is larger than " + std::to_string(limits_.max_record_bytes) + " bytes");
    }
    if (record->attributes.size() >= limits_.max_attributes) {
      return Error(Code::kProtocolError, line->number,
                   "the record starting at line " + std::to_string(record->line) +
                       " has more than " + std::to_string(limits_.max_attributes) + " attributes");
    }
    record->attributes.emplace_back(std::move(name), std::move(value));
  }
}

}  // namespace skydir::ldif
