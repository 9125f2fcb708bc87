// RFC 4515 string representation of filters: a recursive-descent parser bounded by the same
// limits as the BER decoder, and the printer.
#include <string>
#include <vector>

#include "ber/reader.h"
#include "ldap/filter.h"

namespace skydir::ldap {
namespace {

using ber::ProtocolError;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// attributedescription / matchingrule characters: keystring, numericoid, options.
bool IsDescriptorChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == ';' || c == '_';
}

class Parser {
 public:
  Parser(std::string_view text, const FilterLimits& limits) : text_(text), limits_(limits) {}

  Result<Filter> ParseAll() {
    SKYDIR_ASSIGN_OR_RETURN(Filter f, ParseFilter(1));
    if (pos_ != text_.size()) return Error("unexpected text after the filter");
    return f;
  }

  Result<Filter> ParseBareItem() {
    if (++terms_ > limits_.max_terms) return Error("filter has too many terms");
    SKYDIR_ASSIGN_OR_RETURN(Filter f, ParseItem(/*bare=*/true));
    if (pos_ != text_.size()) return Error("unexpected text after the filter");
    return f;
  }

 private:
  Status Error(std::string_view what) const {
    return ProtocolError("invalid filter: " + std::string(what) + " at offset " +
                         std::to_string(pos_));
  }
  bool At(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  // filter = "(" filtercomp ")"
  Result<Filter> ParseFilter(uint32_t depth) {
    if (depth > limits_.max_depth) return Error("filter nesting exceeds the limit");
    if (++terms_ > limits_.max_terms) return Error("filter has too many terms");
    if (!At('(')) return Error("'(' expected");
    ++pos_;
    Filter f;
    if (At('&') || At('|')) {
      f.kind = At('&') ? FilterKind::kAnd : FilterKind::kOr;
      ++pos_;
      while (At('(')) {
        SKYDIR_ASSIGN_OR_RETURN(Filter child, ParseFilter(depth + 1));
        f.children.push_back(std::move(child));
      }
    } else if (At('!')) {
      f.kind = FilterKind::kNot;
      ++pos_;
      SKYDIR_ASSIGN_OR_RETURN(Filter child, ParseFilter(depth + 1));
      f.children.push_back(std::move(child));
    } else {
      SKYDIR_ASSIGN_OR_RETURN(f, ParseItem(/*bare=*/false));
    }
    if (!At(')')) return Error("')' expected");
    ++pos_;
    return f;
  }

  std::string_view Descriptor() {
    const size_t start = pos_;
    while (pos_ < text_.size() && IsDescriptorChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // item = simple / present / substring / extensible
  Result<Filter> ParseItem(bool bare) {
    Filter f;
    f.attribute = Descriptor();
    if (At(':')) return ParseExtensible(std::move(f), bare);
    if (f.attribute.empty()) return Error("attribute description expected");
    if (At('~') || At('>') || At('<')) {
      f.kind = At('~')   ? FilterKind::kApprox
               : At('>') ? FilterKind::kGreaterOrEqual
                         : FilterKind::kLessOrEqual;
      ++pos_;
      if (!At('=')) return Error("'=' expected");
      ++pos_;
      SKYDIR_ASSIGN_OR_RETURN(f.value, Value(bare, /*star_ends=*/false));
      return f;
    }
    if (!At('=')) return Error("filter type expected");
    ++pos_;
    // Split on unescaped '*': one part is equality, "*" alone is presence.
    std::vector<std::string> parts;
    while (true) {
      SKYDIR_ASSIGN_OR_RETURN(std::string part, Value(bare, /*star_ends=*/true));
      parts.push_back(std::move(part));
      if (!At('*')) break;
      ++pos_;
    }
    if (parts.size() == 1) {
      f.kind = FilterKind::kEqual;
      f.value = std::move(parts[0]);
      return f;
    }
    if (parts.size() == 2 && parts[0].empty() && parts[1].empty()) {
      f.kind = FilterKind::kPresent;
      return f;
    }
    f.kind = FilterKind::kSubstrings;
    if (!parts.front().empty()) f.initial = std::move(parts.front());
    if (!parts.back().empty()) f.final_part = std::move(parts.back());
    for (size_t i = 1; i + 1 < parts.size(); ++i) {
      if (parts[i].empty()) return Error("empty substring between '*'");
      f.any.push_back(std::move(parts[i]));
    }
    return f;
  }

  // extensible = attr [":dn"] [":" matchingrule] ":=" value
  //            / [":dn"] ":" matchingrule ":=" value
  Result<Filter> ParseExtensible(Filter f, bool bare) {
    f.kind = FilterKind::kExtensible;
    while (At(':')) {
      ++pos_;
      if (At('=')) {
        ++pos_;
        if (f.attribute.empty() && f.matching_rule.empty()) {
          return Error("extensible match needs a matching rule or a type");
        }
        SKYDIR_ASSIGN_OR_RETURN(f.value, Value(bare, /*star_ends=*/false));
        return f;
      }
      std::string_view token = Descriptor();
      if (token.empty()) return Error("matching rule expected");
      const bool is_dn = token.size() == 2 && (token[0] | 0x20) == 'd' && (token[1] | 0x20) == 'n';
      if (is_dn && !f.dn_attributes && f.matching_rule.empty()) {
        f.dn_attributes = true;
      } else if (f.matching_rule.empty()) {
        f.matching_rule = token;
      } else {
        return Error("unexpected component in extensible match");
      }
    }
    return Error("':=' expected");
  }

  // An assertion value up to ')' (or the end of a bare item), unescaping \XX.
  Result<std::string> Value(bool bare, bool star_ends) {
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ')' && !bare) break;
      if (c == '*') {
        if (star_ends) break;
        return Error("unescaped '*' in value");
      }
      if (c == '(' || c == ')' || c == '\0') return Error("unescaped special character in value");
      if (c == '\\') {
        if (text_.size() - pos_ < 3) return Error("truncated escape");
        const int hi = HexValue(text_[pos_ + 1]), lo = HexValue(text_[pos_ + 2]);
        if (hi < 0 || lo < 0) return Error("escape must be two hex digits");
        out.push_back(char(hi << 4 | lo));
        pos_ += 3;
        continue;
      }
      out.push_back(c);
      ++pos_;
    }
    if (!bare && pos_ >= text_.size()) return Error("')' expected");
    return out;
  }

  std::string_view text_;
  const FilterLimits& limits_;
  size_t pos_ = 0;
  uint32_t terms_ = 0;
};

void AppendEscaped(std::string* out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : value) {
    const uint8_t u = uint8_t(c);
    if (c == '*' || c == '(' || c == ')' || c == '\\' || u < 0x20 || u == 0x7F) {
      out->push_back('\\');
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 0xF]);
    } else {
      out->push_back(c);
    }
  }
}

