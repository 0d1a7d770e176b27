// Transport security shared by candord (its port and its calls to other
// candord processes) and candorctl: PEM files read and checked once, at
// start, so a wrong file fails with a message naming the flag and the file
// instead of a handshake error at the first call; and the gRPC credentials
// built from them. Every channel to another process is made by MakeChannel.
#ifndef CANDOR_SERVICES_COMMON_TLS_H_
#define CANDOR_SERVICES_COMMON_TLS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor {

// A file given by a flag: errors name both, e.g.
// "--tls_cert_file /etc/candor/server.crt: no PEM certificate in it".
struct PemFile {
  std::string flag;  // "--tls_cert_file"; empty: not given
  std::string path;  // empty: not given
};

// A certificate chain (leaf first) and its private key, PEM; both empty
// when there is none.
struct TlsIdentity {
  std::string cert_chain;
  std::string private_key;
  bool empty() const { return cert_chain.empty(); }
};

// One or more PEM certificates, as read from `file`.
absl::StatusOr<std::string> ReadPemCertificates(const PemFile& file);

// A certificate chain and the unencrypted private key of its first
// certificate: both files or neither (then an empty identity). Fails when
// one is missing, unreadable, not PEM, when the key does not belong to the
// certificate, or when the certificate has expired.
absl::StatusOr<TlsIdentity> ReadTlsIdentity(const PemFile& cert,
                                            const PemFile& key);

// How a server listens. Without an identity it serves plaintext.
struct ServerTls {
  TlsIdentity identity;
  // PEM CA certificates; when set, clients must present a certificate
  // signed by one of them (mutual TLS).
  std::string client_ca;
};

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(
    const ServerTls& tls);

// How a client connects.
struct ClientTls {
  bool enabled = false;
  // PEM CA certificates the server's certificate must chain to; empty: the
  // system's roots.
  std::string root_certs;
  // Presented when the server asks for one (mutual TLS); may be empty.
  TlsIdentity identity;
  // The name the server's certificate must carry, when it differs from the
  // host in the address (e.g. connecting by IP to a certificate for a DNS
  // name); empty: the address's host.
  std::string server_name;
};

// A channel to `address` ("host:port"), over TLS when `tls.enabled`.
std::shared_ptr<grpc::Channel> MakeChannel(
    const std::string& address, const ClientTls& tls,
    grpc::ChannelArguments arguments = {});

// Whether `listen_address` ("host:port") accepts connections only from this
// machine: 127.0.0.0/8, [::1], localhost or a Unix socket. 0.0.0.0, [::]
// and other names are not.
bool IsLoopbackAddress(absl::string_view listen_address);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_TLS_H_
