// Replays every seed corpus file (and each of its prefixes, to cover truncation) through the
// fuzz targets' entry points, without libFuzzer. Crashes and FUZZ_CHECK aborts fail the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int SkydirFuzz_ber_framer(const uint8_t* data, size_t size);
extern "C" int SkydirFuzz_ldap_message(const uint8_t* data, size_t size);
extern "C" int SkydirFuzz_ldap_filter(const uint8_t* data, size_t size);
extern "C" int SkydirFuzz_dn(const uint8_t* data, size_t size);
extern "C" int SkydirFuzz_ldif(const uint8_t* data, size_t size);
extern "C" int SkydirFuzz_api_json(const uint8_t* data, size_t size);

namespace {

using Entry = int (*)(const uint8_t*, size_t);

std::vector<std::string> CorpusFiles(const std::string& target) {
  std::vector<std::string> files;
  const std::filesystem::path dir = std::filesystem::path(SKYDIR_FUZZ_CORPUS_DIR) / target;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  return files;
}

void Replay(const std::string& target, Entry entry) {
  const std::vector<std::string> files = CorpusFiles(target);
  ASSERT_FALSE(files.empty()) << "no corpus for " << target;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    for (size_t n = 0; n <= bytes.size(); ++n) {
      // A copy of exactly n bytes, so ASan catches any read past the end.
      std::vector<uint8_t> copy(bytes.begin(), bytes.begin() + n);
      EXPECT_EQ(entry(copy.data(), copy.size()), 0);
    }
  }
}

TEST(FuzzReplayTest, BerFramer) { Replay("ber_framer_fuzz", SkydirFuzz_ber_framer); }
TEST(FuzzReplayTest, LdapMessage) { Replay("ldap_message_fuzz", SkydirFuzz_ldap_message); }
TEST(FuzzReplayTest, LdapFilter) { Replay("ldap_filter_fuzz", SkydirFuzz_ldap_filter); }
TEST(FuzzReplayTest, Dn) { Replay("dn_fuzz", SkydirFuzz_dn); }
TEST(FuzzReplayTest, Ldif) { Replay("ldif_fuzz", SkydirFuzz_ldif); }
TEST(FuzzReplayTest, ApiJson) { Replay("api_json_fuzz", SkydirFuzz_api_json); }

}  // namespace
