#include "ldap/message.h"

#include <gtest/gtest.h>

#include <string>

#include "ber/reader.h"
#include "ber/writer.h"
#include "ldap/controls.h"

namespace skydir::ldap {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(char(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}
std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[uint8_t(c) >> 4]);
    out.push_back(kDigits[uint8_t(c) & 0xF]);
  }
  return out;
}

// Captured from OpenLDAP 2.5 ldapsearch -x -D uid=bob,... -w p@ss (see tests/fuzz/corpus).
constexpr std::string_view kLdapsearchBind =
    "304f020101604a020103043f7569643d626f622c6f753d55736572732c6f3d3566336331613262346436653766"
    "383039316132623363342c64633d6a756d70636c6f75642c64633d636f6d800470407373";
// ldapsearch ... "(&(objectClass=inetOrgPerson)(|(uid=bob*)(mail=*@example.com)))" uid cn memberOf
constexpr std::string_view kLdapsearchSearch =
    "3081ab0201026381a504376f753d55736572732c6f3d35663363316132623464366537663830393161326233"
    "63342c64633d6a756d70636c6f75642c64633d636f6d0a01020a0100020100020100010100a046a31c040b6f"
    "626a656374436c617373040d696e65744f7267506572736f6ea126a40c040375696430058003626f62a41604"
    "046d61696c300e820c406578616d706c652e636f6d301304037569640402636e04086d656d6265724f66";
// ldapsearch -E pr=50/noprompt "(memberOf:1.2.840.113556.1.4.1941:=cn=g,ou=Users,...)"
constexpr std::string_view kLdapsearchPagedSearch =
    "308198020102636e041364633d6a756d70636c6f75642c64633d636f6d0a01020a0100020100020100010100"
    "a9468117312e322e3834302e3131333535362e312e342e3139343182086d656d6265724f668321636e3d672c"
    "6f753d55736572732c64633d6a756d70636c6f75642c64633d636f6d3000a02330210416312e322e3834302e"
    "3131333535362e312e342e333139040730050201320400";
// ldapwhoami: extended request 1.3.6.1.4.1.4203.1.11.3, then unbind.
constexpr std::string_view kLdapwhoamiExtended =
    "301e02010277198017312e332e362e312e342e312e343230332e312e31312e33";
constexpr std::string_view kUnbind = "30050201034200";
// python3-ldap3 2.9: search with a critical paged results control (size 100).
constexpr std::string_view kLdap3PagedSearch =
    "308189020103635c041a6f753d55736572732c64633d6578616d706c652c64633d636f6d0a01020a01000201"
    "00020100010100a023a315040b6f626a656374436c6173730406706572736f6ea40a0403756964300380016a"
    "300a0402636e04046d61696ca02630240416312e322e3834302e3131333535362e312e342e33313901010104"
    "0730050201640400";

Request MustDecode(std::string_view hex) {
  auto req = DecodeRequest(FromHex(hex), DecodeLimits{});
  EXPECT_TRUE(req.ok()) << req.status().ToString();
  return req.ok() ? std::move(req).value() : Request{};
}

TEST(MessageTest, DecodesLdapsearchBind) {
  Request req = MustDecode(kLdapsearchBind);
  EXPECT_EQ(req.message_id, 1);
  EXPECT_EQ(req.op_tag(), OpTag::kBindRequest);
  const auto& bind = std::get<BindRequest>(req.op);
  EXPECT_EQ(bind.version, 3);
  EXPECT_EQ(bind.name, "uid=bob,ou=Users,o=5f3c1a2b4d6e7f8091a2b3c4,dc=jumpcloud,dc=com");
  EXPECT_EQ(bind.auth, BindRequest::Auth::kSimple);
  EXPECT_EQ(bind.simple_password, "p@ss");
  EXPECT_TRUE(req.controls.empty());
}

TEST(MessageTest, DecodesLdapsearchSearch) {
  Request req = MustDecode(kLdapsearchSearch);
  EXPECT_EQ(req.message_id, 2);
  const auto& search = std::get<SearchRequest>(req.op);
  EXPECT_EQ(search.base, "ou=Users,o=5f3c1a2b4d6e7f8091a2b3c4,dc=jumpcloud,dc=com");
  EXPECT_EQ(search.scope, SearchScope::kWholeSubtree);
  EXPECT_EQ(search.deref, DerefAliases::kNever);
  EXPECT_EQ(search.size_limit, 0);
  EXPECT_FALSE(search.types_only);
  EXPECT_EQ(FilterToString(search.filter),
            "(&(objectClass=inetOrgPerson)(|(uid=bob*)(mail=*@example.com)))");
  EXPECT_EQ(search.attributes, (std::vector<std::string>{"uid", "cn", "memberOf"}));
}

