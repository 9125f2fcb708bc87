#include "net/tls_material.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "net/net_test_util.h"

namespace skydir::net {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::RunCommand;
using testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

SanList SansOf(const std::string& cert_file) {
  Result<X509Ptr> cert = LoadCertificate(cert_file);
  EXPECT_TRUE(cert.ok()) << cert.status().ToString();
  return cert.ok() ? ReadSans(cert->get()) : SanList{};
}

class TlsMaterialTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogLevel(LogLevel::kOff); }
  void TearDown() override { SetLogLevel(LogLevel::kInfo); }
  TempDir dir_;
};

TEST_F(TlsMaterialTest, GeneratesCaAndServerCertOnFirstStart) {
  TlsSettings settings;
  settings.extra_sans = {"ldap.example.com", "192.0.2.7", "IP:2001:db8::1"};
  Result<TlsFiles> files = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_TRUE(files->generated);
  EXPECT_TRUE(files->ca_created);
  EXPECT_TRUE(files->server_cert_issued);
  EXPECT_EQ(files->ca_file, dir_.path() + "/tls/ca.pem");
  EXPECT_EQ(Mode(dir_.path() + "/tls/ca.key"), 0600u);
  EXPECT_EQ(Mode(files->key_file), 0600u);
  EXPECT_EQ(Mode(dir_.path() + "/tls"), 0700u);

  SanList sans = SansOf(files->cert_file);
  EXPECT_THAT(sans, Contains("DNS:localhost"));
  EXPECT_THAT(sans, Contains("IP:127.0.0.1"));
  EXPECT_THAT(sans, Contains("IP:::1"));
  EXPECT_THAT(sans, Contains("DNS:ldap.example.com"));
  EXPECT_THAT(sans, Contains("IP:192.0.2.7"));
  EXPECT_THAT(sans, Contains("IP:2001:db8::1"));
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof(host) - 1), 0);
  Result<std::string> host_san = CanonicalSan(std::string("DNS:") + host);
  if (host_san.ok()) {
    EXPECT_THAT(sans, Contains(*host_san));
  }

  std::string out;
  EXPECT_EQ(RunCommand("openssl verify -CAfile " + files->ca_file + " " + files->cert_file, &out),
            0)
      << out;
  EXPECT_EQ(RunCommand("openssl x509 -noout -text -in " + files->ca_file, &out), 0);
  EXPECT_THAT(out, HasSubstr("CA:TRUE"));
  EXPECT_THAT(out, HasSubstr("Certificate Sign"));
  EXPECT_THAT(out, HasSubstr("prime256v1"));
  EXPECT_EQ(RunCommand("openssl x509 -noout -text -in " + files->cert_file, &out), 0);
  EXPECT_THAT(out, HasSubstr("TLS Web Server Authentication"));
  EXPECT_THAT(out, HasSubstr("Digital Signature"));
  EXPECT_THAT(out, HasSubstr("ecdsa-with-SHA256"));
  EXPECT_EQ(RunCommand("openssl x509 -noout -checkend 62208000 -in " + files->cert_file, &out), 0)
      << "server cert should be valid for about two years";
  EXPECT_NE(RunCommand("openssl x509 -noout -checkend 63936000 -in " + files->cert_file, &out), 0)
      << "server cert should not outlive two years and a few days";
}

TEST_F(TlsMaterialTest, ReusesExistingMaterial) {
  TlsSettings settings;
  Result<TlsFiles> first = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string ca = ReadAll(first->ca_file);
  std::string cert = ReadAll(first->cert_file);
  std::string key = ReadAll(first->key_file);

  Result<TlsFiles> second = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->generated);
  EXPECT_FALSE(second->ca_created);
  EXPECT_FALSE(second->server_cert_issued);
  EXPECT_EQ(ReadAll(second->ca_file), ca);
  EXPECT_EQ(ReadAll(second->cert_file), cert);
  EXPECT_EQ(ReadAll(second->key_file), key);
}

