#pragma once

// Writing through the storage actor from an event-based actor. Include only
// in .cpp files (CAF).

#include <caf/all.hpp>

#include "actors/type_ids.hpp"
#include "storage/kv_store.hpp"

namespace pando {

/// Sends `batch` to `storage`; when it is durable, answers the current
/// request with `done()`, else with `errc::storage_failure`.
template<class T, class Self, class F>
caf::result<T> write_then(Self* self, const caf::actor& storage,
                          storage::write_batch batch, F done) {
  auto rp = self->template make_response_promise<T>();
  self->request(storage, caf::infinite, caf::put_atom_v, std::move(batch))
    .then([rp, done](caf::ok_atom) mutable { rp.deliver(done()); },
          [rp](caf::error& err) mutable {
            rp.deliver(caf::make_error(errc::storage_failure, to_string(err)));
          });
  return rp;
}

} // namespace pando
