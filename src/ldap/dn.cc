#include "ldap/dn.h"

#include <algorithm>
#include <utility>

#include "ber/reader.h"

namespace skydir::ldap {
namespace {

Status DnError(std::string_view what) {
  return Status(Code::kInvalidDnSyntax, "invalid DN: " + std::string(what));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c; }

// Characters that may follow a backslash as themselves (RFC 4514 §3 "special" and '\').
bool IsEscapable(char c) {
  switch (c) {
    case ' ':
    case '"':
    case '#':
    case '+':
    case ',':
    case ';':
    case '<':
    case '=':
    case '>':
    case '\\':
      return true;
    default:
      return false;
  }
}

class DnParser {
 public:
  DnParser(std::string_view text, const DnLimits& limits) : text_(text), limits_(limits) {}

  Result<Dn> Parse() {
    if (text_.size() > limits_.max_length) return DnError("too long");
    Dn dn;
    SkipSpaces();
    if (pos_ == text_.size()) return dn;  // the root DSE
    while (true) {
      Rdn rdn;
      while (true) {
        if (rdn.size() >= limits_.max_rdns) return DnError("too many values in one RDN");
        SKYDIR_ASSIGN_OR_RETURN(Ava ava, ParseAva());
        rdn.push_back(std::move(ava));
        SkipSpaces();
        if (!At('+')) break;
        ++pos_;
      }
      if (dn.rdns.size() >= limits_.max_rdns) return DnError("too many RDNs");
      dn.rdns.push_back(std::move(rdn));
      if (pos_ == text_.size()) return dn;
      if (!At(',')) return DnError("',' or '+' expected");
      ++pos_;
    }
  }

 private:
  bool At(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void SkipSpaces() {
    while (At(' ')) ++pos_;
  }

  Result<Ava> ParseAva() {
    SkipSpaces();
    Ava ava;
    const size_t start = pos_;
    if (pos_ < text_.size() && IsAlpha(text_[pos_])) {  // keystring
      while (pos_ < text_.size() &&
             (IsAlpha(text_[pos_]) || IsDigit(text_[pos_]) || text_[pos_] == '-')) {
        ++pos_;
      }
    } else {  // numericoid
      while (pos_ < text_.size() && IsDigit(text_[pos_])) {
        while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
        if (!At('.')) break;
        ++pos_;
      }
      if (pos_ > start && text_[pos_ - 1] == '.') return DnError("malformed numeric OID");
    }
    if (pos_ == start) return DnError("attribute type expected");
    ava.type = text_.substr(start, pos_ - start);
    SkipSpaces();
    if (!At('=')) return DnError("'=' expected");
    ++pos_;
    SkipSpaces();
    if (At('#')) {
      SKYDIR_ASSIGN_OR_RETURN(ava.value, ParseHexValue());
    } else {
      SKYDIR_ASSIGN_OR_RETURN(ava.value, ParseStringValue());
    }
    return ava;
  }

  // '#' hexstring: the BER encoding of a string value.
  Result<std::string> ParseHexValue() {
    ++pos_;
    std::string ber;
    while (pos_ + 1 < text_.size() && HexValue(text_[pos_]) >= 0 &&
           HexValue(text_[pos_ + 1]) >= 0) {
      ber.push_back(char(HexValue(text_[pos_]) << 4 | HexValue(text_[pos_ + 1])));
      pos_ += 2;
    }
    if (ber.empty()) return DnError("'#' must be followed by hex pairs");
    ber::Reader r(ber);
    auto element = r.ReadElement();
    if (!element.ok() || !r.empty()) return DnError("'#' value is not one BER element");
    switch (element->tag) {
      case 0x04:
      case 0x0C:
      case 0x13:
      case 0x14:
      case 0x16:
        return std::string(element->contents);
      default:
        return DnError("'#' value is not a BER string");
    }
  }

  Result<std::string> ParseStringValue() {
    std::string out;
    size_t keep = 0;  // bytes up to and including the last escaped one (never trimmed)
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',' || c == '+') break;
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) return DnError("dangling '\\'");
        const int hi = HexValue(text_[pos_ + 1]);
        if (hi >= 0) {
          const int lo = pos_ + 2 < text_.size() ? HexValue(text_[pos_ + 2]) : -1;
          if (lo < 0) return DnError("escape must be a special character or two hex digits");
          out.push_back(char(hi << 4 | lo));
          pos_ += 3;
        } else if (IsEscapable(text_[pos_ + 1])) {
          out.push_back(text_[pos_ + 1]);
          pos_ += 2;
        } else {
          return DnError("escape must be a special character or two hex digits");
        }
        keep = out.size();
        continue;
      }
      if (c == '"' || c == ';' || c == '<' || c == '>' || c == '\0') {
        return DnError("unescaped special character in value");
      }
      out.push_back(c);
      ++pos_;
    }
    while (out.size() > keep && out.back() == ' ') out.pop_back();
    return out;
  }

  std::string_view text_;
  const DnLimits& limits_;
  size_t pos_ = 0;
};