TEST(MessageTest, DecodesPagedSearchWithExtensibleFilter) {
  Request req = MustDecode(kLdapsearchPagedSearch);
  const auto& search = std::get<SearchRequest>(req.op);
  EXPECT_EQ(FilterToString(search.filter),
            "(memberOf:1.2.840.113556.1.4.1941:=cn=g,ou=Users,dc=jumpcloud,dc=com)");
  EXPECT_TRUE(search.attributes.empty());
  ASSERT_EQ(req.controls.size(), 1u);
  EXPECT_EQ(req.controls[0].oid, kPagedResultsOid);
  EXPECT_FALSE(req.controls[0].critical);
  auto paged = DecodePagedResultsValue(*req.controls[0].value);
  ASSERT_TRUE(paged.ok());
  EXPECT_EQ(paged->size, 50);
  EXPECT_EQ(paged->cookie, "");

  Request ldap3 = MustDecode(kLdap3PagedSearch);
  ASSERT_EQ(ldap3.controls.size(), 1u);
  EXPECT_TRUE(ldap3.controls[0].critical);
  EXPECT_EQ(DecodePagedResultsValue(*ldap3.controls[0].value)->size, 100);
}

TEST(MessageTest, DecodesWhoAmIAndUnbind) {
  Request req = MustDecode(kLdapwhoamiExtended);
  const auto& ext = std::get<ExtendedRequest>(req.op);
  EXPECT_EQ(ext.oid, kWhoAmIOid);
  EXPECT_FALSE(ext.value.has_value());
  Request unbind = MustDecode(kUnbind);
  EXPECT_EQ(unbind.message_id, 3);
  EXPECT_EQ(unbind.op_tag(), OpTag::kUnbindRequest);
}

// Builds LDAPMessage { id, op contents under `op_tag`, optional raw controls }.
std::string Message(int64_t id, uint8_t op_tag, const std::string& op_contents,
                    const std::string& trailer = "") {
  ber::Writer w;
  const size_t m = w.Begin(ber::kTagSequence);
  w.AddInteger(id);
  w.AddOctetString(op_contents, op_tag);
  w.AddRaw(trailer);
  w.End(m);
  return w.Release();
}

TEST(MessageTest, DecodesWriteOperations) {
  ber::Writer mod;
  mod.AddOctetString("uid=bob,ou=Users");
  size_t changes = mod.Begin(0x30);
  size_t change = mod.Begin(0x30);
  mod.AddEnumerated(2);
  size_t attr = mod.Begin(0x30);
  mod.AddOctetString("mail");
  size_t vals = mod.Begin(0x31);
  mod.AddOctetString("a@b.c");
  mod.AddOctetString("d@e.f");
  mod.End(vals);
  mod.End(attr);
  mod.End(change);
  mod.End(changes);
  Request req = MustDecode(ToHex(Message(7, 0x66, mod.bytes())));
  const auto& m = std::get<ModifyRequest>(req.op);
  EXPECT_EQ(m.object, "uid=bob,ou=Users");
  ASSERT_EQ(m.changes.size(), 1u);
  EXPECT_EQ(m.changes[0].op, ModifyOp::kReplace);
  EXPECT_EQ(m.changes[0].modification.type, "mail");
  EXPECT_EQ(m.changes[0].modification.values.size(), 2u);

  // Add has the same attribute shape.
  ber::Writer add;
  add.AddOctetString("cn=x");
  size_t list = add.Begin(0x30);
  size_t a = add.Begin(0x30);
  add.AddOctetString("cn");
  size_t v = add.Begin(0x31);
  add.AddOctetString("x");
  add.End(v);
  add.End(a);
  add.End(list);
  req = MustDecode(ToHex(Message(8, 0x68, add.bytes())));
  EXPECT_EQ(std::get<AddRequest>(req.op).attributes.at(0).values.at(0), "x");

  req = MustDecode(ToHex(Message(9, 0x4a, "cn=x,dc=com")));
  EXPECT_EQ(std::get<DelRequest>(req.op).dn, "cn=x,dc=com");

  ber::Writer moddn;
  moddn.AddOctetString("cn=x,dc=com");
  moddn.AddOctetString("cn=y");
  moddn.AddBoolean(true);
  moddn.AddOctetString("ou=z,dc=com", 0x80);
  req = MustDecode(ToHex(Message(10, 0x6c, moddn.bytes())));
  const auto& md = std::get<ModifyDnRequest>(req.op);
  EXPECT_EQ(md.new_rdn, "cn=y");
  EXPECT_TRUE(md.delete_old_rdn);
  EXPECT_EQ(md.new_superior, "ou=z,dc=com");

  ber::Writer cmp;
  cmp.AddOctetString("cn=x");
  size_t ava = cmp.Begin(0x30);
  cmp.AddOctetString("cn");
  cmp.AddOctetString("x");
  cmp.End(ava);
  req = MustDecode(ToHex(Message(11, 0x6e, cmp.bytes())));
  EXPECT_EQ(std::get<CompareRequest>(req.op).value, "x");

  req = MustDecode(ToHex(Message(12, 0x50, std::string("\x05", 1))));
  EXPECT_EQ(std::get<AbandonRequest>(req.op).message_id, 5);
}

