#include <httplib.h>

#include "pando/openapi.hpp"
#include "transports/http/api_context.hpp"
#include "transports/http/server.hpp"

namespace pando::http {

void add_openapi(server& srv) {
  srv.add("GET", "/openapi.json", "/openapi.json",
          [](const httplib::Request&, httplib::Response& res) {
            res.set_content(openapi_json, "application/json");
          });
}

} // namespace pando::http
