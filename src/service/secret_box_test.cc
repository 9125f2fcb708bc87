#include "service/secret_box.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace skydir::service {
namespace {

class SecretBoxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "skydir-box-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(SecretBoxTest, SealsWithAFreshNonceAndOpensWithTheSameKeyFile) {
  const std::string path = dir_ + "/secret.key";
  auto box = SecretBox::LoadOrCreate(path);
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string a = box->Seal("scim-token-123");
  const std::string b = box->Seal("scim-token-123");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find("scim-token"), std::string::npos);
  auto again = SecretBox::LoadOrCreate(path);  // a restart reads the same key
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->Open(a), "scim-token-123");
}

TEST_F(SecretBoxTest, RefusesAlteredTextAndOtherKeys) {
  SecretBox box(std::string(32, 'k'));
  SecretBox other(std::string(32, 'o'));
  std::string sealed = box.Seal("token");
  EXPECT_EQ(other.Open(sealed).status().code(), Code::kInvalidCredentials);
  sealed[sealed.size() - 3] = sealed[sealed.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(box.Open(sealed).status().code(), Code::kInvalidCredentials);
  EXPECT_EQ(box.Open("token").status().code(), Code::kInvalidCredentials);
  EXPECT_EQ(box.Open("v1:!!").status().code(), Code::kInvalidCredentials);
}

TEST_F(SecretBoxTest, RefusesAKeyFileOthersCanReadOrOfTheWrongSize) {
  const std::string path = dir_ + "/loose.key";
  std::ofstream(path) << std::string(32, 'x');
  ::chmod(path.c_str(), 0644);
  EXPECT_FALSE(SecretBox::LoadOrCreate(path).ok());
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(SecretBox::LoadOrCreate(path).ok());
  std::ofstream(path, std::ios::trunc) << "short";
  EXPECT_FALSE(SecretBox::LoadOrCreate(path).ok());
}

}  // namespace
}  // namespace skydir::service
