// Vectors come from the real tools at test time (slappasswd, mkpasswd, openssl), so this checks
// compatibility with what they write today, not with strings copied from somewhere.
#include "service/password_hasher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace skydir {
namespace {

constexpr const char* kModulePath = "/usr/lib/ldap";

// Fails the test (never skips) when `tool` is missing, naming the Debian package to install.
bool RequireTool(const std::string& tool, const std::string& package) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin:/bin";  // slappasswd lives in sbin, often not on PATH
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
  }
  ADD_FAILURE() << "`" << tool << "` not found: install the Debian package `" << package << "`";
  return false;
}

// Runs a shell command and returns its stdout without the trailing newline; fails on a non-zero
// exit status.
std::string RunCommand(const std::string& command) {
  std::string full = "PATH=\"$PATH:/usr/sbin:/sbin\"; " + command;
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return "";
  }
  std::string out;
  char buffer[512];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << "command failed: " << command;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }  // test passwords have no '

std::string Slappasswd(const std::string& scheme, const std::string& module,
                       const std::string& password) {
  std::string options =
      module.empty() ? ""
                     : std::string(" -o module-path=") + kModulePath + " -o module-load=" + module;
  return RunCommand("slappasswd" + options + " -h '" + scheme + "' -s " + Quote(password));
}

// contrib pw-pbkdf2's format, built with openssl because Debian ships no pw-pbkdf2 module.
std::string OpensslPbkdf2(const std::string& scheme, const std::string& digest, int iterations,
                          const std::string& password) {
  const std::string ab64 = " | openssl base64 -A | tr '+' '.' | tr -d '='";
  return RunCommand("salt=$(openssl rand -hex 8); dk=$(openssl kdf -binary -keylen " +
                    std::to_string(digest == "SHA1"     ? 20
                                   : digest == "SHA256" ? 32
                                                        : 64) +
                    " -kdfopt digest:" + digest + " -kdfopt pass:" + Quote(password) +
                    " -kdfopt salt:$salt -kdfopt iter:" + std::to_string(iterations) + " PBKDF2" +
                    ab64 + "); s=$(printf %s \"$salt\"" + ab64 + "); printf '%s' '" + scheme + "'" +
                    std::to_string(iterations) + "'$'\"$s\"'$'\"$dk\"");
}

struct Vector {
  std::string name;
  std::string tool;
  std::string package;
  std::function<std::string(const std::string& password)> make;
};

std::vector<Vector> AllVectors() {
  auto slap = [](std::string scheme, std::string module) {
    return [=](const std::string& pw) { return Slappasswd(scheme, module, pw); };
  };
  auto crypt = [](std::string command) {
    return [=](const std::string& pw) { return "{CRYPT}" + RunCommand(command + " " + Quote(pw)); };
  };
  auto pbkdf2 = [](std::string scheme, std::string digest) {
    return [=](const std::string& pw) { return OpensslPbkdf2(scheme, digest, 1000, pw); };
  };
  return {
      {"SSHA", "slappasswd", "slapd", slap("{SSHA}", "")},
      {"SHA", "slappasswd", "slapd", slap("{SHA}", "")},
      {"SSHA256", "slappasswd", "slapd", slap("{SSHA256}", "pw-sha2")},
      {"SSHA384", "slappasswd", "slapd", slap("{SSHA384}", "pw-sha2")},
      {"SSHA512", "slappasswd", "slapd", slap("{SSHA512}", "pw-sha2")},
      {"SHA256", "slappasswd", "slapd", slap("{SHA256}", "pw-sha2")},
      {"SHA512", "slappasswd", "slapd", slap("{SHA512}", "pw-sha2")},
      {"Argon2iSlapd", "slappasswd", "slapd", slap("{ARGON2}", "argon2")},
      {"CryptSha512Mkpasswd", "mkpasswd", "whois", crypt("mkpasswd -m sha-512")},
      {"CryptSha512Rounds", "mkpasswd", "whois", crypt("mkpasswd -m sha-512 -R 6000")},
      {"CryptSha256Mkpasswd", "mkpasswd", "whois", crypt("mkpasswd -m sha-256")},
      {"CryptBcrypt", "mkpasswd", "whois", crypt("mkpasswd -m bcrypt")},
      {"CryptYescrypt", "mkpasswd", "whois", crypt("mkpasswd -m yescrypt")},
      {"CryptSha512Openssl", "openssl", "openssl", crypt("openssl passwd -6")},
      {"CryptSha256Openssl", "openssl", "openssl", crypt("openssl passwd -5")},
      {"Pbkdf2Sha512", "openssl", "openssl", pbkdf2("{PBKDF2-SHA512}", "SHA512")},
      {"Pbkdf2Sha256", "openssl", "openssl", pbkdf2("{PBKDF2-SHA256}", "SHA256")},
      {"Pbkdf2Sha1", "openssl", "openssl", pbkdf2("{PBKDF2-SHA1}", "SHA1")},
      {"Pbkdf2", "openssl", "openssl", pbkdf2("{PBKDF2}", "SHA1")},
  };
}

