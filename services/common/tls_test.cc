#include "services/common/tls.h"

#include "gtest/gtest.h"

namespace candor {
namespace {

TEST(IsLoopbackAddressTest, OnlyThisMachineIsLoopback) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:50051"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:0"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:50051"));
  EXPECT_TRUE(IsLoopbackAddress("LOCALHOST:1"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:50051"));
  EXPECT_TRUE(IsLoopbackAddress("unix:/run/candor/candord.sock"));

  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:50051"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:50051"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.5:50051"));
  EXPECT_FALSE(IsLoopbackAddress("candor.example.com:443"));
  EXPECT_FALSE(IsLoopbackAddress("127.0.0.1.example.com:443"));
  EXPECT_FALSE(IsLoopbackAddress("127.evil:1"));
  EXPECT_FALSE(IsLoopbackAddress(":50051"));
}

TEST(ReadTlsIdentityTest, NeitherFileIsNoIdentity) {
  auto identity = ReadTlsIdentity({"--cert", ""}, {"--key", ""});
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_TRUE(identity->empty());
}

TEST(ReadTlsIdentityTest, OneFileAloneNamesBothFlags) {
  auto identity = ReadTlsIdentity({"--cert", "/some/cert.pem"}, {"--key", ""});
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.status().message(),
            "give both --cert and --key or neither");
}

TEST(ReadPemCertificatesTest, MissingFileNamesFlagAndPath) {
  auto pem = ReadPemCertificates({"--ca", "/nonexistent/ca.pem"});
  ASSERT_FALSE(pem.ok());
  EXPECT_EQ(pem.status().message().substr(0, 26), "--ca /nonexistent/ca.pem: ");
}

}  // namespace
}  // namespace candor
