// The commands the three registry kinds share: list, show, delete.

#include "tools/pando-ctl/entity.hpp"

#include <memory>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/format.hpp"

namespace pando::ctl {

namespace {

using json = nlohmann::json;

void list(session& s, const entity_kind& kind) {
  auto xs = s.api.get(kind.collection);
  if (s.json)
    return print_json(s, xs);
  std::vector<std::string> header{"ID", "NAME"};
  for (const auto& c : kind.columns)
    header.push_back(c.title);
  header.push_back("KEY");
  table t{std::move(header)};
  for (const auto& x : xs) {
    std::vector<std::string> row{cell(x, "id"), cell(x, "name")};
    for (const auto& c : kind.columns)
      row.push_back(c.cell(x));
    row.push_back(cell(x, "key"));
    t.add_row(std::move(row));
  }
  if (t.empty())
    s.out << "no " << kind.noun << "s\n";
  else
    t.print(s.out);
}

/// Adds a subcommand `name` taking one entity ID and running `fn` with it.
void add_id_command(CLI::App& parent, const entity_kind& kind,
                    const std::string& name, const std::string& what,
                    std::function<void(session&, std::int64_t)> fn,
                    command_list& out) {
  auto id = std::make_shared<std::int64_t>(0);
  auto* sub = parent.add_subcommand(name, what);
  add_id_option(*sub, "ID", *id, "The " + kind.noun + "'s numeric id");
  out.push_back({sub, [id, fn](session& s) { fn(s, *id); }});
}

} // namespace

void add_id_option(CLI::App& app, const std::string& name, std::int64_t& id,
                   const std::string& what) {
  auto digits = CLI::Validator(
    [](std::string& x) -> std::string {
      if (x.empty() || x.size() > 18
          || x.find_first_not_of("0123456789") != std::string::npos)
        return "'" + x + "' is not an id (a number from 0)";
      return {};
    },
    "ID");
  app.add_option(name, id, what)->required()->check(digits);
}

std::string entity_path(const entity_kind& kind, std::int64_t id) {
  return kind.collection + "/" + std::to_string(id);
}

void print_entity(session& s, const entity_kind& kind, const json& entity) {
  if (s.json)
    return print_json(s, entity);
  field_list fields{{"id", cell(entity, "id")},
                    {"name", cell(entity, "name")},
                    {"description", cell(entity, "description")}};
  if (kind.fields)
    kind.fields(entity, fields);
  fields.emplace_back("key", cell(entity, "key"));
  fields.emplace_back("created",
                      format_time_ms(entity.value("created_at_ms", 0LL)));
  fields.emplace_back("updated",
                      format_time_ms(entity.value("updated_at_ms", 0LL)));
  print_fields(s.out, fields);
  if (kind.details)
    kind.details(entity, s.out);
}

void create_entity(session& s, const entity_kind& kind, const json& body) {
  print_entity(s, kind, s.api.post(kind.collection, body));
}

void add_entity_commands(CLI::App& parent, const entity_kind& kind,
                         command_list& out) {
  auto* ls = parent.add_subcommand("list", "List every " + kind.noun);
  out.push_back({ls, [&kind](session& s) { list(s, kind); }});
  add_id_command(
    parent, kind, "show", "Show one " + kind.noun,
    [&kind](session& s, std::int64_t id) {
      print_entity(s, kind, s.api.get(entity_path(kind, id)));
    },
    out);
  add_id_command(
    parent, kind, "delete", "Delete one " + kind.noun,
    [&kind](session& s, std::int64_t id) {
      s.api.remove(entity_path(kind, id));
      if (s.json)
        print_json(s, {{"deleted", true}, {"id", id}});
      else
        s.out << "deleted " << kind.noun << " " << id << '\n';
    },
    out);
}

} // namespace pando::ctl