TEST(MessageTest, DecodesSaslBindAndExtendedValue) {
  ber::Writer bind;
  bind.AddInteger(3);
  bind.AddOctetString("");
  size_t sasl = bind.Begin(0xa3);
  bind.AddOctetString("EXTERNAL");
  bind.End(sasl);
  Request req = MustDecode(ToHex(Message(1, 0x60, bind.bytes())));
  const auto& b = std::get<BindRequest>(req.op);
  EXPECT_EQ(b.auth, BindRequest::Auth::kSasl);
  EXPECT_EQ(b.sasl_mechanism, "EXTERNAL");
  EXPECT_FALSE(b.sasl_credentials.has_value());

  ber::Writer ext;
  ext.AddOctetString(kPasswordModifyOid, 0x80);
  ext.AddOctetString(std::string("\x30\x03\x82\x01z", 5), 0x81);
  req = MustDecode(ToHex(Message(2, 0x77, ext.bytes())));
  const auto& e = std::get<ExtendedRequest>(req.op);
  auto pm = DecodePasswordModifyValue(e.value);
  ASSERT_TRUE(pm.ok());
  EXPECT_EQ(pm->new_password, "z");
  EXPECT_FALSE(pm->user_identity.has_value());
}

TEST(MessageTest, ReportsMessageIdAndOpOnFailure) {
  // Search with scope 3 (not base/one/sub).
  std::string pdu = FromHex(kLdapsearchSearch);
  const size_t scope = pdu.find(std::string("\x0a\x01\x02", 3));
  ASSERT_NE(scope, std::string::npos);
  pdu[scope + 2] = 3;
  DecodeFailure failure;
  auto req = DecodeRequest(pdu, DecodeLimits{}, &failure);
  ASSERT_FALSE(req.ok());
  EXPECT_EQ(req.status().code(), Code::kProtocolError);
  EXPECT_NE(req.status().message().find("scope"), std::string::npos);
  EXPECT_EQ(failure.message_id, 2);
  EXPECT_EQ(failure.op, OpTag::kSearchRequest);
  EXPECT_EQ(ResponseOpFor(*failure.op), OpTag::kSearchResultDone);

  // Unknown application tag [APPLICATION 30].
  req = DecodeRequest(Message(4, 0x7e, ""), DecodeLimits{}, &failure);
  ASSERT_FALSE(req.ok());
  EXPECT_EQ(failure.message_id, 4);
  EXPECT_FALSE(failure.op.has_value());
  // A response tag is not a request.
  req = DecodeRequest(Message(4, 0x61, ""), DecodeLimits{}, &failure);
  EXPECT_FALSE(failure.op.has_value());
  // Bind with the wrong (primitive) form.
  req = DecodeRequest(Message(4, 0x40, ""), DecodeLimits{}, &failure);
  EXPECT_FALSE(failure.op.has_value());
  // Message id unreadable.
  req = DecodeRequest(FromHex("3005020100420000"), DecodeLimits{}, &failure);
  EXPECT_FALSE(req.ok());
  EXPECT_FALSE(failure.message_id.has_value());
}

