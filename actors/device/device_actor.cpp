// The device actor. State machine: loading (stashes every message until its
// records are read from storage) -> running. All writes go through the
// storage actor as one batch per request, and the reply (PUBACK, HTTP 200)
// goes out only after the batch is durable.

#include "actors/device/device_actor.hpp"

#include <map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/device/big_endian.hpp"
#include "actors/device/command_record.hpp"
#include "actors/device/device_record.hpp"
#include "actors/device/history_record.hpp"
#include "actors/registry/entity_key.hpp"
#include "actors/router/placement.hpp"
#include "actors/rules/rule_book.hpp"
#include "actors/storage/write.hpp"
#include "actors/type_ids.hpp"
#include "storage/kv_store.hpp"

namespace pando {

namespace {

using storage::column;

struct pending_delivery {
  caf::response_promise promise;
};

/// An application waiting for the device's next status report.
struct pending_query {
  caf::response_promise promise;
  std::int64_t deadline_ms;
};

struct device_state {
  device_id id;
  device_env env;
  caf::actor storage;
  std::string prefix; ///< device_key_prefix: every key of this device
  bool registered = false;
  device_record rec;
  device_token token;
  caf::actor session;
  std::string session_node;
  std::int64_t last_seen_ms = 0;
  std::map<std::pair<std::uint16_t, std::uint16_t>, object_status> status;
  std::uint32_t history_seq = 0;
  std::int64_t history_expired_at = 0;
  std::uint64_t reports = 0;
  std::uint64_t events = 0;
  std::uint64_t next_tag = 1;
  /// A persistent MQTT session (clean session 0) between connections, in
  /// the gateway's own format, and when it expires.
  std::string session_blob;
  std::int64_t session_blob_expiry_ms = 0;
  std::map<std::uint64_t, pending_delivery> deliveries;
  std::vector<pending_query> queries;
  /// Commands by id, their delivery tags, and requests awaiting an ack.
  std::map<std::uint64_t, command_status> commands;
  std::map<std::uint64_t, std::uint64_t> command_of_tag;
  std::map<std::uint64_t, caf::response_promise> command_waiters;
  std::uint64_t next_command_id = 1;
  /// Desired status by (part, no), its version, and PUTs awaiting the ack
  /// of their delta (by delivery tag).
  std::map<std::pair<std::uint16_t, std::uint16_t>, desired_object> desired;
  std::uint64_t desired_version = 0;
  std::map<std::uint64_t, caf::response_promise> desired_waiters;
  rules::rule_book rules;
  std::uint32_t outbox_seq = 0;

