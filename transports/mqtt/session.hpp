#pragma once

#include "transports/mqtt/codec/errc.hpp"
#include "transports/mqtt/codec/packet.hpp"
#include "transports/mqtt/session_types.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace pando::mqtt {

/// What a `session` asks of its owner. Every member is called from inside a
/// `session` member; `authenticate` may answer through `on_auth_result` and
/// `publish` through `on_publish_done` before returning.
class session_callee {
 public:
  virtual ~session_callee();

  /// Writes `bytes` (one encoded packet) to the socket.
  virtual void send(std::vector<std::uint8_t> bytes) = 0;

  /// Closes the socket; the last call the session makes. Called for every
  /// close, including `connection_lost` and closes the owner requested.
  virtual void close(close_reason reason) = 0;

  /// Checks credentials and looks up a stored session; the answer comes
  /// later through `session::on_auth_result`.
  virtual void authenticate(const connect_request& request) = 0;

  /// Forwards a client PUBLISH. For `packet_id` != 0 (QoS 1 and 2) the owner
  /// stores it durably and then calls `session::on_publish_done(packet_id,
  /// ok)`; QoS 0 (`packet_id` 0) needs no answer.
  virtual void publish(std::uint16_t packet_id, inbound_message message) = 0;

  /// Returns the SUBACK code for one valid topic filter: a granted QoS
  /// (capped by the session at min(requested, 1)) or `failure`.
  virtual suback_return_code authorize_subscribe(const std::string& filter,
                                                 qos requested)
    = 0;

  /// Reports that the client acknowledged the QoS 1 message `delivery_tag`.
  virtual void delivered(std::uint64_t delivery_tag) = 0;

  /// Reports that message `delivery_tag` will not be delivered by this
  /// session: queue full, session closed without persistence, or `deliver`
  /// after close.
  virtual void dropped(std::uint64_t delivery_tag) = 0;

  /// Publishes the will after an ungraceful loss of an accepted session.
  virtual void will(inbound_message message) = 0;
};

/// The server side of one MQTT 3.1.1 connection, as a pure state machine.
///
/// The socket owner feeds it received bytes, authentication and storage
/// answers, outbound messages and periodic ticks; the session answers through
/// its `session_callee`. It has no sockets, timers, clocks or threads: every
/// member that needs the time takes `now`, a monotonic time point as a
/// duration since an arbitrary epoch. Members that take `now` return the state
/// after the call.
///
/// Lifecycle: `awaiting_connect` -> `authenticating` (CONNECT decoded,
/// `authenticate` called) -> `connected` (accepted, CONNACK 0 sent) ->
/// `closed`. Any state may go to `closed`; `callee.close` is called exactly
/// once. After a loss the owner takes the persistent state, if any, with
/// `take_persistent_state` and passes it to the next session of that client
/// in `auth_result::resume`.
class session {
 public:
  // -- constructors -----------------------------------------------------------

  /// Creates a session for a socket accepted at `now`. `callee` must outlive
  /// the session. Settings out of range are clamped.
  session(session_callee& callee, session_settings settings,
          std::chrono::milliseconds now);

  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // -- input from the owner ---------------------------------------------------

  /// Processes bytes read from the socket.
  session_state on_bytes(std::span<const std::uint8_t> bytes,
                         std::chrono::milliseconds now);

  /// Completes authentication: CONNACK, resume, then buffered bytes.
  /// Ignored unless the state is `authenticating`.
  session_state on_auth_result(auth_result result,
                               std::chrono::milliseconds now);

  /// Reports the outcome of `session_callee::publish` for `packet_id`: sends
  /// PUBACK or PUBREC once all earlier messages are confirmed too
  /// [MQTT-4.6.0-2,3], or closes the session with `publish_failed` if `ok`
  /// is false (MQTT 3.1.1 has no negative acknowledgement; the client will
  /// send the message again). Unknown ids are ignored.
  void on_publish_done(std::uint16_t packet_id, bool ok);

  /// Sends `message` to the client with QoS min(message.qos, 1). QoS 1 waits
  /// for a free in-flight slot, and before CONNACK for the connection; QoS 0
  /// is sent at once when connected. Reports `dropped` if the queue is full
  /// or the session is closed.
  void deliver(outbound_message message);

  /// Checks the connect and keep-alive deadlines; call it periodically.
  session_state on_tick(std::chrono::milliseconds now);

  /// Reports that the peer closed the socket; publishes the will unless the
  /// client sent DISCONNECT. Closes with `connection_lost`.
  void on_connection_lost();

  /// Closes the session on the owner's initiative (`taken_over`,
  /// `server_shutdown`). Does not publish the will.
  void close(close_reason reason);