PasswordSettings FastSettings() {
  PasswordSettings settings;
  settings.argon2_ops_limit = 1;
  settings.argon2_mem_limit_kib = 64;
  return settings;
}

class SchemeTest : public ::testing::TestWithParam<Vector> {};

TEST_P(SchemeTest, VerifiesRightPasswordAndRejectsWrongOnes) {
  const Vector& v = GetParam();
  if (!RequireTool(v.tool, v.package)) return;
  PasswordHasher hasher(FastSettings());
  for (const std::string password : {"secret", "correct horse battery staple", "p\xc3\xa4sswort"}) {
    std::string stored = v.make(password);
    SCOPED_TRACE(stored);
    EXPECT_TRUE(PasswordHasher::IsSupportedHash(stored));
    VerifyResult right = hasher.Verify(stored, password);
    EXPECT_TRUE(right.ok);
    EXPECT_TRUE(right.needs_rehash) << "only Argon2id at the configured cost is final";
    for (const std::string& wrong : {password + "x", password.substr(0, password.size() - 1),
                                     std::string("Secret"), std::string("x"), std::string()}) {
      VerifyResult result = hasher.Verify(stored, wrong);
      EXPECT_FALSE(result.ok) << "wrong password accepted: " << wrong;
      EXPECT_FALSE(result.needs_rehash);
    }
  }
}

TEST_P(SchemeTest, SchemeNameIsCaseInsensitive) {
  const Vector& v = GetParam();
  if (!RequireTool(v.tool, v.package)) return;
  std::string stored = v.make("secret");
  size_t close = stored.find('}');
  for (size_t i = 1; i < close; ++i) stored[i] = static_cast<char>(std::tolower(stored[i]));
  EXPECT_TRUE(PasswordHasher(FastSettings()).Verify(stored, "secret").ok) << stored;
}

INSTANTIATE_TEST_SUITE_P(RealTools, SchemeTest, ::testing::ValuesIn(AllVectors()),
                         [](const auto& info) { return info.param.name; });

TEST(PasswordHasherTest, Argon2idRoundTrip) {
  PasswordHasher hasher(FastSettings());
  auto stored = hasher.Hash("s3cret pass");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_TRUE(stored->starts_with("{ARGON2}$argon2id$v=19$m=64,t=1,p=1$")) << *stored;
  EXPECT_TRUE(PasswordHasher::IsSupportedHash(*stored));
  VerifyResult right = hasher.Verify(*stored, "s3cret pass");
  EXPECT_TRUE(right.ok);
  EXPECT_FALSE(right.needs_rehash);
  EXPECT_FALSE(hasher.Verify(*stored, "s3cret pasS").ok);
  EXPECT_FALSE(hasher.Verify(*stored, "").ok);
  // Fresh salt every time.
  EXPECT_NE(*stored, *hasher.Hash("s3cret pass"));
}

TEST(PasswordHasherTest, DefaultSettingsHashAtOwaspCost) {
  auto stored = PasswordHasher(PasswordSettings()).Hash("pw");
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->starts_with("{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$")) << *stored;
}

TEST(PasswordHasherTest, Argon2idNeedsRehashOnlyWhenWeakerThanConfigured) {
  PasswordSettings weak = FastSettings();
  PasswordSettings strong = weak;
  strong.argon2_mem_limit_kib = 128;
  PasswordSettings more_passes = weak;
  more_passes.argon2_ops_limit = 2;
  std::string weak_hash = *PasswordHasher(weak).Hash("pw");
  std::string strong_hash = *PasswordHasher(strong).Hash("pw");

  VerifyResult r = PasswordHasher(strong).Verify(weak_hash, "pw");
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.needs_rehash) << "less memory than configured";
  r = PasswordHasher(more_passes).Verify(weak_hash, "pw");
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.needs_rehash) << "fewer passes than configured";
  r = PasswordHasher(weak).Verify(strong_hash, "pw");
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.needs_rehash) << "a stronger hash is kept";
}

TEST(PasswordHasherTest, Argon2iAlwaysNeedsRehash) {
  if (!RequireTool("slappasswd", "slapd")) return;
  std::string stored = Slappasswd("{ARGON2}", "argon2", "secret");
  ASSERT_TRUE(stored.starts_with("{ARGON2}$argon2i")) << stored;
  PasswordSettings settings = FastSettings();
  settings.argon2_mem_limit_kib = 8;  // weaker than the vector: only the variant matters
  VerifyResult r = PasswordHasher(settings).Verify(stored, "secret");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.needs_rehash, !stored.starts_with("{ARGON2}$argon2id$"));
}

