#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tools/pando-sim/http_api.hpp"
#include "tools/pando-sim/settings.hpp"

namespace pando::sim {

/// A message a device publishes.
struct outgoing {
  std::string topic;
  std::vector<std::uint8_t> bytes;
};

/// What an incoming message is, and how the device answers it.
struct reaction {
  /// The kinds of incoming messages.
  enum class kind {
    /// A command (not a status query); acknowledged, printed.
    command,
    /// Command 65528 or JSON `status/get`: answer with a status report.
    status_query,
    /// Set status from the platform; printed.
    set_status,
    /// A topic the scheme does not know; printed.
    unsupported,
    /// A payload that does not decode; counted as an error.
    malformed,
  };

  kind what = kind::unsupported;
  /// One printable line, e.g. `command no=1 sub=1 prio=0 params=[1, 2]`.
  std::string text;
  /// An answer other than a status report (JSON command results).
  std::optional<outgoing> reply;
  /// For `set_status`: the new value of object 1/1 (the first uint8), which
  /// later reports carry.
  std::optional<std::uint8_t> onoff;
};

/// Returns a reaction of kind `what` described by `text`, with no answer.
/// @relates reaction
inline reaction react(reaction::kind what, std::string text) {
  reaction out;
  out.what = what;
  out.text = std::move(text);
  return out;
}

/// The messages of one payload scheme.
///
/// Pure: builds what a device publishes and classifies what it receives; the
/// device decides when. `binary` follows spec 5 with `pando::proto`,
/// `json` follows docs/mqtt.md.
class payload_scheme {
 public:
  virtual ~payload_scheme() = default;

  /// Topic filters to subscribe to after each connect (QoS 1).
  virtual std::vector<std::string>
  subscriptions(const credentials& creds) const = 0;

  /// The status report: object part 1 / no 1 holding `onoff` (uint8).
  virtual outgoing status(const credentials& creds, std::uint8_t onoff,
                          std::uint64_t now_ms) const = 0;

  /// The event: no 1 on sub-device 1 with the string "hello event.".
  virtual outgoing event(const credentials& creds,
                         std::uint64_t now_ms) const = 0;

  /// Classifies a message the node sent on `topic`.
  virtual reaction handle(const credentials& creds, const std::string& topic,
                          std::span<const std::uint8_t> payload) const = 0;
};

/// Returns the scheme `cfg.proto` selects.
std::unique_ptr<payload_scheme> make_payload_scheme(const sim_settings& cfg);

/// Returns the JSON scheme: status `{"<cfg.status_label>":[onoff]}`, event
/// `{"<cfg.event_name>":["hello event."]}`; commands answered with result 0.
std::unique_ptr<payload_scheme> make_json_scheme(const sim_settings& cfg);

// -- the binary scheme as plain functions (also used by the JSON scheme) ------

/// Spec 5.4 (a): Data, zero token, one sub-data 1/1 with uint8 `onoff`;
/// 34 bytes.
std::vector<std::uint8_t> binary_status(std::uint8_t onoff,
                                        std::uint64_t now_ms);

/// Event no 1, sub-device 1, priority 0, zero token, one string param
/// "hello event."; 49 bytes.
std::vector<std::uint8_t> binary_event(std::uint64_t now_ms);

/// Classifies a binary message on `c` (Command) or `s` (Data).
reaction binary_handle(const std::string& topic,
                       std::span<const std::uint8_t> payload);

} // namespace pando::sim
