#pragma once

// pando's API envelope: HTTP 200 with {"code", "message", "data"}.

#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace pando::http {

/// Answers with code 0 and `data`.
inline void reply_ok(httplib::Response& res, const nlohmann::json& data) {
  nlohmann::json body{{"code", 0}, {"message", ""}, {"data", data}};
  res.status = 200;
  res.set_content(body.dump(), "application/json; charset=UTF-8");
}

/// Answers with an application error code inside a 200 response, as pando's
/// APIs always did.
inline void reply_code(httplib::Response& res, int code,
                       const std::string& msg) {
  nlohmann::json body{{"code", code}, {"message", msg}};
  res.status = 200;
  res.set_content(body.dump(), "application/json; charset=UTF-8");
}

/// Parses the request body as a JSON object; on failure answers with `code`
/// and returns false.
inline bool parse_body(const httplib::Request& req, httplib::Response& res,
                       int code, nlohmann::json& out) {
  out = nlohmann::json::parse(req.body, nullptr, false);
  if (out.is_discarded() || !out.is_object()) {
    reply_code(res, code, "the request body must be a JSON object");
    return false;
  }
  return true;
}

} // namespace pando::http
