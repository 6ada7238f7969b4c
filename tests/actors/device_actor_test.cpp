// The device actor on the deterministic scheduler, over a memory store, with
// a clock the test moves.

#include <doctest/doctest.h>

#include "actors/device/command_record.hpp"
#include "actors/device/device_actor.hpp"
#include "actors/storage/storage_actor.hpp"
#include "storage/kv_store.hpp"
#include "tests/actors/fixture.hpp"

using namespace pando;
using namespace std::chrono_literals;

namespace {

constexpr const char* key_secret = "ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP";

struct device_fixture : test::actor_fixture {
  std::shared_ptr<storage::kv_store> store = storage::make_memory_store();
  caf::actor storage_actor = spawn_storage_actor(sys, store, false);
  std::int64_t clock_ms = 1'700'000'000'000;
  device_id id = device_id_of("1-1-lamp");
  caf::actor dev;

  device_fixture() {
    device_env env;
    env.key_secret = key_secret;
    env.history_retention_ms = 3600 * 1000;
    env.now_ms = [this] { return clock_ms; };
    dev = spawn_device(sys, id, env, storage_actor);
    run();
  }

  ~device_fixture() {
    self->send_exit(dev, caf::exit_reason::user_shutdown);
    self->send_exit(storage_actor, caf::exit_reason::user_shutdown);
    run();
  }

  /// Sends `xs...` to the device, runs everything, and returns the reply
  /// (or the error) the scoped actor received.
  template<class T, class... Ts>
  std::pair<std::optional<T>, caf::error> ask(Ts&&... xs) {
    // An asynchronous send: the reply (or error) comes back as an ordinary
    // message that `receive` can match without blocking the scheduler.
    self->send(dev, std::forward<Ts>(xs)...);
    run();
    std::pair<std::optional<T>, caf::error> out;
    self->receive([&](T& x) { out.first = std::move(x); },
                  [&](caf::error& err) { out.second = std::move(err); },
                  caf::after(0s) >> [] {});
    return out;
  }

  registration_reply register_device(const std::string& secret = "") {
    registration_request req;
    req.product_id = 1;
    req.vendor_id = 1;
    req.identifier = "1-1-lamp";
    req.device_code = "lamp";
    req.product_name = "lamp";
    req.current_secret = secret;
    auto res = ask<registration_reply>(register_atom_v, req);
    REQUIRE_MESSAGE(res.first, sys.render(res.second));
    return *res.first;
  }

  std::string login(const std::string& secret) {
    auto res = ask<login_reply>(login_atom_v, secret);
    REQUIRE(res.first);
    return res.first->token;
  }

  std::size_t history_entries() {
    std::size_t n = 0;
    auto st
      = store->scan(storage::column::history, storage::key_range::prefix(""),
                    [&](auto, auto) { return ++n > 0; });
    REQUIRE(st.ok());
    return n;
  }

  status_report report(std::uint8_t value) {
    status_report r;
    r.device_ts = 42;
    r.objects.push_back({1, 1, std::string{"\x00\x07", 2} + char(value), 0, 0});
    return r;
  }
};

bool is(const caf::error& err, errc code) {
  return err.category() == caf::atom("pando")
         && static_cast<errc>(err.code()) == code;
}

} // namespace

TEST_CASE_FIXTURE(device_fixture, "registration, login and authentication") {
  auto reg = register_device();
  CHECK(reg.created);
  CHECK(reg.id == id);
  CHECK(reg.secret.size() == 32);
  CHECK(reg.device_key.size() == 64);
  CHECK(is(ask<login_reply>(login_atom_v, std::string{"wrong"}).second,
           errc::wrong_secret));
  auto token = login(reg.secret);
  CHECK(token.size() == 32);
  CHECK(is(ask<auth_reply>(auth_atom_v, std::string(32, '0'),
                           std::string{"earth"}, true)
             .second,
           errc::bad_token));
  auto auth = ask<auth_reply>(auth_atom_v, token, std::string{"earth"}, true);
  REQUIRE(auth.first);
  CHECK(auth.first->identifier == "1-1-lamp");
  // The secret is stored hashed, never in plain text.
  bool plain = false;
  store->scan(storage::column::devices, storage::key_range::prefix(""),
              [&](auto, std::string_view v) {
                plain |= v.find(reg.secret) != std::string_view::npos;
                return true;
              });
  CHECK_FALSE(plain);
}

