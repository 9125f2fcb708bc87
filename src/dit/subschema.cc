// RFC 4512 §4.1.2 / §4.1.1 descriptions of what skydir serves.
#include <string>
#include <vector>

#include "dit/schema.h"

namespace skydir::dit {
namespace {

std::string_view SyntaxOid(Syntax s) {
  switch (s) {
    case Syntax::kCaseIgnore: return "1.3.6.1.4.1.1466.115.121.1.15";
    case Syntax::kCaseExact: return "1.3.6.1.4.1.1466.115.121.1.26";
    case Syntax::kDn: return "1.3.6.1.4.1.1466.115.121.1.12";
    case Syntax::kInteger: return "1.3.6.1.4.1.1466.115.121.1.27";
    case Syntax::kGeneralizedTime: return "1.3.6.1.4.1.1466.115.121.1.24";
    case Syntax::kOid: return "1.3.6.1.4.1.1466.115.121.1.38";
  }
  return "1.3.6.1.4.1.1466.115.121.1.15";
}

std::string_view EqualityRule(Syntax s) {
  switch (s) {
    case Syntax::kCaseIgnore: return "caseIgnoreMatch";
    case Syntax::kCaseExact: return "caseExactMatch";
    case Syntax::kDn: return "distinguishedNameMatch";
    case Syntax::kInteger: return "integerMatch";
    case Syntax::kGeneralizedTime: return "generalizedTimeMatch";
    case Syntax::kOid: return "objectIdentifierMatch";
  }
  return "caseIgnoreMatch";
}

std::string Names(std::string_view name, const std::vector<std::string_view>& aliases) {
  if (aliases.empty()) return "'" + std::string(name) + "'";
  std::string out = "( '" + std::string(name) + "'";
  for (auto a : aliases) out += " '" + std::string(a) + "'";
  return out + " )";
}

std::string List(const std::vector<std::string_view>& items) {
  if (items.size() == 1) return std::string(items[0]);
  std::string out = "( ";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += " $ ";
    out += items[i];
  }
  return out + " )";
}

}  // namespace

const std::vector<ObjectClassDef>& ObjectClasses() {
  static const std::vector<ObjectClassDef> kClasses = {
      {"top", "2.5.6.0", "", "ABSTRACT", {"objectClass"}, {}},
      {"organization", "2.5.6.4", "top", "STRUCTURAL", {"o"}, {"description"}},
      {"organizationalUnit", "2.5.6.5", "top", "STRUCTURAL", {"ou"}, {"description"}},
      {"person", "2.5.6.6", "top", "STRUCTURAL", {"sn", "cn"},
       {"userPassword", "telephoneNumber", "description"}},
      {"organizationalPerson", "2.5.6.7", "person", "STRUCTURAL", {}, {"title", "ou"}},
      {"inetOrgPerson", "2.16.840.1.113730.3.2.2", "organizationalPerson", "STRUCTURAL", {},
       {"departmentNumber", "displayName", "employeeNumber", "givenName", "mail", "mobile",
        "uid"}},
      {"posixAccount", "1.3.6.1.1.1.2.0", "top", "AUXILIARY",
       {"cn", "uid", "uidNumber", "gidNumber", "homeDirectory"},
       {"userPassword", "loginShell", "description"}},
      {"shadowAccount", "1.3.6.1.1.1.2.1", "top", "AUXILIARY", {"uid"}, {"description"}},
      {"jumpcloudUser", "jumpcloudUser-oid", "top", "AUXILIARY", {}, {"memberOf"}},
      {"groupOfNames", "2.5.6.9", "top", "STRUCTURAL", {"cn"}, {"member", "description"}},
      {"posixGroup", "1.3.6.1.1.1.2.2", "top", "AUXILIARY", {"gidNumber"},
       {"memberUid", "description"}},
  };
  return kClasses;
}

std::vector<std::string> AttributeTypeDescriptions() {
  std::vector<std::string> out;
  for (int i = 0; i < static_cast<int>(Attr::kCount); ++i) {
    const AttributeType& t = TypeOf(static_cast<Attr>(i));
    std::string d = "( " + std::string(t.oid) + " NAME " + Names(t.name, t.aliases) +
                    " EQUALITY " + std::string(EqualityRule(t.syntax)) + " SYNTAX " +
                    std::string(SyntaxOid(t.syntax));
    if (t.single_valued) d += " SINGLE-VALUE";
    if (t.usage == Usage::kOperational) d += " NO-USER-MODIFICATION USAGE directoryOperation";
    out.push_back(d + " )");
  }
  return out;
}

std::vector<std::string> ObjectClassDescriptions() {
  std::vector<std::string> out;
  for (const ObjectClassDef& c : ObjectClasses()) {
    std::string d = "( " + std::string(c.oid) + " NAME '" + std::string(c.name) + "'";
    if (!c.superior.empty()) d += " SUP " + std::string(c.superior);
    d += " " + std::string(c.kind);
    if (!c.must.empty()) d += " MUST " + List(c.must);
    if (!c.may.empty()) d += " MAY " + List(c.may);
    out.push_back(d + " )");
  }
  return out;
}

}  // namespace skydir::dit
