// Transport security end to end: candord processes serving TLS and mutual
// TLS, candorctl connecting with and without the right certificates, two
// candord processes with split services calling each other over mutual TLS,
// and candord refusing to start on wrong certificate flags. The
// certificates are made for the run by the openssl command line: a CA, a
// server certificate for 127.0.0.1 and localhost (also good as a client
// certificate, as candord reuses it for its calls to other services), a
// client certificate, and a second, untrusted CA with a client certificate
// of its own.
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"
#include "tests/support/test_database.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOpenssl[] = "/usr/bin/openssl";

// Extensions of each kind of certificate, for `openssl req` and `x509`.
constexpr char kOpensslConfig[] = R"([req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
)";

struct KeyPair {
  std::string cert;
  std::string key;
};

// The certificates of one test run, in a temporary directory.
class Certificates {
 public:
  ~Certificates() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Empty on success, else what failed.
  std::string Make() {
    char pattern[] = "/tmp/candor-tls-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return "mkdtemp failed";
    dir_ = pattern;
    config_ = dir_ + "/openssl.cnf";
    if (!WriteFile(config_, kOpensslConfig)) return "cannot write " + config_;
    std::string error;
    if (error.empty()) error = MakeCa("ca", "Candor Test CA", &ca_);
    if (error.empty())
      error = MakeLeaf("server", "candord", "server", ca_, &server_);
    if (error.empty())
      error = MakeLeaf("client", "candorctl", "client", ca_, &client_);
    if (error.empty()) error = MakeCa("rogue-ca", "Rogue CA", &rogue_ca_);
    if (error.empty()) {
      error = MakeLeaf("rogue-client", "candorctl", "client", rogue_ca_,
                       &rogue_client_);
    }
    return error;
  }

  const std::string& dir() const { return dir_; }
  const KeyPair& ca() const { return ca_; }
  const KeyPair& server() const { return server_; }
  const KeyPair& client() const { return client_; }
  const KeyPair& rogue_ca() const { return rogue_ca_; }
  const KeyPair& rogue_client() const { return rogue_client_; }

 private:
  std::string Openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kOpenssl};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult result = RunCommand(argv);
    return result.exit_code == 0 ? "" : result.Describe();
  }

  std::string NewKey(const std::string& path) {
    return Openssl({"genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", path});
  }

  std::string MakeCa(const std::string& name, const std::string& common_name,
                     KeyPair* out) {
    out->key = dir_ + "/" + name + ".key";
    out->cert = dir_ + "/" + name + ".crt";
    std::string error = NewKey(out->key);
    if (!error.empty()) return error;
    return Openssl({"req", "-new", "-x509", "-key", out->key, "-subj",
                    "/CN=" + common_name, "-days", "2", "-config", config_,
                    "-extensions", "ca", "-out", out->cert});
  }

  std::string MakeLeaf(const std::string& name, const std::string& common_name,
                       const std::string& extensions, const KeyPair& ca,
                       KeyPair* out) {
    out->key = dir_ + "/" + name + ".key";
    out->cert = dir_ + "/" + name + ".crt";
    const std::string request = dir_ + "/" + name + ".csr";
    std::string error = NewKey(out->key);
    if (!error.empty()) return error;
    error =
        Openssl({"req", "-new", "-key", out->key, "-subj", "/CN=" + common_name,
                 "-config", config_, "-out", request});
    if (!error.empty()) return error;
    return Openssl({"x509", "-req", "-in", request, "-CA", ca.cert, "-CAkey",
                    ca.key, "-set_serial", "0x" + RandomHex(16), "-days", "2",
                    "-extfile", config_, "-extensions", extensions, "-out",
                    out->cert});
  }

  std::string dir_;
  std::string config_;
  KeyPair ca_, server_, client_, rogue_ca_, rogue_client_;
};

// How an E2eServer starts: `candord` flags, and global candorctl flags.
E2eServerOptions Options(std::vector<std::string> candord,
                         std::vector<std::string> ctl) {
  E2eServerOptions options;
  options.candord_flags = std::move(candord);
  options.ctl_flags = std::move(ctl);
  return options;
}

std::vector<std::string> ServeTls(const Certificates& certs) {
  return {"--tls_cert_file=" + certs.server().cert,
          "--tls_key_file=" + certs.server().key};
}

std::vector<std::string> ServeMutualTls(const Certificates& certs) {
  std::vector<std::string> flags = ServeTls(certs);
  flags.push_back("--tls_client_ca_file=" + certs.ca().cert);
  return flags;
}