  static inline const char* name = "pando.device";
};

using device_actor = caf::stateful_actor<device_state>;

std::string hex8(std::uint32_t x) { return to_hex16(x).substr(8); }

caf::error fail(errc code, std::string msg) {
  return caf::make_error(code, std::move(msg));
}

// -- status encoding (key `<id>/s`) ------------------------------------------

std::string encode_status(const device_state& st) {
  std::vector<object_status> objects;
  for (const auto& [key, o] : st.status)
    objects.push_back(o);
  return encode_objects(objects);
}

bool decode_status(const std::string& in, device_state& st) {
  auto objects = decode_objects(in);
  if (!objects)
    return false;
  for (auto& o : *objects)
    st.status[{o.part, o.no}] = std::move(o);
  return true;
}

// -- history (column `history`, key `<id>/<server ms><seq>`) -----------------

std::string history_key(device_state& st, std::int64_t now) {
  return st.prefix + to_hex16(static_cast<std::uint64_t>(now))
         + hex8(st.history_seq++);
}

/// Deletes history older than the retention, at most once a minute.
void expire_history(device_state& st, storage::write_batch& batch,
                    std::int64_t now) {
  if (st.env.history_retention_ms <= 0 || now < st.history_expired_at + 60'000)
    return;
  st.history_expired_at = now;
  auto cutoff = std::max<std::int64_t>(0, now - st.env.history_retention_ms);
  batch.erase_range(column::history, st.prefix,
                    st.prefix + to_hex16(static_cast<std::uint64_t>(cutoff)));
}

// -- helpers -----------------------------------------------------------------

std::int64_t now(device_actor* self) { return self->state.env.now_ms(); }

const caf::actor& storage_of(device_actor* self) { return self->state.storage; }

/// Writes `batch` here and on the followers of the device's shard, then
/// calls `then` with the first error (or none). The outbox entries travel
/// too: a follower that becomes the owner delivers what is left of them.
void persist(device_actor* self, storage::write_batch batch,
             std::function<void(caf::error)> then) {
  auto& st = self->state;
  auto where = st.env.placement ? st.env.placement->get() : nullptr;
  auto shard = shard_of(st.id, st.env.shards).value;
  std::vector<caf::actor> followers;
  if (where && shard < where->followers.size())
    followers = where->followers[shard];
  auto left = std::make_shared<std::size_t>(followers.size() + 1);
  auto first = std::make_shared<caf::error>();
  auto box = st.env.placement;
  auto one = [left, first, then, box, shard](caf::error err) {
    if (err && !*first)
      *first = std::move(err);
    if (--*left > 0)
      return;
    // The shard moved while this write ran: it may have missed the copy the
    // new owner made, so it must not be acknowledged.
    if (!*first && box)
      if (auto now = box->get();
          now && shard < now->owned.size() && !now->owned[shard])
        *first = caf::make_error(errc::unavailable,
                                 "the device's shard moved; try again");
    then(std::move(*first));
  };
  if (!followers.empty()) {
    for (const auto& f : followers)
      if (!f)
        one(caf::make_error(errc::unavailable,
                            "a follower of the device's shard is not "
                            "reachable; try again"));
      else
        self
          ->request(f, std::chrono::seconds{5}, replicate_atom_v, where->epoch,
                    shard, where->self, batch)
          .then([one](caf::ok_atom) mutable { one({}); },
                [one](caf::error& err) mutable { one(std::move(err)); });
  }
  self->request(st.storage, caf::infinite, caf::put_atom_v, std::move(batch))
    .then([one](caf::ok_atom) mutable { one({}); },
          [one](caf::error& err) mutable { one(std::move(err)); });
}

/// Persists `batch` (see `persist`); answers the current request with
/// `done()` once every copy is durable, else with the error.
template<class T, class F>
caf::result<T> write_then(device_actor* self, storage::write_batch batch,
                          F done) {
  auto rp = self->make_response_promise<T>();
  persist(self, std::move(batch), [rp, done](caf::error err) mutable {
    if (err)
      rp.deliver(caf::make_error(errc::storage_failure, to_string(err)));
    else
      rp.deliver(done());
  });
  return rp;
}

desired_view view_desired(const device_state& st, bool delivered);

/// Fails every delivery and status query waiting on the ended session.
void fail_waiting(device_state& st, const char* why) {
  for (auto& [tag, d] : st.deliveries)
    d.promise.deliver(fail(errc::device_offline, why));
  st.deliveries.clear();
  for (auto& q : st.queries)
    q.promise.deliver(fail(errc::device_offline, why));
  st.queries.clear();
  // A desired status stays recorded; it goes out again on reconnect.
  for (auto& [tag, rp] : st.desired_waiters)
    rp.deliver(view_desired(st, false));
  st.desired_waiters.clear();
}

/// Copies the device's token into the header of a Command or Data payload.
void stamp_token(device_state& st, std::string& payload) {
  if (payload.size() < 25 || st.token.token.size() != 32)
    return;
  for (std::size_t i = 0; i < 16; ++i)
    payload[9 + i] = static_cast<char>(
      std::stoi(st.token.token.substr(2 * i, 2), nullptr, 16));
}

// -- desired status (key `<id>/d`)
// ---------------------------------------------

std::string encode_desired(const device_state& st) {
  std::string out;
  put_be(out, st.desired_version, 8);
  for (const auto& [key, d] : st.desired) {
    put_be(out, d.part, 2);
    put_be(out, d.no, 2);
    put_be(out, d.block.size(), 4);
    out += d.block;
  }
  return out;
}

void decode_desired(const std::string& in, device_state& st) {
  std::size_t pos = 0;
  if (!get_be(in, pos, 8, st.desired_version))
    return;
  std::uint64_t part, no, n;
  while (get_be(in, pos, 2, part) && get_be(in, pos, 2, no)
         && get_be(in, pos, 4, n)) {
    if (in.size() - pos < n)
      return;
    desired_object d;
    d.part = static_cast<std::uint16_t>(part);
    d.no = static_cast<std::uint16_t>(no);
    d.block = in.substr(pos, n);
    pos += n;
    st.desired[{d.part, d.no}] = std::move(d);
  }
}

/// Returns the desired objects whose params differ from the reported ones.
std::vector<desired_object> desired_delta(const device_state& st) {
  std::vector<desired_object> out;
  for (const auto& [key, d] : st.desired) {
    auto r = st.status.find(key);
    // The block is part(2) no(2) count(2) params.
    if (r == st.status.end() || d.block.size() < 6
        || d.block.compare(6, std::string::npos, r->second.params) != 0)
      out.push_back(d);
  }
  return out;
}

desired_view view_desired(const device_state& st, bool delivered) {
  desired_view v;
  v.version = st.desired_version;
  for (const auto& [key, d] : st.desired)
    v.desired.push_back(d);
  v.delta = desired_delta(st);
  v.delivered = delivered;
  return v;
}

/// Sends the delta as one Data message to the session; returns its
/// delivery tag, or 0 when there is nothing to send.
std::uint64_t send_delta(device_actor* self) {
  auto& st = self->state;
  auto delta = desired_delta(st);
  if (delta.empty() || !st.session)
    return 0;
  std::string payload(1, '\0');
  put_be(payload, static_cast<std::uint64_t>(now(self) / 1000), 8);
  payload.append(16, '\0');
  for (const auto& d : delta)
    payload += d.block;
  downstream msg{"s", std::move(payload), 1, st.next_tag++, false};
  stamp_token(st, msg.payload);
  self->send(st.session, deliver_atom_v, msg);
  return msg.tag;
}

caf::result<desired_view> on_desire(device_actor* self,
                                    std::vector<desired_object>& objects) {
  auto& st = self->state;
  if (!st.registered)
    return fail(errc::device_not_found, "device not registered");
  for (auto& d : objects)
    st.desired[{d.part, d.no}] = std::move(d);
  ++st.desired_version;
  storage::write_batch batch;
  batch.put(column::devices, st.prefix + "d", encode_desired(st));
  auto rp = self->make_response_promise<desired_view>();
  persist(self, std::move(batch), [self, rp](caf::error err) mutable {
    if (err) {
      rp.deliver(fail(errc::storage_failure, to_string(err)));
      return;
    }
    auto tag = send_delta(self);
    if (tag == 0)
      rp.deliver(view_desired(self->state, false));
    else
      self->state.desired_waiters.emplace(tag, rp);
  });
  return rp;
}

// -- command queue
// -------------------------------------------------------------

std::string command_key(const device_state& st, std::uint64_t id) {
  return st.prefix + to_hex16(id);
}

/// Persists `cmds` without waiting (state changes the caller reports later
/// are re-derived from the store at activation).
void save_commands(device_actor* self,
                   const std::vector<const command_status*>& cmds) {
  if (cmds.empty())
    return;
  storage::write_batch batch;
  for (const auto* c : cmds)
    batch.put(column::commands, command_key(self->state, c->id),
              encode_command(*c));
  persist(self, std::move(batch), [self](caf::error err) {
    if (err)
      spdlog::error("device {} cannot persist commands: {}",
                    self->state.id.to_hex(), self->system().render(err));
  });
}

void set_state(command_status& c, command_state x, std::int64_t t) {
  c.state = static_cast<std::uint8_t>(x);
  c.updated_ms = t;
}

/// Sends `c` to the current session.
void send_command(device_actor* self, command_status& c) {
  auto& st = self->state;
  downstream msg{c.topic, c.payload, 1, st.next_tag++, false};
  stamp_token(st, msg.payload);
  st.command_of_tag[msg.tag] = c.id;
  set_state(c, command_state::sent, now(self));
  self->send(st.session, deliver_atom_v, msg);
}

/// After a session ended: commands sent but not acknowledged go back to the
/// queue while their TTL lasts (unless a persistent session redelivers
/// them), else they failed.
void requeue_commands(device_actor* self, bool persistent) {
  auto& st = self->state;
  auto t = now(self);
  std::vector<const command_status*> changed;
  for (auto& [id, c] : st.commands) {
    if (c.state != static_cast<std::uint8_t>(command_state::sent) || persistent)
      continue;
    set_state(
      c, c.expires_ms > t ? command_state::queued : command_state::failed, t);
    changed.push_back(&c);
    if (auto w = st.command_waiters.find(id); w != st.command_waiters.end()) {
      if (c.state == static_cast<std::uint8_t>(command_state::queued))
        w->second.deliver(c);
      else
        w->second.deliver(fail(errc::device_offline, "session ended"));
      st.command_waiters.erase(w);
    }
  }
  if (!persistent)
    st.command_of_tag.clear();
  save_commands(self, changed);
}

/// Sends queued commands to a new session; expires stale ones.
void flush_commands(device_actor* self) {
  auto& st = self->state;
  auto t = now(self);
  std::vector<const command_status*> changed;
  for (auto& [id, c] : st.commands) {
    if (c.state != static_cast<std::uint8_t>(command_state::queued))
      continue;
    if (c.expires_ms <= t)
      set_state(c, command_state::expired, t);
    else
      send_command(self, c);
    changed.push_back(&c);
  }
  save_commands(self, changed);
}

/// Keeps at most 200 finished commands (the newest).
void prune_commands(device_actor* self) {
  auto& st = self->state;
  std::size_t finished = 0;
  for (auto& [id, c] : st.commands)
    finished += c.state >= static_cast<std::uint8_t>(command_state::acked);
  if (finished <= 200)
    return;
  storage::write_batch batch;
  for (auto i = st.commands.begin();
       i != st.commands.end() && finished > 200;) {
    if (i->second.state >= static_cast<std::uint8_t>(command_state::acked)) {
      batch.erase(column::commands, command_key(st, i->first));
      i = st.commands.erase(i);
      --finished;
    } else {
      ++i;
    }
  }
  persist(self, std::move(batch), [](caf::error) {});
}

caf::result<command_status> on_command(device_actor* self, downstream& msg,
                                       std::int64_t ttl_ms) {
  auto& st = self->state;
  if (!st.registered)
    return fail(errc::device_not_found, "device not registered");
  if (!st.session && ttl_ms <= 0)
    return fail(errc::device_offline, "device is offline");
  auto t = now(self);
  command_status c;
  c.id = st.next_command_id++;
  c.created_ms = c.updated_ms = t;
  c.expires_ms = ttl_ms > 0 ? t + ttl_ms : 0;
  c.topic = std::move(msg.topic);
  c.payload = std::move(msg.payload);
  auto& stored = st.commands.emplace(c.id, std::move(c)).first->second;
  prune_commands(self);
  if (!st.session) {
    save_commands(self, {&stored});
    return stored;
  }
  send_command(self, stored);
  save_commands(self, {&stored});
  auto rp = self->make_response_promise<command_status>();
  st.command_waiters.emplace(stored.id, rp);
  return rp;
}

/// Marks the command behind delivery `tag` as acknowledged.
bool on_command_acked(device_actor* self, std::uint64_t tag) {
  auto& st = self->state;
  auto i = st.command_of_tag.find(tag);
  if (i == st.command_of_tag.end())
    return false;
  auto id = i->second;
  st.command_of_tag.erase(i);
  auto c = st.commands.find(id);
  if (c == st.commands.end())
    return true;
  set_state(c->second, command_state::acked, now(self));
  save_commands(self, {&c->second});
  if (auto w = st.command_waiters.find(id); w != st.command_waiters.end()) {
    w->second.deliver(c->second);
    st.command_waiters.erase(w);
  }
  return true;
}

std::vector<command_status> list_commands(device_actor* self,
                                          std::uint32_t limit) {
  auto& st = self->state;
  auto t = now(self);
  std::vector<command_status> out;
  for (auto i = st.commands.rbegin(); i != st.commands.rend(); ++i) {
    if (out.size() >= limit)
      break;
    auto& c = i->second;
    if (c.state == static_cast<std::uint8_t>(command_state::queued)
        && c.expires_ms <= t)
      set_state(c, command_state::expired, t);
    out.push_back(c);
  }
  return out;
}

void end_session(device_actor* self, const char* why) {
  auto& st = self->state;
  if (!st.session)
    return;
  self->demonitor(st.session);
  self->send(st.session, kick_atom_v, std::string{why});
  st.session = nullptr;
  st.session_node.clear();
  fail_waiting(st, "session ended");
  requeue_commands(self, false);
}

// -- handlers ----------------------------------------------------------------

caf::result<registration_reply> on_register(device_actor* self,
                                            registration_request& req) {
  auto& st = self->state;
  auto t = now(self);
  registration_reply reply;
  reply.id = st.id;
  reply.identifier = req.identifier;
  if (st.registered && st.rec.identifier != req.identifier)
    return fail(errc::identifier_collision,
                "identifier " + req.identifier + " collides with "
                  + st.rec.identifier + " on device id " + st.id.to_hex());
  auto keeps_secret = st.registered && !req.current_secret.empty()
                      && equal_constant_time(
                        hash_secret(st.rec.secret_salt, req.current_secret),
                        st.rec.secret_hash);
  if (!st.registered) {
    auto key = registry::make_key(st.env.key_secret,
                                  static_cast<std::int64_t>(st.id.value));
    if (!key)
      return fail(errc::unavailable, "cannot make a device key");
    st.rec = device_record{};
    st.rec.identifier = req.identifier;
    st.rec.product_id = req.product_id;
    st.rec.vendor_id = req.vendor_id;
    st.rec.device_key = key.key;
    st.rec.name = req.product_name;
    st.rec.description = req.product_description;
    st.rec.created_at_ms = t;
    reply.created = true;
  }
  if (keeps_secret) {
    reply.secret = req.current_secret;
  } else {
    // New device, or re-registration without the current secret: a fresh
    // secret; the old one, its token and its session stop working.
    reply.secret = to_base64(random_bytes(24));
    st.rec.secret_salt = to_hex(random_bytes(16));
    st.rec.secret_hash = hash_secret(st.rec.secret_salt, reply.secret);
    st.token = {};
    end_session(self, "secret rotated");
  }
  st.rec.version = req.version;
  st.rec.updated_at_ms = t;
  st.registered = true;
  reply.device_key = st.rec.device_key;
  storage::write_batch batch;
  batch.put(column::devices, st.prefix + "r", to_json(st.rec));
  if (!keeps_secret)
    batch.erase(column::devices, st.prefix + "t");
  return write_then<registration_reply>(self, std::move(batch),
                                        [reply] { return reply; });
}

caf::result<login_reply> on_login(device_actor* self,
                                  const std::string& secret) {
  auto& st = self->state;
  if (!st.registered)
    return fail(errc::device_not_found, "device not registered");
  if (!equal_constant_time(hash_secret(st.rec.secret_salt, secret),
                           st.rec.secret_hash))
    return fail(errc::wrong_secret, "wrong device secret.");
  st.token = {to_hex(random_bytes(16)), now(self) + st.env.token_ttl_ms};
  // A new login ends the device's older session.
  end_session(self, "new login");
  storage::write_batch batch;
  batch.put(column::devices, st.prefix + "t", to_json(st.token));
  login_reply reply{st.token.token, st.token.expires_at_ms};
  return write_then<login_reply>(self, std::move(batch),
                                 [reply] { return reply; });
}

caf::result<auth_reply> on_auth(device_actor* self, const std::string& token,
                                const std::string& node, bool clean) {
  auto& st = self->state;
  if (!st.registered)
    return fail(errc::device_not_found, "device not registered");
  auto t = now(self);
  if (st.token.token.empty() || t >= st.token.expires_at_ms
      || !equal_constant_time(token, st.token.token))
    return fail(errc::bad_token, "token not match.");
  auto sender = caf::actor_cast<caf::actor>(self->current_sender());
  if (st.session && st.session != sender)
    end_session(self, "session taken over");
  st.session = sender;
  st.session_node = node;
  st.last_seen_ms = t;
  self->monitor(sender);
  flush_commands(self);
  send_delta(self);
  auth_reply reply{{}, st.rec.identifier, st.rec.product_id};
  if (!clean && t < st.session_blob_expiry_ms)
    reply.session_blob = std::move(st.session_blob);
  st.session_blob.clear();
  // Sliding expiry; persisted lazily (at most once per tenth of the TTL).
  auto old_expiry = st.token.expires_at_ms;
  st.token.expires_at_ms = t + st.env.token_ttl_ms;
  if (st.token.expires_at_ms - old_expiry < st.env.token_ttl_ms / 10)
    return reply;
  storage::write_batch batch;
  batch.put(column::devices, st.prefix + "t", to_json(st.token));
  return write_then<auth_reply>(self, std::move(batch),
                                [reply] { return reply; });
}

bool from_session(device_actor* self) {
  return self->state.session
         && self->current_sender() == self->state.session.address();
}

/// Answers every waiting status query with `objects`.
void answer_queries(device_state& st, const std::vector<object_status>& objs) {
  for (auto& q : st.queries)
    q.promise.deliver(objs);
  st.queries.clear();
}

// -- webhooks and rules -------------------------------------------------------

/// An outbox entry: its key and value.
using outbox_note = std::optional<std::pair<std::string, std::string>>;

/// With webhooks active, a report also goes to the outbox, in the report's
/// own batch: it reaches the applications even if the node stops first.
outbox_note to_outbox(device_actor* self, storage::write_batch& batch,
                      std::int64_t t, const std::string& record) {
  auto& st = self->state;
  if (!st.env.notifier || !st.env.webhooks_active
      || !st.env.webhooks_active->load(std::memory_order_relaxed))
    return std::nullopt;
  // Under the shard's prefix: the entry is replicated and copied with the
  // shard, and delivered by whichever node owns it.
  auto key = shard_key_prefix(shard_of(st.id, st.env.shards))
             + to_hex16(static_cast<std::uint64_t>(t)) + to_hex16(st.id.value)
             + hex8(st.outbox_seq++);
  auto value = encode_outbox({st.rec.identifier, st.rec.product_id, t, record});
  batch.put(column::outbox, key, value);
  return std::pair{std::move(key), std::move(value)};
}

void notify(device_actor* self, const outbox_note& note) {
  if (note)
    self->send(*self->state.env.notifier, notify_atom_v, note->first,
               note->second);
}

/// Hands the ifttt rules an event triggers to the rules actor.
void trigger_rules(device_actor* self, std::uint16_t no) {
  auto& st = self->state;
  if (!st.env.rules)
    return;
  for (const auto* r : st.rules.triggered_by(no))
    self->send(*st.env.rules, fire_atom_v, st.id, rules::to_json(*r));
}

/// Persists rule `r` and tells the rules actor about it.
storage::write_batch save_rule(device_actor* self, const rules::rule& r) {
  auto& st = self->state;
  if (st.env.rules && r.type == "timer")
    self->send(*st.env.rules, rule_atom_v, caf::put_atom_v, st.id,
               rules::to_json(r));
  storage::write_batch batch;
  batch.put(column::rules, rules::rule_key(st.prefix, r.id), rules::to_json(r));
  return batch;
}

caf::result<std::string> add_rule(device_actor* self, const std::string& text) {
  auto& st = self->state;
  auto r = rules::rule_from_json(text);
  if (!r)
    return fail(errc::invalid_argument, "not a rule");
  r->created_at_ms = now(self);
  auto* added = st.rules.add(std::move(*r));
  if (!added)
    return fail(errc::conflict, "the device has "
                                  + std::to_string(rules::rule_book::max_rules)
                                  + " rules already");
  auto out = rules::to_json(*added);
  return write_then<std::string>(self, save_rule(self, *added),
                                 [out] { return out; });
}

caf::result<std::string> enable_rule(device_actor* self, std::uint64_t id,
                                     bool enabled) {
  auto* r = self->state.rules.set_enabled(id, enabled);
  if (!r)
    return fail(errc::not_found, "rule not found");
  auto out = rules::to_json(*r);
  return write_then<std::string>(self, save_rule(self, *r),
                                 [out] { return out; });
}

caf::result<caf::ok_atom> delete_rule(device_actor* self, std::uint64_t id) {
  auto& st = self->state;
  if (!st.rules.remove(id))
    return fail(errc::not_found, "rule not found");
  if (st.env.rules)
    self->send(*st.env.rules, rule_atom_v, caf::delete_atom_v, st.id, id);
  storage::write_batch batch;
  batch.erase(column::rules, rules::rule_key(st.prefix, id));
  return write_then<caf::ok_atom>(self, std::move(batch),
                                  [] { return caf::ok_atom_v; });
}

/// Records a firing; a `once` rule is now disabled.
void rule_fired(device_actor* self, std::uint64_t id, std::string& result,
                std::int64_t t) {
  auto* r = self->state.rules.record(id, std::move(result), t);
  if (!r)
    return;
  persist(self, save_rule(self, *r), [self](caf::error err) {
    if (err)
      spdlog::warn("device {}: cannot record a rule firing: {}",
                   self->state.id.to_hex(), to_string(err));
  });
}

caf::result<caf::ok_atom> on_status(device_actor* self, status_report& r) {
  auto& st = self->state;
  if (!from_session(self))
    return fail(errc::forbidden, "not the device's current session");
  auto t = now(self);
  st.last_seen_ms = t;
  for (auto& o : r.objects) {
    o.server_ts_ms = t;
    o.device_ts = o.device_ts != 0 ? o.device_ts : r.device_ts;
    st.status[{o.part, o.no}] = o;
  }
  ++st.reports;
  if (!st.queries.empty())
    answer_queries(st, r.objects);
  storage::write_batch batch;
  batch.put(column::devices, st.prefix + "s", encode_status(st));
  auto record = history_status(r, t);
  auto note = to_outbox(self, batch, t, record);
  batch.put(column::history, history_key(st, t), std::move(record));
  expire_history(st, batch, t);
  return write_then<caf::ok_atom>(self, std::move(batch),
                                  [self, note = std::move(note)] {
                                    notify(self, note);
                                    return caf::ok_atom_v;
                                  });
}

caf::result<caf::ok_atom> on_event(device_actor* self, event_report& e) {
  auto& st = self->state;
  if (!from_session(self))
    return fail(errc::forbidden, "not the device's current session");
  auto t = now(self);
  st.last_seen_ms = t;
  ++st.events;
  storage::write_batch batch;
  auto record = history_event(e);
  auto note = to_outbox(self, batch, t, record);
  batch.put(column::history, history_key(st, t), std::move(record));
  expire_history(st, batch, t);
  return write_then<caf::ok_atom>(self, std::move(batch),
                                  [self, note = std::move(note), no = e.no] {
                                    notify(self, note);
                                    trigger_rules(self, no);
                                    return caf::ok_atom_v;
                                  });
}

caf::result<caf::ok_atom> on_deliver(device_actor* self, downstream& msg) {
  auto& st = self->state;
  if (!st.registered)
    return fail(errc::device_not_found, "device not registered");
  if (!st.session)
    return fail(errc::device_offline, "device is offline");
  if (msg.stamp_token)
    stamp_token(st, msg.payload);
  msg.tag = st.next_tag++;
  auto rp = self->make_response_promise<caf::ok_atom>();
  if (msg.qos == 0) {
    self->send(st.session, deliver_atom_v, msg);
    return caf::ok_atom_v;
  }
  st.deliveries.emplace(msg.tag, pending_delivery{rp});
  self->send(st.session, deliver_atom_v, msg);
  return rp;
}

caf::result<std::vector<object_status>> on_query(device_actor* self,
                                                 downstream& msg) {
  auto& st = self->state;
  if (!st.registered)
    return fail(errc::device_not_found, "device not registered");
  if (!st.session)
    return fail(errc::device_offline, "device is offline");
  auto t = now(self);
  std::erase_if(st.queries,
                [t](const pending_query& q) { return q.deadline_ms < t; });
  if (st.queries.size() >= 64)
    return fail(errc::unavailable, "too many status queries in flight");
  stamp_token(st, msg.payload);
  msg.tag = st.next_tag++;
  self->send(st.session, deliver_atom_v, msg);
  auto rp = self->make_response_promise<std::vector<object_status>>();
  st.queries.push_back({rp, t + 10'000});
  return rp;
}

device_view make_view(device_actor* self) {
  auto& st = self->state;
  device_view v;
  v.id = st.id;
  v.identifier = st.rec.identifier;
  v.product_id = st.rec.product_id;
  v.vendor_id = st.rec.vendor_id;
  v.device_key = st.rec.device_key;
  v.name = st.rec.name;
  v.description = st.rec.description;
  v.version = st.rec.version;
  v.created_at_ms = st.rec.created_at_ms;
  v.online = static_cast<bool>(st.session);
  v.session_node = st.session_node;
  v.last_seen_ms = st.last_seen_ms;
  for (const auto& [key, o] : st.status)
    v.status.push_back(o);
  v.reports = st.reports;
  v.events = st.events;
  return v;
}

caf::behavior running(device_actor* self) {
  self->set_default_handler(caf::print_and_drop);
  self->set_down_handler([self](const caf::down_msg& dm) {
    auto& st = self->state;
    if (st.session && dm.source == st.session.address()) {
      st.session = nullptr;
      st.session_node.clear();
      fail_waiting(st, "session lost");
      requeue_commands(self, false);
    }
  });
  return {
    [self](register_atom, registration_request& req) {
      auto was_registered = self->state.registered;
      auto res = on_register(self, req);
      if (!was_registered && self->state.registered)
        self->become(running(self)); // now with the registered idle timeout
      return res;
    },
    [self](login_atom, const std::string& secret) {
      return on_login(self, secret);
    },
    [self](auth_atom, const std::string& token, const std::string& node,
           bool clean) { return on_auth(self, token, node, clean); },
    [self](report_atom, status_report& r) { return on_status(self, r); },
    [self](report_atom, event_report& e) { return on_event(self, e); },
    [self](deliver_atom, downstream& msg) { return on_deliver(self, msg); },
    [self](query_atom, downstream& msg) { return on_query(self, msg); },
    [self](deliver_atom, downstream& msg, std::int64_t ttl_ms) {
      return on_command(self, msg, ttl_ms);
    },
    [self](commands_atom,
           std::uint32_t limit) -> caf::result<std::vector<command_status>> {
      if (!self->state.registered)
        return fail(errc::device_not_found, "device not registered");
      return list_commands(self, limit);
    },
    [self](history_atom, const std::string& begin, const std::string& end,
           std::uint32_t limit,
           bool newest_first) -> caf::result<caf::message> {
      auto& st = self->state;
      if (!st.registered)
        return fail(errc::device_not_found, "device not registered");
      storage::key_range range;
      range.begin = st.prefix + begin;
      range.end = st.prefix + (end.empty() ? std::string{"~"} : end);
      range.limit = limit;
      range.reverse = newest_first;
      // The storage actor answers the requester directly.
      return self->delegate(st.storage, scan_atom_v, column::history, range);
    },
    [self](acked_atom, std::uint64_t tag) {
      if (on_command_acked(self, tag))
        return;
      auto& st = self->state;
      if (auto w = st.desired_waiters.find(tag);
          w != st.desired_waiters.end()) {
        w->second.deliver(view_desired(st, true));
        st.desired_waiters.erase(w);
        return;
      }
      if (auto i = st.deliveries.find(tag); i != st.deliveries.end()) {
        i->second.promise.deliver(caf::ok_atom_v);
        st.deliveries.erase(i);
      }
    },
    [self](closed_atom, std::string& blob) {
      if (from_session(self)) {
        auto& st = self->state;
        self->demonitor(st.session);
        st.session = nullptr;
        st.session_node.clear();
        fail_waiting(st, "session closed");
        requeue_commands(self, !blob.empty());
        st.session_blob = std::move(blob);
        st.session_blob_expiry_ms = now(self) + st.env.session_expiry_ms;
      }
    },
    [self](caf::update_atom, const std::string& name,
           const std::string& description) -> caf::result<caf::ok_atom> {
      auto& st = self->state;
      if (!st.registered)
        return fail(errc::device_not_found, "device not registered");
      st.rec.name = name;
      st.rec.description = description;
      st.rec.updated_at_ms = now(self);
      storage::write_batch batch;
      batch.put(column::devices, st.prefix + "r", to_json(st.rec));
      return write_then<caf::ok_atom>(self, std::move(batch),
                                      [] { return caf::ok_atom_v; });
    },
    [self](caf::delete_atom) -> caf::result<caf::ok_atom> {
      auto& st = self->state;
      if (!st.registered)
        return fail(errc::device_not_found, "device not registered");
      end_session(self, "device deleted");
      storage::write_batch batch;
      auto range = storage::key_range::prefix(st.prefix);
      for (auto col :
           {column::devices, column::history, column::commands, column::rules})
        batch.erase_range(col, range.begin, range.end);
      if (st.env.rules)
        for (const auto& [id, r] : st.rules.all())
          self->send(*st.env.rules, rule_atom_v, caf::delete_atom_v, st.id, id);
      st.rules.clear();
      st.registered = false;
      st.commands.clear();
      st.status.clear();
      st.desired.clear();
      // Answer once the records are gone, then stop: the next message for
      // this id activates a fresh, unregistered actor.
      auto rp = self->make_response_promise<caf::ok_atom>();
      persist(self, std::move(batch), [self, rp](caf::error err) mutable {
        if (err) {
          rp.deliver(fail(errc::storage_failure, to_string(err)));
          return;
        }
        rp.deliver(caf::ok_atom_v);
        self->quit();
      });
      return rp;
    },
    [self](desire_atom, std::vector<desired_object>& objects) {
      return on_desire(self, objects);
    },
    [self](desire_atom) -> caf::result<desired_view> {
      if (!self->state.registered)
        return fail(errc::device_not_found, "device not registered");
      return view_desired(self->state, false);
    },
    [self](caf::get_atom) -> caf::result<device_view> {
      if (!self->state.registered)
        return fail(errc::device_not_found, "device not registered");
      return make_view(self);
    },
    [self](rule_atom, caf::put_atom,
           const std::string& text) -> caf::result<std::string> {
      if (!self->state.registered)
        return fail(errc::device_not_found, "device not registered");
      return add_rule(self, text);
    },
    [self](rule_atom, caf::get_atom) -> caf::result<std::vector<std::string>> {
      if (!self->state.registered)
        return fail(errc::device_not_found, "device not registered");
      std::vector<std::string> out;
      for (const auto& [id, r] : self->state.rules.all())
        out.push_back(rules::to_json(r));
      return out;
    },
    [self](rule_atom, caf::update_atom, std::uint64_t id,
           bool enabled) -> caf::result<std::string> {
      if (!self->state.registered)
        return fail(errc::device_not_found, "device not registered");
      return enable_rule(self, id, enabled);
    },
    [self](rule_atom, caf::delete_atom,
           std::uint64_t id) -> caf::result<caf::ok_atom> {
      if (!self->state.registered)
        return fail(errc::device_not_found, "device not registered");
      return delete_rule(self, id);
    },
    [self](fired_atom, std::uint64_t id, std::string& result, std::int64_t t) {
      rule_fired(self, id, result, t);
    },
    // Unregistered ids (probes, typos) do not linger.
    caf::after(std::chrono::milliseconds(
      self->state.registered ? self->state.env.idle_timeout_ms : 1000))
      >>
      [self] {
        auto& st = self->state;
        if (!st.session && st.deliveries.empty()
            && (st.session_blob.empty()
                || now(self) >= st.session_blob_expiry_ms))
          self->quit();
      },
  };
}

void load(device_actor* self, const std::vector<std::string>& keys,
          const std::vector<std::string>& values) {
  auto& st = self->state;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto suffix = std::string_view{keys[i]}.substr(st.prefix.size());
    if (suffix == "r") {
      if (auto rec = device_record_from_json(values[i])) {
        st.rec = std::move(*rec);
        st.registered = true;
      }
    } else if (suffix == "t") {
      if (auto tok = device_token_from_json(values[i]))
        st.token = std::move(*tok);
    } else if (suffix == "s") {
      decode_status(values[i], st);
    } else if (suffix == "d") {
      decode_desired(values[i], st);
    }
  }
}

/// Reads the device's rules, then starts serving.
void load_rules(device_actor* self) {
  self
    ->request(self->state.storage, caf::infinite, scan_atom_v, column::rules,
              self->state.prefix)
    .then(
      [self](const std::vector<std::string>&,
             const std::vector<std::string>& values) {
        for (const auto& v : values)
          if (auto r = rules::rule_from_json(v))
            self->state.rules.load(std::move(*r));
        self->become(running(self));
      },
      [self](caf::error& err) { self->quit(std::move(err)); });
}

/// Reads the device's commands, then its rules.
void load_commands(device_actor* self) {
  self
    ->request(self->state.storage, caf::infinite, scan_atom_v, column::commands,
              self->state.prefix)
    .then(
      [self](const std::vector<std::string>& keys,
             const std::vector<std::string>& values) {
        auto& st = self->state;
        for (std::size_t i = 0; i < keys.size(); ++i)
          if (auto c = decode_command_record(values[i])) {
            // A command sent before the node stopped waits for redelivery.
            if (c->state == static_cast<std::uint8_t>(command_state::sent))
              c->state = static_cast<std::uint8_t>(command_state::queued);
            st.next_command_id = std::max(st.next_command_id, c->id + 1);
            st.commands.emplace(c->id, std::move(*c));
          }
        load_rules(self);
      },
      [self](caf::error& err) { self->quit(std::move(err)); });
}

caf::behavior device_impl(device_actor* self, device_id id, device_env env,
                          caf::actor storage) {
  auto& st = self->state;
  st.id = id;
  st.env = std::move(env);
  st.storage = std::move(storage);
  st.prefix = device_key_prefix(id, st.env.shards);
  self->attach_functor([self](const caf::error& reason) {
    if (reason && reason != caf::exit_reason::user_shutdown)
      spdlog::warn("device {} stopped: {}", self->state.id.to_hex(),
                   self->system().render(reason));
  });
  // Loading: keep every message in the mailbox until the records are read.
  self->set_default_handler(caf::skip);
  self
    ->request(storage_of(self), caf::infinite, scan_atom_v, column::devices,
              st.prefix)
    .then(
      [self](const std::vector<std::string>& keys,
             const std::vector<std::string>& values) {
        load(self, keys, values);
        load_commands(self);
      },
      [self](caf::error& err) { self->quit(std::move(err)); });
  return {
    [](closed_atom, closed_atom) {
      // Never sent: keeps the behavior non-empty while loading.
    },
  };
}

} // namespace

caf::actor spawn_device(caf::actor_system& sys, device_id id,
                        const device_env& env, const caf::actor& storage) {
  return sys.spawn(device_impl, id, env, storage);
}

} // namespace pando
