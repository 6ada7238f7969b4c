#include "tools/pando-ctl/command.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/failure.hpp"

namespace pando::ctl {

namespace {

/// Returns the words naming `app` below the root, e.g. `product add`.
std::string label_of(const CLI::App* app) {
  std::string out;
  for (; app != nullptr && app->get_parent() != nullptr;
       app = app->get_parent())
    out = app->get_name() + (out.empty() ? "" : " " + out);
  return out;
}

} // namespace

void print_json(session& s, const nlohmann::json& x) {
  s.out << x.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n';
}

int run(const command_list& commands, const client_options& opts, bool json) {
  for (const auto& cmd : commands) {
    if (!cmd.app->parsed())
      continue;
    try {
      client api{opts};
      session s{api, json, std::cout};
      cmd.run(s);
      std::cout.flush();
      return exit_ok;
    } catch (const failure& f) {
      std::cout.flush();
      std::cerr << "pando-ctl: " << label_of(cmd.app) << ": " << f.what()
                << '\n';
      return f.status();
    } catch (const std::exception& e) {
      // A reply of an unexpected shape (nlohmann's type errors).
      std::cout.flush();
      std::cerr << "pando-ctl: " << label_of(cmd.app)
                << ": unexpected reply from the node: " << e.what() << '\n';
      return exit_api_error;
    }
  }
  std::cerr << "pando-ctl: no command given (see pando-ctl --help)\n";
  return exit_usage;
}

} // namespace pando::ctl