TEST_F(TlsMaterialTest, ReissuesServerCertFromSameCaWhenSanAdded) {
  TlsSettings settings;
  Result<TlsFiles> first = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string ca = ReadAll(first->ca_file);
  std::string cert = ReadAll(first->cert_file);

  settings.extra_sans = {"DNS:new.example.org", "10.1.2.3"};
  Result<TlsFiles> second = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->ca_created);
  EXPECT_TRUE(second->server_cert_issued);
  EXPECT_EQ(ReadAll(second->ca_file), ca);
  EXPECT_NE(ReadAll(second->cert_file), cert);
  EXPECT_THAT(SansOf(second->cert_file), Contains("DNS:new.example.org"));
  EXPECT_THAT(SansOf(second->cert_file), Contains("IP:10.1.2.3"));
  std::string out;
  EXPECT_EQ(RunCommand("openssl verify -CAfile " + second->ca_file + " " + second->cert_file, &out),
            0)
      << out;
}

TEST_F(TlsMaterialTest, ReissuesServerCertWhenKeyMismatches) {
  TlsSettings settings;
  Result<TlsFiles> first = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_TRUE(first.ok());
  std::filesystem::copy_file(dir_.path() + "/tls/ca.key", first->key_file,
                             std::filesystem::copy_options::overwrite_existing);
  Result<TlsFiles> second = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->server_cert_issued);
  EXPECT_FALSE(second->ca_created);
}

TEST_F(TlsMaterialTest, RejectsMalformedExtraSan) {
  TlsSettings settings;
  settings.extra_sans = {"bad name!"};
  Result<TlsFiles> files = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr("bad name!"));
}

TEST_F(TlsMaterialTest, UsesOperatorFiles) {
  Result<TlsFiles> made = EnsureTlsMaterial(dir_.path(), TlsSettings{});
  ASSERT_TRUE(made.ok());
  TlsSettings settings;
  settings.cert_file = made->cert_file;
  settings.key_file = made->key_file;
  Result<TlsFiles> files = EnsureTlsMaterial(dir_.path() + "/unused", settings);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_FALSE(files->generated);
  EXPECT_EQ(files->ca_file, "");
  EXPECT_EQ(files->cert_file, made->cert_file);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/unused"));
}

TEST_F(TlsMaterialTest, OperatorFileErrorsNameTheFile) {
  Result<TlsFiles> made = EnsureTlsMaterial(dir_.path(), TlsSettings{});
  ASSERT_TRUE(made.ok());
  TlsSettings settings;
  settings.cert_file = dir_.path() + "/missing.pem";
  settings.key_file = made->key_file;
  Result<TlsFiles> files = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr("missing.pem"));

  settings.cert_file = made->cert_file;
  settings.key_file = made->cert_file;  // a certificate is not a key
  files = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr(made->cert_file));

  settings.key_file = dir_.path() + "/tls/ca.key";  // a key, but not this certificate's
  files = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr("does not match"));

  settings.key_file = "";
  files = EnsureTlsMaterial(dir_.path(), settings);
  ASSERT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(), HasSubstr("together"));
}

TEST(CanonicalSanTest, Forms) {
  EXPECT_EQ(*CanonicalSan("LDAP.Example.COM"), "DNS:ldap.example.com");
  EXPECT_EQ(*CanonicalSan("DNS:*.example.com"), "DNS:*.example.com");
  EXPECT_EQ(*CanonicalSan("10.0.0.1"), "IP:10.0.0.1");
  EXPECT_EQ(*CanonicalSan("ip:0:0:0:0:0:0:0:1"), "IP:::1");
  EXPECT_FALSE(CanonicalSan("IP:not-an-ip").ok());
  EXPECT_FALSE(CanonicalSan("").ok());
  EXPECT_FALSE(CanonicalSan("DNS:").ok());
  EXPECT_FALSE(CanonicalSan("a b").ok());
}

}  // namespace
}  // namespace skydir::net