std::vector<std::string> TrustCa(const Certificates& certs) {
  return {"--tls-ca-file", certs.ca().cert};
}

std::vector<std::string> WithClientCert(const Certificates& certs,
                                        const KeyPair& client) {
  return {"--tls-ca-file", certs.ca().cert,  "--tls-cert-file",
          client.cert,     "--tls-key-file", client.key};
}

// `candorctl --addr ADDRESS ARGS... health`.
CommandResult Health(const E2eServer& server,
                     const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {"--addr", server.Address(), "--timeout",
                                   "5s"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("health");
  return RunCandorctl(argv, env);
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = std::make_unique<Certificates>();
    startup_error_ = certs_->Make();
    if (!startup_error_.empty()) return;
    tls_server_ = std::make_unique<E2eServer>();
    startup_error_ =
        tls_server_->Start(Options(ServeTls(*certs_), TrustCa(*certs_)));
    if (!startup_error_.empty()) return;
    mtls_server_ = std::make_unique<E2eServer>();
    startup_error_ = mtls_server_->Start(Options(
        ServeMutualTls(*certs_), WithClientCert(*certs_, certs_->client())));
  }

  static void TearDownTestSuite() {
    mtls_server_.reset();
    tls_server_.reset();
    certs_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(startup_error_.empty()) << startup_error_;
  }

  static std::unique_ptr<Certificates> certs_;
  static std::unique_ptr<E2eServer> tls_server_;
  static std::unique_ptr<E2eServer> mtls_server_;
  static std::string startup_error_;
};

std::unique_ptr<Certificates> TlsTest::certs_;
std::unique_ptr<E2eServer> TlsTest::tls_server_;
std::unique_ptr<E2eServer> TlsTest::mtls_server_;
std::string TlsTest::startup_error_;

TEST_F(TlsTest, CandorctlWorksOverTls) {
  EXPECT_THAT(tls_server_->CandordLog(), HasSubstr("(TLS)"));
  E2eOrg org;
  ASSERT_NO_FATAL_FAILURE(tls_server_->CreateOrg("tls", &org));
  const CommandResult got =
      tls_server_->Ctl(org.admin_token, {"org", "get", org.name});
  EXPECT_EQ(got.exit_code, 0) << got;
  EXPECT_THAT(got.out, HasSubstr(org.name));
}

TEST_F(TlsTest, CandorctlTakesTlsOptionsFromTheEnvironment) {
  const CommandResult health =
      RunCandorctl({"health"}, {"CANDOR_ADDR=" + tls_server_->Address(),
                                "CANDOR_TLS_CA_FILE=" + certs_->ca().cert});
  EXPECT_EQ(health.exit_code, 0) << health;
  const CommandResult mutual =
      RunCandorctl({"health"}, {"CANDOR_ADDR=" + mtls_server_->Address(),
                                "CANDOR_TLS_CA_FILE=" + certs_->ca().cert,
                                "CANDOR_TLS_CERT_FILE=" + certs_->client().cert,
                                "CANDOR_TLS_KEY_FILE=" + certs_->client().key});
  EXPECT_EQ(mutual.exit_code, 0) << mutual;
}

TEST_F(TlsTest, ServerNotSignedByATrustedCaIsRefused) {
  // The system's roots do not hold the test CA.
  const CommandResult system_roots = Health(*tls_server_, {"--tls"});
  EXPECT_EQ(system_roots.exit_code, 1) << system_roots;
  EXPECT_THAT(system_roots.err, HasSubstr("not trusted")) << system_roots;
  EXPECT_THAT(system_roots.err, HasSubstr("--tls-ca-file")) << system_roots;
  EXPECT_THAT(system_roots.err, Not(HasSubstr("not reachable")))
      << system_roots;

  const CommandResult other_ca =
      Health(*tls_server_, {"--tls-ca-file", certs_->rogue_ca().cert});
  EXPECT_EQ(other_ca.exit_code, 1) << other_ca;
  EXPECT_THAT(other_ca.err, HasSubstr("not trusted")) << other_ca;
}