TEST_CASE_FIXTURE(device_fixture, "re-registration rotates the secret") {
  auto first = register_device();
  auto second = register_device();
  CHECK_FALSE(second.created);
  CHECK(second.secret != first.secret);
  CHECK(is(ask<login_reply>(login_atom_v, first.secret).second,
           errc::wrong_secret));
  auto kept = register_device(second.secret);
  CHECK(kept.secret == second.secret);
}

TEST_CASE_FIXTURE(device_fixture, "reports need the current session") {
  auto reg = register_device();
  CHECK(
    is(ask<caf::ok_atom>(report_atom_v, report(1)).second, errc::forbidden));
  auto token = login(reg.secret);
  REQUIRE(
    ask<auth_reply>(auth_atom_v, token, std::string{"earth"}, true).first);
  CHECK(ask<caf::ok_atom>(report_atom_v, report(1)).first);
  auto view = ask<device_view>(caf::get_atom_v);
  REQUIRE(view.first);
  CHECK(view.first->online);
  CHECK(view.first->reports == 1);
  REQUIRE(view.first->status.size() == 1);
  CHECK(view.first->status[0].params == std::string{"\x00\x07\x01", 3});
  CHECK(view.first->status[0].server_ts_ms == clock_ms);
}

TEST_CASE_FIXTURE(device_fixture, "history older than the retention goes") {
  auto reg = register_device();
  auto token = login(reg.secret);
  REQUIRE(
    ask<auth_reply>(auth_atom_v, token, std::string{"earth"}, true).first);
  REQUIRE(ask<caf::ok_atom>(report_atom_v, report(1)).first);
  REQUIRE(ask<caf::ok_atom>(report_atom_v, report(0)).first);
  CHECK(history_entries() == 2);
  clock_ms += 30 * 60 * 1000; // half the retention: nothing goes
  REQUIRE(ask<caf::ok_atom>(report_atom_v, report(1)).first);
  CHECK(history_entries() == 3);
  clock_ms += 45 * 60 * 1000; // the first two are now older than an hour
  REQUIRE(ask<caf::ok_atom>(report_atom_v, report(0)).first);
  CHECK(history_entries() == 2);
}

TEST_CASE_FIXTURE(device_fixture, "queued commands wait for the session") {
  auto reg = register_device();
  downstream cmd{"c", std::string(33, '\0'), 1, 0, true};
  CHECK(is(ask<command_status>(deliver_atom_v, cmd, std::int64_t{0}).second,
           errc::device_offline));
  auto queued = ask<command_status>(deliver_atom_v, cmd, std::int64_t{60000});
  REQUIRE(queued.first);
  CHECK(queued.first->state
        == static_cast<std::uint8_t>(command_state::queued));
  auto stale = ask<command_status>(deliver_atom_v, cmd, std::int64_t{1000});
  REQUIRE(stale.first);
  clock_ms += 5000; // the second command's TTL passes
  auto token = login(reg.secret);
  REQUIRE(
    ask<auth_reply>(auth_atom_v, token, std::string{"earth"}, true).first);
  // The scoped actor is the session: it receives exactly one delivery.
  std::optional<downstream> got;
  self->receive([&](deliver_atom, downstream& d) { got = d; },
                caf::after(0s) >> [] {});
  REQUIRE(got);
  CHECK(got->topic == "c");
  CHECK(got->payload.substr(9, 16).size() == 16);
  bool more = false;
  self->receive([&](deliver_atom, downstream&) { more = true; },
                caf::after(0s) >> [] {});
  CHECK_FALSE(more);
  self->send(dev, acked_atom_v, got->tag);
  run();
  auto list
    = ask<std::vector<command_status>>(commands_atom_v, std::uint32_t{10});
  REQUIRE(list.first);
  REQUIRE(list.first->size() == 2);
  CHECK((*list.first)[0].state
        == static_cast<std::uint8_t>(command_state::expired));
  CHECK((*list.first)[1].state
        == static_cast<std::uint8_t>(command_state::acked));
}