TEST(PasswordHasherTest, HashRefusesEmptyAndOverlongPasswords) {
  PasswordHasher hasher(FastSettings());
  EXPECT_EQ(hasher.Hash("").status().code(), Code::kConstraintViolation);
  std::string longest(PasswordHasher::kMaxPasswordBytes, 'a');
  EXPECT_TRUE(hasher.Hash(longest).ok());
  EXPECT_EQ(hasher.Hash(longest + "a").status().code(), Code::kConstraintViolation);
}

TEST(PasswordHasherTest, NeverComparesCleartext) {
  PasswordHasher hasher(FastSettings());
  for (const char* stored : {"secret", "{CLEARTEXT}secret", "{PLAIN}secret", "{}secret", "{secret}",
                             "{UNKNOWN}secret", "{SSHA}secret"}) {
    EXPECT_FALSE(hasher.Verify(stored, "secret").ok) << stored;
    EXPECT_FALSE(hasher.Verify(stored, stored).ok) << stored;
    EXPECT_FALSE(PasswordHasher::IsSupportedHash(stored)) << stored;
  }
}

TEST(PasswordHasherTest, EmptyPasswordNeverVerifies) {
  if (!RequireTool("openssl", "openssl")) return;
  // {SHA} of the empty string is a perfectly valid digest: still no.
  std::string stored =
      "{SHA}" + RunCommand("printf '' | openssl dgst -sha1 -binary | openssl base64 -A");
  EXPECT_TRUE(PasswordHasher::IsSupportedHash(stored));
  EXPECT_FALSE(PasswordHasher(FastSettings()).Verify(stored, "").ok);
}

TEST(PasswordHasherTest, CryptRefusesEmbeddedNul) {
  if (!RequireTool("mkpasswd", "whois")) return;
  std::string stored = "{CRYPT}" + RunCommand("mkpasswd -m sha-512 abc");
  PasswordHasher hasher(FastSettings());
  EXPECT_TRUE(hasher.Verify(stored, "abc").ok);
  EXPECT_FALSE(hasher.Verify(stored, std::string("abc\0def", 7)).ok);
}

TEST(PasswordHasherTest, RefusesBrokenOrTooCostlyHashes) {
  if (!RequireTool("openssl", "openssl") || !RequireTool("slappasswd", "slapd")) return;
  PasswordHasher hasher(FastSettings());
  std::vector<std::string> refused = {
      Slappasswd("{CRYPT}", "", "secret"),                 // DES crypt
      "{CRYPT}" + RunCommand("openssl passwd -1 secret"),  // MD5 crypt
      "{CRYPT}$2b$31$" + std::string(53, 'a'),             // bcrypt cost over the cap
      "{CRYPT}$6$rounds=999999999$saltsalt$" + std::string(86, 'a'),
      "{PBKDF2-SHA512}99999999$c2FsdHNhbHQ$" + std::string(86, 'A'),
      "{PBKDF2-SHA512}0$c2FsdHNhbHQ$" + std::string(86, 'A'),
      "{PBKDF2-SHA512}1000$c2FsdHNhbHQ$AAAA",                       // dk shorter than SHA-512
      "{ARGON2}$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$AAAA",  // 4 GiB
      "{ARGON2}$argon2d$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$AAAA",
      "{SSHA}AAAA",     // shorter than a SHA-1 digest
      "{SHA}AAAA====",  // bad base64
      "{SHA256}" +
          RunCommand("printf x | openssl dgst -sha1 -binary | openssl base64 -A"),  // wrong size
  };
  for (const std::string& stored : refused) {
    EXPECT_FALSE(PasswordHasher::IsSupportedHash(stored)) << stored;
    EXPECT_FALSE(hasher.Verify(stored, "secret").ok) << stored;
  }
  // Controls: the same shapes with costs under the caps are accepted, so the caps did the work.
  for (const std::string& stored : {
           "{CRYPT}$2b$12$" + std::string(53, 'a'),
           "{CRYPT}$6$rounds=656000$saltsalt$" + std::string(86, 'a'),
           "{PBKDF2-SHA512}600000$c2FsdHNhbHQ$" + std::string(86, 'A'),
           std::string("{ARGON2}$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$AAAA"),
       }) {
    EXPECT_TRUE(PasswordHasher::IsSupportedHash(stored)) << stored;
  }
}

TEST(PasswordHasherTest, VerifiesConcurrently) {
  if (!RequireTool("slappasswd", "slapd")) return;
  PasswordHasher hasher(FastSettings());
  std::string ssha = Slappasswd("{SSHA}", "", "secret");
  std::string argon = *hasher.Hash("secret");
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!hasher.Verify(ssha, "secret").ok || !hasher.Verify(argon, "secret").ok ||
            hasher.Verify(argon, "wrong").ok) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace skydir