void Print(const Filter& f, std::string* out) {
  out->push_back('(');
  switch (f.kind) {
    case FilterKind::kAnd:
    case FilterKind::kOr:
    case FilterKind::kNot:
      out->push_back(f.kind == FilterKind::kAnd ? '&' : f.kind == FilterKind::kOr ? '|' : '!');
      for (const Filter& child : f.children) Print(child, out);
      break;
    case FilterKind::kEqual:
    case FilterKind::kGreaterOrEqual:
    case FilterKind::kLessOrEqual:
    case FilterKind::kApprox:
      out->append(f.attribute);
      out->append(f.kind == FilterKind::kEqual            ? "="
                  : f.kind == FilterKind::kGreaterOrEqual ? ">="
                  : f.kind == FilterKind::kLessOrEqual    ? "<="
                                                          : "~=");
      AppendEscaped(out, f.value);
      break;
    case FilterKind::kPresent:
      out->append(f.attribute);
      out->append("=*");
      break;
    case FilterKind::kSubstrings:
      out->append(f.attribute);
      out->push_back('=');
      if (f.initial) AppendEscaped(out, *f.initial);
      out->push_back('*');
      for (const std::string& any : f.any) {
        AppendEscaped(out, any);
        out->push_back('*');
      }
      if (f.final_part) AppendEscaped(out, *f.final_part);
      break;
    case FilterKind::kExtensible:
      out->append(f.attribute);
      if (f.dn_attributes) out->append(":dn");
      if (!f.matching_rule.empty()) {
        out->push_back(':');
        out->append(f.matching_rule);
      }
      out->append(":=");
      AppendEscaped(out, f.value);
      break;
  }
  out->push_back(')');
}

}  // namespace

Result<Filter> ParseFilter(std::string_view text, const FilterLimits& limits) {
  Parser parser(text, limits);
  if (!text.empty() && text.front() != '(') return parser.ParseBareItem();
  return parser.ParseAll();
}

std::string FilterToString(const Filter& filter) {
  std::string out;
  Print(filter, &out);
  return out;
}

}  // namespace skydir::ldap
