// Loading server and client TLS contexts: PEM text and files, certificate
// chains, and the messages for missing files, bad PEM, encrypted keys and
// keys that do not belong to the certificate.

#include "tests/unit/temp_dir.hpp"
#include "tests/unit/tls/test_cert.hpp"
#include "transports/tls/context.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace pando;
using namespace pando::test;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
  REQUIRE(out.good());
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("tls context: PEM text with a matching key loads") {
  for (auto kind : {key_kind::ec_p256, key_kind::rsa_2048}) {
    auto pem = make_self_signed(kind);
    auto ctx = tls::server_context::load_pem(pem.cert, pem.key);
    REQUIRE_MESSAGE(ctx.has_value(), ctx.error());
    CHECK(ctx->native_handle() != nullptr);
    CHECK(ctx.error().empty());
  }
}

TEST_CASE("tls context: files with a chain load") {
  temp_dir dir;
  auto leaf = make_self_signed();
  auto extra = make_self_signed(key_kind::ec_p256, "intermediate");
  write_file(dir.sub("cert.pem"), leaf.cert + extra.cert);
  write_file(dir.sub("key.pem"), leaf.key);
  auto ctx = tls::server_context::load(dir.sub("cert.pem"), dir.sub("key.pem"));
  CHECK_MESSAGE(ctx.has_value(), ctx.error());
}

TEST_CASE("tls context: a missing file is named in the message") {
  temp_dir dir;
  auto pem = make_self_signed();
  write_file(dir.sub("cert.pem"), pem.cert);
  write_file(dir.sub("key.pem"), pem.key);
  SUBCASE("certificate") {
    auto ctx
      = tls::server_context::load(dir.sub("nope.pem"), dir.sub("key.pem"));
    REQUIRE_FALSE(ctx.has_value());
    CAPTURE(ctx.error());
    CHECK(contains(ctx.error(), "'" + dir.sub("nope.pem") + "'"));
    CHECK(contains(ctx.error(), "No such file or directory"));
  }
  SUBCASE("key") {
    auto ctx
      = tls::server_context::load(dir.sub("cert.pem"), dir.sub("gone.pem"));
    REQUIRE_FALSE(ctx.has_value());
    CAPTURE(ctx.error());
    CHECK(contains(ctx.error(), "'" + dir.sub("gone.pem") + "'"));
    CHECK_FALSE(contains(ctx.error(), "cert.pem"));
  }
  SUBCASE("CA file of a client") {
    auto ctx = tls::client_context::load(dir.sub("ca.pem"));
    REQUIRE_FALSE(ctx.has_value());
    CHECK(contains(ctx.error(), "'" + dir.sub("ca.pem") + "'"));
  }
}

TEST_CASE("tls context: a key of another certificate is refused") {
  temp_dir dir;
  auto mine = make_self_signed();
  auto other = make_self_signed();
  write_file(dir.sub("cert.pem"), mine.cert);
  write_file(dir.sub("key.pem"), other.key);
  auto ctx = tls::server_context::load(dir.sub("cert.pem"), dir.sub("key.pem"));
  REQUIRE_FALSE(ctx.has_value());
  CAPTURE(ctx.error());
  CHECK(contains(ctx.error(), "does not match"));
  CHECK(contains(ctx.error(), dir.sub("cert.pem")));
  CHECK(contains(ctx.error(), dir.sub("key.pem")));
  CHECK(contains(ctx.error(), "key values mismatch"));
  CHECK_FALSE(tls::server_context::load_pem(mine.cert, other.key));
}

TEST_CASE("tls context: bad PEM names the input and OpenSSL's reason") {
  auto pem = make_self_signed();
  SUBCASE("no certificate") {
    auto ctx = tls::server_context::load_pem("hello", pem.key);
    REQUIRE_FALSE(ctx.has_value());
    CHECK(contains(ctx.error(), "certificate PEM text"));
    CHECK(contains(ctx.error(), "no start line"));
  }
  SUBCASE("certificate and key swapped") {
    auto ctx = tls::server_context::load_pem(pem.key, pem.cert);
    REQUIRE_FALSE(ctx.has_value());
    CHECK(contains(ctx.error(), "cannot read a PEM certificate"));
  }
  SUBCASE("truncated second certificate") {
    auto cert = pem.cert + pem.cert.substr(0, pem.cert.size() / 2);
    CHECK_FALSE(tls::server_context::load_pem(cert, pem.key));
  }
  SUBCASE("no key") {
    auto ctx = tls::server_context::load_pem(pem.cert, "");
    REQUIRE_FALSE(ctx.has_value());
    CHECK(contains(ctx.error(), "private key PEM text"));
  }
}

TEST_CASE("tls context: an encrypted key fails instead of prompting") {
  auto pem = make_self_signed();
  auto locked = encrypt_key(pem.key, "hunter22");
  auto ctx = tls::server_context::load_pem(pem.cert, locked);
  REQUIRE_FALSE(ctx.has_value());
  CAPTURE(ctx.error());
  CHECK(contains(ctx.error(), "cannot read a PEM private key"));
}

TEST_CASE("tls context: client contexts") {
  auto pem = make_self_signed();
  CHECK(tls::client_context::insecure());
  CHECK(tls::client_context::load_pem(pem.cert));
  CHECK_FALSE(tls::client_context::load_pem("not a certificate"));
  temp_dir dir;
  write_file(dir.sub("ca.pem"), pem.cert);
  CHECK(tls::client_context::load(dir.sub("ca.pem")));
}
