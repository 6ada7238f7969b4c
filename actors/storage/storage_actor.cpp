#include "actors/storage/storage_actor.hpp"

#include <caf/all.hpp>

#include "actors/type_ids.hpp"

#include "storage/kv_store.hpp"

namespace pando {

namespace {

caf::error to_caf(const storage::error& err) {
  return caf::make_error(caf::sec::runtime_error, err.to_string());
}

caf::behavior storage_impl(caf::event_based_actor* self,
                           std::shared_ptr<storage::kv_store> store,
                           storage::write_options opts) {
  self->attach_functor([store] { store->flush(); });
  return {
    [store](caf::get_atom, storage::column col,
            const std::string& key) -> caf::result<bool, std::string> {
      auto res = store->get(col, key);
      if (!res)
        return to_caf(res.err());
      if (!*res)
        return {false, std::string{}};
      return {true, std::move(**res)};
    },
    [store](scan_atom, storage::column col, const storage::key_range& range)
      -> caf::result<std::vector<std::string>, std::vector<std::string>> {
      std::vector<std::string> keys;
      std::vector<std::string> values;
      auto st
        = store->scan(col, range, [&](std::string_view k, std::string_view v) {
            keys.emplace_back(k);
            values.emplace_back(v);
            return true;
          });
      if (!st)
        return to_caf(st.err());
      return {std::move(keys), std::move(values)};
    },
    [store](shard_atom, const std::string& prefix, const std::string& cursor,
            std::uint64_t max_bytes)
      -> caf::result<storage::write_batch, std::string, bool> {
      // One chunk of a copy of every record under `prefix`: the first chunk
      // (empty cursor) first clears the range on the receiving side. The
      // cursor is the column's position in `copied` and the last key sent.
      static constexpr storage::column copied[]
        = {storage::column::devices, storage::column::history,
           storage::column::commands, storage::column::rules,
           storage::column::outbox};
      storage::write_batch out;
      auto range = storage::key_range::prefix(prefix);
      std::size_t first = 0;
      std::string after;
      if (cursor.empty()) {
        for (auto col : copied)
          out.erase_range(col, range.begin, range.end);
      } else {
        first = static_cast<unsigned char>(cursor[0]);
        after = cursor.substr(1);
      }
      std::uint64_t bytes = 0;
      for (auto c = first; c < std::size(copied); ++c) {
        auto r = range;
        if (c == first && !cursor.empty())
          r.begin = after + '\0'; // strictly after the last key sent
        std::string last;
        auto full = false;
        auto st = store->scan(copied[c], r,
                              [&](std::string_view k, std::string_view v) {
                                out.put(copied[c], k, v);
                                bytes += k.size() + v.size();
                                last.assign(k);
                                full = bytes >= max_bytes;
                                return !full;
                              });
        if (!st)
          return to_caf(st.err());
        if (full) {
          std::string next(1, static_cast<char>(c));
          next += last;
          return {std::move(out), std::move(next), false};
        }
      }
      return {std::move(out), std::string{}, true};
    },
    [store](scan_atom, storage::column col, const std::string& prefix)
      -> caf::result<std::vector<std::string>, std::vector<std::string>> {
      std::vector<std::string> keys;
      std::vector<std::string> values;
      auto st = store->scan(col, storage::key_range::prefix(prefix),
                            [&](std::string_view k, std::string_view v) {
                              keys.emplace_back(k);
                              values.emplace_back(v);
                              return true;
                            });
      if (!st)
        return to_caf(st.err());
      return {std::move(keys), std::move(values)};
    },
    [store, opts](caf::put_atom, const storage::write_batch& batch)
      -> caf::result<caf::ok_atom> {
      if (auto st = store->write(batch, opts); !st)
        return to_caf(st.err());
      return caf::ok_atom_v;
    },
    [store, opts](caf::put_atom, storage::column col, const std::string& key,
                  const std::string& value) -> caf::result<caf::ok_atom> {
      if (auto st = store->put(col, key, value, opts); !st)
        return to_caf(st.err());
      return caf::ok_atom_v;
    },
    [store](caf::flush_atom) -> caf::result<caf::ok_atom> {
      if (auto st = store->flush(); !st)
        return to_caf(st.err());
      return caf::ok_atom_v;
    },
  };
}

} // namespace

caf::actor spawn_storage_actor(caf::actor_system& sys,
                               std::shared_ptr<storage::kv_store> store,
                               bool detached, bool sync) {
  storage::write_options opts{.sync = sync};
  if (detached)
    return sys.spawn<caf::detached>(storage_impl, std::move(store), opts);
  return sys.spawn(storage_impl, std::move(store), opts);
}

} // namespace pando