TEST(MessageTest, RejectsMalformedPdus) {
  const std::string_view cases[] = {
      "",
      "3000",
      "30050201004200",              // message id 0
      "3005020180420000",            // negative message id (and non-minimal)
      "300602010342000000",          // trailing bytes inside the message? (length says 6)
      "30050201034201",              // truncated
      "3006020103420100",            // unbind with contents
      "30800201034200 0000",         // indefinite length
      "3081050201034200",            // non-minimal length
      "3005020103420000",            // trailing data after the PDU
      "300702010342000500",          // junk after the op that is not controls
      "300a0201036005020103040080",  // bind: truncated auth
  };
  for (std::string_view hex : cases) {
    std::string compact;
    for (char c : hex) {
      if (c != ' ') compact.push_back(c);
    }
    auto req = DecodeRequest(FromHex(compact), DecodeLimits{});
    EXPECT_FALSE(req.ok()) << hex;
    EXPECT_EQ(req.status().code(), Code::kProtocolError) << hex;
  }
}

TEST(MessageTest, EnforcesLimits) {
  DecodeLimits limits;
  limits.max_attributes = 2;
  DecodeFailure failure;
  auto req = DecodeRequest(FromHex(kLdapsearchSearch), limits, &failure);
  ASSERT_FALSE(req.ok());
  EXPECT_NE(req.status().message().find("too many attributes"), std::string::npos);
  EXPECT_EQ(failure.message_id, 2);

  limits = DecodeLimits{};
  limits.filter.max_terms = 3;
  EXPECT_FALSE(DecodeRequest(FromHex(kLdapsearchSearch), limits).ok());
  limits = DecodeLimits{};
  limits.max_ber_depth = 2;
  EXPECT_FALSE(DecodeRequest(FromHex(kLdapsearchSearch), limits).ok());
  limits = DecodeLimits{};
  limits.max_controls = 0;
  EXPECT_FALSE(DecodeRequest(FromHex(kLdap3PagedSearch), limits).ok());
}

TEST(MessageTest, EncodesResults) {
  // 30 0c 02 01 01 61 07 0a 01 00 04 00 04 00
  EXPECT_EQ(ToHex(EncodeResult(1, OpTag::kBindResponse, LdapResult{})),
            "300c02010161070a010004000400");
  EXPECT_EQ(ToHex(EncodeResult(5, OpTag::kSearchResultDone,
                               LdapResult{Code::kNoSuchObject, "dc=com", "no"})),
            "3014020105650f0a0120040664633d636f6d04026e6f");
  for (OpTag op : {OpTag::kModifyResponse, OpTag::kAddResponse, OpTag::kDelResponse,
                   OpTag::kModifyDnResponse, OpTag::kCompareResponse}) {
    std::string bytes = EncodeResult(300, op, LdapResult{Code::kCompareTrue});
    EXPECT_EQ(uint8_t(bytes[6]), 0x60 | static_cast<uint8_t>(op));
  }
}

TEST(MessageTest, EncodesBindAndExtendedResponses) {
  std::string out;
  const Code kSaslBindInProgress = static_cast<Code>(14);
  AppendBindResponse(&out, 2, LdapResult{kSaslBindInProgress}, "creds");
  EXPECT_EQ(ToHex(out),
            "3013020102610e0a010e040004008705637265647"
            "3");
  out.clear();
  AppendExtendedResponse(&out, 3, LdapResult{}, kWhoAmIOid, "dn:uid=bob");
  // Verified with pyasn1's RFC 4511 decoder (python3-ldap3).
  EXPECT_EQ(ToHex(out),
            "3031020103782c0a010004000400"
            "8a17312e332e362e312e342e312e343230332e312e31312e338b0a646e3a7569643d626f62");
}

TEST(MessageTest, EncodesNoticeOfDisconnection) {
  const std::string notice = EncodeNoticeOfDisconnection(Code::kProtocolError, "bad PDU");
  // 30 LL 02 01 00 78 LL 0a 01 02 04 00 04 07 "bad PDU" 8a 16 "1.3.6.1.4.1.1466.20036"
  EXPECT_EQ(ToHex(notice),
            "302b02010078260a01020400040762616420504455"
            "8a16" +
                ToHex("1.3.6.1.4.1.1466.20036"));
}