TEST_F(TlsTest, ServerNameMustMatchTheCertificate) {
  const CommandResult wrong =
      Health(*tls_server_, {"--tls-ca-file", certs_->ca().cert,
                            "--tls-server-name", "candor.example.com"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong;
  EXPECT_THAT(wrong.err, HasSubstr("--tls-server-name")) << wrong;
  const CommandResult right = Health(
      *tls_server_,
      {"--tls-ca-file", certs_->ca().cert, "--tls-server-name", "localhost"});
  EXPECT_EQ(right.exit_code, 0) << right;
}

TEST_F(TlsTest, PlaintextClientToTlsServerFailsClearly) {
  const CommandResult plain = Health(*tls_server_, {});
  EXPECT_EQ(plain.exit_code, 1) << plain;
  EXPECT_THAT(plain.err, HasSubstr("UNAVAILABLE")) << plain;
  EXPECT_THAT(plain.err, HasSubstr("if the server uses TLS")) << plain;
}

TEST_F(TlsTest, TlsClientToPlaintextServerFailsClearly) {
  E2eServer plain_server;
  ASSERT_EQ(plain_server.Start(), "");
  EXPECT_THAT(plain_server.CandordLog(), HasSubstr("(plaintext)"));
  // On loopback, plaintext is the development setup: no warning.
  EXPECT_THAT(plain_server.CandordLog(), Not(HasSubstr("WARNING")));
  const CommandResult tls = Health(plain_server, TrustCa(*certs_));
  EXPECT_EQ(tls.exit_code, 1) << tls;
  EXPECT_THAT(tls.err, HasSubstr("does not speak TLS")) << tls;
  EXPECT_THAT(tls.err, Not(HasSubstr("not reachable"))) << tls;
  plain_server.Stop();
}

TEST_F(TlsTest, MutualTlsRefusesClientsWithoutATrustedCertificate) {
  EXPECT_THAT(mtls_server_->CandordLog(), HasSubstr("(mutual TLS)"));
  const CommandResult no_cert = Health(*mtls_server_, TrustCa(*certs_));
  EXPECT_EQ(no_cert.exit_code, 1) << no_cert;
  EXPECT_THAT(no_cert.err, HasSubstr("requires a client certificate"))
      << no_cert;
  EXPECT_THAT(no_cert.err, HasSubstr("--tls-cert-file")) << no_cert;
  EXPECT_THAT(no_cert.err, Not(HasSubstr("not reachable"))) << no_cert;

  const CommandResult rogue_cert =
      Health(*mtls_server_, WithClientCert(*certs_, certs_->rogue_client()));
  EXPECT_EQ(rogue_cert.exit_code, 1) << rogue_cert;
  EXPECT_THAT(rogue_cert.err, HasSubstr("refused the client certificate"))
      << rogue_cert;

  const CommandResult good_cert =
      Health(*mtls_server_, WithClientCert(*certs_, certs_->client()));
  EXPECT_EQ(good_cert.exit_code, 0) << good_cert;
}

TEST_F(TlsTest, MutualTlsServesACertifiedClient) {
  E2eOrg org;
  ASSERT_NO_FATAL_FAILURE(mtls_server_->CreateOrg("mtls", &org));
  const CommandResult listed =
      mtls_server_->Ctl(org.admin_token, {"staff", "list", org.name});
  EXPECT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out, HasSubstr("Ada Admin"));
}

// One candord runs staff; another runs the rest and reaches staff over
// mutual TLS, presenting its own server certificate as its client one.
TEST_F(TlsTest, SplitServicesCallEachOtherOverMutualTls) {
  E2eServer staff;
  ASSERT_EQ(staff.Start(Options(
                [&] {
                  std::vector<std::string> flags = ServeMutualTls(*certs_);
                  flags.push_back("--services=staff");
                  return flags;
                }(),
                WithClientCert(*certs_, certs_->client()))),
            "");
  // The rest: same token secret as the staff process.
  // Without a client certificate of its own, `rest` presents its server one.
  auto rest_flags = [&](const KeyPair* client) {
    std::vector<std::string> flags = ServeMutualTls(*certs_);
    flags.insert(flags.end(),
                 {"--services=values,transparency,advocacy,engagement",
                  "--staff_address=" + staff.Address(),
                  "--jwt_hs256_secret_file=" + staff.jwt_secret_file(),
                  "--tls_ca_file=" + certs_->ca().cert});
    if (client != nullptr) {
      flags.push_back("--tls_client_cert_file=" + client->cert);
      flags.push_back("--tls_client_key_file=" + client->key);
    }
    return flags;
  };
  E2eServer rest;
  ASSERT_EQ(rest.Start(Options(rest_flags(nullptr),
                               WithClientCert(*certs_, certs_->client()))),
            "");

  E2eOrg org;
  ASSERT_NO_FATAL_FAILURE(staff.CreateOrg("split", &org));
  // As an employee (not an editor), listing stories asks the staff service
  // for the caller's department: a call from `rest` to `staff`.
  std::string employee_token;
  ASSERT_NO_FATAL_FAILURE(
      staff.MintStaffToken(org, org.admin_name, {"employee"}, &employee_token));
  const CommandResult stories =
      rest.Ctl(employee_token, {"stories", "list", org.name});
  EXPECT_EQ(stories.exit_code, 0) << stories << rest.CandordLog();

  // A process whose client certificate the staff process does not trust
  // cannot reach it.
  E2eServer rogue;
  ASSERT_EQ(rogue.Start(Options(rest_flags(&certs_->rogue_client()),
                                WithClientCert(*certs_, certs_->client()))),
            "");
  const CommandResult refused =
      rogue.Ctl(employee_token, {"stories", "list", org.name});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("UNAVAILABLE")) << refused;
  EXPECT_THAT(refused.err, HasSubstr("staff")) << refused;

  rogue.Stop();
  rest.Stop();
  staff.Stop();
}