// Case-ignore normalization of a value: ASCII lowercase, outer spaces dropped, runs collapsed.
std::string NormalizeValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(Lower(c));
  }
  return out;
}

std::string LowerString(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Offset of the first unescaped ',' at or after `from` in a canonical DN, or npos.
size_t NextSeparator(std::string_view dn, size_t from) {
  for (size_t i = from; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;
    } else if (dn[i] == ',') {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

Result<Dn> ParseDn(std::string_view text, const DnLimits& limits) {
  return DnParser(text, limits).Parse();
}

Result<std::string> NormalizeDn(std::string_view text, const DnLimits& limits) {
  SKYDIR_ASSIGN_OR_RETURN(Dn dn, ParseDn(text, limits));
  return dn.Normalized();
}

Dn Dn::Parent() const {
  if (rdns.empty()) return Dn{};
  return Dn{std::vector<Rdn>(rdns.begin() + 1, rdns.end())};
}

std::string Dn::ToString() const {
  std::string out;
  for (size_t i = 0; i < rdns.size(); ++i) {
    if (i > 0) out.push_back(',');
    for (size_t j = 0; j < rdns[i].size(); ++j) {
      if (j > 0) out.push_back('+');
      out.append(rdns[i][j].type);
      out.push_back('=');
      out.append(EscapeDnValue(rdns[i][j].value));
    }
  }
  return out;
}

std::string Dn::Normalized() const {
  std::string out;
  std::vector<std::string> avas;
  for (size_t i = 0; i < rdns.size(); ++i) {
    if (i > 0) out.push_back(',');
    avas.clear();
    for (const Ava& ava : rdns[i]) {
      avas.push_back(LowerString(ava.type) + "=" + EscapeDnValue(NormalizeValue(ava.value)));
    }
    std::sort(avas.begin(), avas.end());
    for (size_t j = 0; j < avas.size(); ++j) {
      if (j > 0) out.push_back('+');
      out.append(avas[j]);
    }
  }
  return out;
}

std::string EscapeDnValue(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    switch (c) {
      case ',':
      case '+':
      case '"':
      case '\\':
      case '<':
      case '>':
      case ';':
        out.push_back('\\');
        out.push_back(c);
        continue;
      case '\0':
        out.append("\\00");
        continue;
      default:
        break;
    }
    if ((i == 0 && (c == ' ' || c == '#')) || (i + 1 == value.size() && c == ' ')) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

bool IsDescendantOrSelf(std::string_view dn, std::string_view base) {
  if (base.empty() || dn == base) return true;
  if (dn.size() <= base.size() || !dn.ends_with(base)) return false;
  const size_t comma = dn.size() - base.size() - 1;
  for (size_t sep = NextSeparator(dn, 0); sep != std::string_view::npos && sep <= comma;
       sep = NextSeparator(dn, sep + 1)) {
    if (sep == comma) return true;
  }
  return false;
}

std::string_view ParentDn(std::string_view dn) {
  const size_t sep = NextSeparator(dn, 0);
  return sep == std::string_view::npos ? std::string_view() : dn.substr(sep + 1);
}

size_t RdnCount(std::string_view dn) {
  if (dn.empty()) return 0;
  size_t n = 1;
  for (size_t sep = NextSeparator(dn, 0); sep != std::string_view::npos;
       sep = NextSeparator(dn, sep + 1)) {
    ++n;
  }
  return n;
}

std::string_view FirstRdn(std::string_view dn) { return dn.substr(0, NextSeparator(dn, 0)); }

}  // namespace skydir::ldap