TEST(MessageTest, EncodesSearchResultEntryFromCachedAttributes) {
  const std::vector<Attribute> attrs = {{"uid", {"bob"}}, {"objectClass", {"top", "person"}}};
  const std::string list = EncodeAttributeList(attrs, /*types_only=*/false);
  EXPECT_EQ(ToHex(list), "302c300c040375696431050403626f62301c040b" + ToHex("objectClass") +
                             "310d0403" + ToHex("top") + "0406" + ToHex("person"));
  const std::string entry = EncodeSearchResultEntry(9, "uid=bob,dc=com", list);
  EXPECT_EQ(ToHex(entry), "3043020109643e040e" + ToHex("uid=bob,dc=com") + ToHex(list));

  // The same bytes through the generic back-patching writer.
  std::string via_writer;
  {
    ber::Writer w(&via_writer);
    size_t m = w.Begin(ber::kTagSequence);
    w.AddInteger(9);
    size_t op = w.Begin(0x64);
    w.AddOctetString("uid=bob,dc=com");
    w.AddRaw(list);
    w.End(op);
    w.End(m);
  }
  EXPECT_EQ(entry, via_writer);

  const std::string types_only = EncodeAttributeList(attrs, /*types_only=*/true);
  EXPECT_EQ(ToHex(types_only),
            "301a30070403756964310030"
            "0f040b" +
                ToHex("objectClass") + "3100");
}

TEST(MessageTest, SearchResultEntryLongFormAndControls) {
  std::vector<Attribute> attrs = {{"description", {std::string(300, 'd')}}};
  const std::string list = EncodeAttributeList(attrs, false);
  const Control sort{std::string(kSortResponseOid), false, EncodeSortResponseValue(Code::kSuccess)};
  std::string out = "x";
  AppendSearchResultEntry(&out, 70000, std::string(200, 'n'), list, {&sort, 1});
  // Parse it back with the reader.
  ber::Reader r(std::string_view(out).substr(1));
  auto msg = r.EnterConstructed(ber::kTagSequence);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(*msg->ReadInteger(), 70000);
  auto op = msg->EnterConstructed(0x64);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(op->ReadOctetString()->size(), 200u);
  EXPECT_EQ(op->ReadElement()->raw, list);
  EXPECT_TRUE(op->empty());
  auto controls = msg->EnterConstructed(0xa0);
  ASSERT_TRUE(controls.ok());
  auto control = controls->EnterConstructed(ber::kTagSequence);
  ASSERT_TRUE(control.ok());
  EXPECT_EQ(*control->ReadOctetString(), kSortResponseOid);
  EXPECT_TRUE(msg->empty());
}

TEST(MessageTest, ResultWithControlsRoundTripsThroughRequestDecoder) {
  // Response controls use the same Controls encoding that requests carry.
  const Control paged{std::string(kPagedResultsOid), true, EncodePagedResultsValue(0, "ck")};
  const std::string bytes = EncodeResult(4, OpTag::kSearchResultDone, LdapResult{}, {&paged, 1});
  ber::Reader r(bytes);
  auto msg = r.EnterConstructed(ber::kTagSequence);
  ASSERT_TRUE(msg.ok());
  ASSERT_TRUE(msg->ReadInteger().ok());
  ASSERT_TRUE(msg->ReadElement(0x65).ok());
  auto list = msg->EnterConstructed(0xa0);
  ASSERT_TRUE(list.ok());
  auto c = list->EnterConstructed(ber::kTagSequence);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c->ReadOctetString(), kPagedResultsOid);
  EXPECT_TRUE(*c->ReadBoolean());
  auto value = DecodePagedResultsValue(*c->ReadOctetString());
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->cookie, "ck");
}

TEST(MessageTest, FindControlAndResponseOps) {
  std::vector<Control> controls = {{"1.2.3", false, {}}, {std::string(kManageDsaItOid), true, {}}};
  EXPECT_EQ(FindControl(controls, kManageDsaItOid), &controls[1]);
  EXPECT_EQ(FindControl(controls, kPagedResultsOid), nullptr);
  EXPECT_FALSE(ResponseOpFor(OpTag::kUnbindRequest).has_value());
  EXPECT_FALSE(ResponseOpFor(OpTag::kAbandonRequest).has_value());
  EXPECT_EQ(ResponseOpFor(OpTag::kExtendedRequest), OpTag::kExtendedResponse);
}

}  // namespace
}  // namespace skydir::ldap