// candord with only TLS flags: it checks them before anything else, so no
// database is needed to see it refuse.
CommandResult Candord(const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {CandordPath(), "--listen=127.0.0.1:0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return RunCommand(argv, {}, std::chrono::seconds(30));
}

TEST_F(TlsTest, CandordRefusesToStartOnWrongCertificateFlags) {
  const std::string not_pem = certs_->dir() + "/not.pem";
  ASSERT_TRUE(WriteFile(not_pem, "this is not a certificate\n"));
  const std::string missing = certs_->dir() + "/missing.pem";
  const KeyPair& server = certs_->server();
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--tls_cert_file=" + server.cert},
       "give both --tls_cert_file and --tls_key_file or neither"},
      {{"--tls_key_file=" + server.key},
       "give both --tls_cert_file and --tls_key_file or neither"},
      {{"--tls_cert_file=" + missing, "--tls_key_file=" + server.key},
       "--tls_cert_file " + missing + ": cannot open"},
      {{"--tls_cert_file=" + not_pem, "--tls_key_file=" + server.key},
       "--tls_cert_file " + not_pem + ": no PEM certificate"},
      {{"--tls_cert_file=" + server.cert, "--tls_key_file=" + server.cert},
       "--tls_key_file " + server.cert + ": no unencrypted PEM private key"},
      {{"--tls_cert_file=" + server.cert,
        "--tls_key_file=" + certs_->client().key},
       "does not belong to the first certificate of --tls_cert_file"},
      {{"--tls_client_ca_file=" + certs_->ca().cert},
       "--tls_client_ca_file (mutual TLS) needs --tls_cert_file"},
      {{"--tls_cert_file=" + server.cert, "--tls_key_file=" + server.key,
        "--tls_client_ca_file=" + not_pem},
       "--tls_client_ca_file " + not_pem + ": no PEM certificate"},
      {{"--tls_ca_file=" + missing},
       "--tls_ca_file " + missing + ": cannot open"},
      {{"--tls_client_cert_file=" + server.cert,
        "--tls_client_key_file=" + server.key},
       "--tls_client_cert_file needs --tls_ca_file"},
  };
  for (const Case& c : cases) {
    const CommandResult result = Candord(c.flags);
    EXPECT_EQ(result.exit_code, 1)
        << ::testing::PrintToString(c.flags) << result;
    EXPECT_THAT(result.err, HasSubstr(c.message)) << result;
    EXPECT_THAT(result.err, Not(HasSubstr("serving"))) << result;
  }
}

TEST_F(TlsTest, CandorctlRefusesWrongCertificateOptions) {
  const std::string missing = certs_->dir() + "/missing.pem";
  const CommandResult no_key =
      Health(*tls_server_, {"--tls-ca-file", certs_->ca().cert,
                            "--tls-cert-file", certs_->client().cert});
  EXPECT_EQ(no_key.exit_code, 2) << no_key;
  EXPECT_THAT(no_key.err,
              HasSubstr("give both --tls-cert-file and --tls-key-file"));
  const CommandResult no_ca = Health(*tls_server_, {"--tls-ca-file", missing});
  EXPECT_EQ(no_ca.exit_code, 2) << no_ca;
  EXPECT_THAT(no_ca.err,
              HasSubstr("--tls-ca-file " + missing + ": cannot open"));
}

}  // namespace
}  // namespace candor::testing