  /// Returns the state to resume a clean-session-0 client with, once: after
  /// the session closed, if it had been accepted with clean session 0.
  /// Inbound QoS 2 messages forwarded but unconfirmed at loss count as
  /// received (their ids are in `inbound_qos2_ids`).
  std::optional<persistent_state> take_persistent_state();

  // -- observers --------------------------------------------------------------

  /// Returns the current lifecycle state.
  session_state state() const { return state_; }

  /// Returns why the session closed, once it has.
  std::optional<close_reason> reason() const { return reason_; }

  /// Returns the client id from CONNECT (empty before).
  const std::string& client_id() const { return request_.client_id; }

  /// Returns the keep-alive the session enforces; 0 means none.
  std::chrono::seconds keep_alive() const { return request_.keep_alive; }

  /// Returns the granted subscriptions, in the order they were made.
  const std::vector<subscription>& subscriptions() const {
    return subscriptions_;
  }

  /// Returns the number of outbound QoS 1 messages awaiting PUBACK.
  std::size_t inflight_count() const { return inflight_.size(); }

  /// Returns the number of outbound messages waiting to be sent.
  std::size_t queued_count() const { return queue_.size(); }

  /// Returns the number of inbound QoS 1/2 messages not yet acknowledged
  /// with PUBACK or PUBREC.
  std::size_t inbound_pending_count() const { return pending_in_.size(); }

  /// Returns the event counters.
  const session_counters& counters() const { return counters_; }

 private:
  // -- member types -----------------------------------------------------------

  /// An inbound QoS 1 or 2 message between PUBLISH and its acknowledgement.
  struct pending_inbound {
    std::uint16_t packet_id;
    mqtt::qos qos;
    bool done;
  };

  // -- receiving (session.cpp) ------------------------------------------------

  void process_buffer(std::chrono::milliseconds now);
  bool process_one(std::chrono::milliseconds now);
  void on_decode_error(errc code);
  void dispatch(packet&& pkt, std::chrono::milliseconds now);
  void dispatch_connected(packet&& pkt);

  // -- sending and closing (session.cpp) --------------------------------------

  void send(const packet& pkt);
  void shutdown(close_reason reason, bool publish_will);
  void drop_outbound();

  // -- CONNECT (session_connect.cpp) ------------------------------------------

  void handle_connect(connect&& pkt, std::chrono::milliseconds now);
  void reject(connect_return_code code);
  void accept(std::optional<persistent_state> resume,
              std::chrono::milliseconds now);
  void resume(persistent_state&& state);
  void discard(persistent_state&& state);

  // -- inbound PUBLISH (session_inbound.cpp) ----------------------------------

  void handle_publish(publish&& pkt);
  void handle_pubrel(const pubrel& pkt);
  bool suppress_duplicate(const publish& pkt);
  void flush_acks();

  // -- outbound PUBLISH (session_outbound.cpp) --------------------------------

  void handle_puback(const puback& pkt);
  void enqueue(outbound_message&& message);
  void drop(std::uint64_t delivery_tag);
  void pump();
  void send_new(outbound_message&& message);
  void send_publish(const inflight_message& entry, bool dup);
  std::uint16_t next_packet_id();

  // -- SUBSCRIBE and UNSUBSCRIBE (session_subscribe.cpp) ----------------------

  void handle_subscribe(const subscribe& pkt);
  suback_return_code grant(const subscription& sub);
  void handle_unsubscribe(const unsubscribe& pkt);

  // -- member variables -------------------------------------------------------

  session_callee& callee_;
  session_settings settings_;
  session_state state_ = session_state::awaiting_connect;
  std::optional<close_reason> reason_;
  session_counters counters_;

  /// Deadline for an accepted CONNECT.
  std::chrono::milliseconds connect_deadline_;
  /// Time of the last packet received while connected.
  std::chrono::milliseconds last_packet_{0};

  /// Received bytes; `buffer_[0, offset_)` is already processed.
  std::vector<std::uint8_t> buffer_;
  std::size_t offset_ = 0;
  /// True while `process_buffer` runs (guards against re-entry).
  bool processing_ = false;

  /// The accepted CONNECT (will included), for the owner and the will.
  connect_request request_;
  /// True once accepted with clean session 0; false after the state is taken.
  bool persistent_ = false;

  /// Inbound QoS 1/2 messages in arrival order, until acknowledged.
  std::deque<pending_inbound> pending_in_;
  /// Inbound QoS 2 ids acknowledged with PUBREC, awaiting PUBREL.
  std::set<std::uint16_t> awaiting_pubrel_;

  /// Outbound QoS 1 messages awaiting PUBACK, in send order.
  std::vector<inflight_message> inflight_;
  /// Outbound messages waiting to be sent.
  std::deque<outbound_message> queue_;
  /// Where the search for the next free outbound packet id starts.
  std::uint16_t next_id_ = 1;

  std::vector<subscription> subscriptions_;
};

} // namespace pando::mqtt
