#pragma once

// Blocking requests from HTTP handler threads to actors. Include only in
// .cpp files (CAF).

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

#include <caf/all.hpp>

#include "actors/errc.hpp"
#include "actors/type_ids.hpp"

namespace pando::http {

/// The failure of an `ask`: a pando error code (or `unavailable` for
/// timeouts and dead actors) and its message.
struct ask_error {
  errc code = errc::unavailable;
  std::string message;
};

/// Converts a CAF error into an `ask_error`.
inline ask_error to_ask_error(caf::actor_system& sys, const caf::error& err) {
  if (err.category() == caf::atom("pando")) {
    ask_error out{static_cast<errc>(err.code()), {}};
    auto& ctx = err.context();
    if (ctx.size() == 1 && ctx.match_element<std::string>(0))
      out.message = ctx.get_as<std::string>(0);
    else
      out.message = to_string(out.code);
    return out;
  }
  if (err == caf::sec::request_timeout)
    return {errc::timeout, "the request timed out"};
  return {errc::unavailable, sys.render(err)};
}

/// Sends `xs...` to `dest` and waits at most `timeout` for a reply of types
/// `Rs...`. Returns the reply, or the error.
template<class... Rs, class... Ts>
std::pair<std::optional<std::tuple<Rs...>>, ask_error>
ask(caf::actor_system& sys, const caf::actor& dest,
    std::chrono::milliseconds timeout, Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::pair<std::optional<std::tuple<Rs...>>, ask_error> out;
  self->request(dest, timeout, std::forward<Ts>(xs)...)
    .receive([&](Rs&... rs) { out.first.emplace(std::move(rs)...); },
             [&](caf::error& err) { out.second = to_ask_error(sys, err); });
  return out;
}

/// Finds the device actor of `id` through the router, then asks it. While
/// the answer is `unavailable` from the router (the device's shard is
/// moving, being copied, or its owner changing) or from a device actor that
/// exited in between (idle passivation, a move), neither did anything yet:
/// it asks again, with growing pauses, for up to 2 s, so that a rebalance
/// or a drain shows no error to HTTP clients.
template<class... Rs, class... Ts>
std::pair<std::optional<std::tuple<Rs...>>, ask_error>
ask_device(caf::actor_system& sys, const caf::actor& router, device_id id,
           std::chrono::milliseconds timeout, const Ts&... xs) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::seconds{2};
  auto pause = std::chrono::milliseconds{20};
  for (;;) {
    auto dev = ask<caf::actor>(sys, router, timeout, route_atom_v, id);
    std::pair<std::optional<std::tuple<Rs...>>, ask_error> res;
    if (dev.first)
      res = ask<Rs...>(sys, std::get<0>(*dev.first), timeout, xs...);
    else
      res.second = dev.second;
    if (res.first || res.second.code != errc::unavailable
        || clock::now() + pause > deadline)
      return res;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds{400});
  }
}

} // namespace pando::http
