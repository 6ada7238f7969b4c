#pragma once

// pando's one type-ID block and its atoms: every type that travels in a CAF
// message between nodes is listed here, so that every node agrees on its ID.
// Include this header only in .cpp files (it pulls in CAF).

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/type_id.hpp>

#include <string>
#include <vector>

#include "actors/device/command_record.hpp"
#include "actors/device/ids.hpp"
#include "actors/device/messages.hpp"
#include "actors/errc.hpp"
#include "actors/node/cluster_view.hpp"
#include "actors/node/node_info.hpp"
#include "actors/node/node_stats.hpp"
#include "storage/kv_store.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(pando, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(pando, (pando::node_info))
CAF_ADD_TYPE_ID(pando, (pando::device_id))
CAF_ADD_TYPE_ID(pando, (pando::shard_id))
CAF_ADD_TYPE_ID(pando, (pando::registration_request))
CAF_ADD_TYPE_ID(pando, (pando::registration_reply))
CAF_ADD_TYPE_ID(pando, (pando::login_reply))
CAF_ADD_TYPE_ID(pando, (pando::auth_reply))
CAF_ADD_TYPE_ID(pando, (pando::object_status))
CAF_ADD_TYPE_ID(pando, (pando::device_view))
CAF_ADD_TYPE_ID(pando, (pando::downstream))
CAF_ADD_TYPE_ID(pando, (pando::status_report))
CAF_ADD_TYPE_ID(pando, (pando::event_report))
CAF_ADD_TYPE_ID(pando, (pando::command_status))
CAF_ADD_TYPE_ID(pando, (pando::desired_object))
CAF_ADD_TYPE_ID(pando, (pando::desired_view))
CAF_ADD_TYPE_ID(pando, (pando::member))
CAF_ADD_TYPE_ID(pando, (pando::cluster_view))
CAF_ADD_TYPE_ID(pando, (pando::node_stats))
CAF_ADD_TYPE_ID(pando, (std::vector<pando::node_stats>))
CAF_ADD_TYPE_ID(pando, (pando::shard_location))
CAF_ADD_TYPE_ID(pando, (std::vector<std::string>))
CAF_ADD_TYPE_ID(pando, (pando::storage::write_batch))
CAF_ADD_TYPE_ID(pando, (pando::storage::write_batch::op))
CAF_ADD_TYPE_ID(pando, (std::vector<pando::storage::write_batch::op>))
CAF_ADD_TYPE_ID(pando, (std::vector<pando::object_status>))
CAF_ADD_TYPE_ID(pando, (std::vector<pando::command_status>))
CAF_ADD_TYPE_ID(pando, (std::vector<pando::desired_object>))

CAF_ADD_ATOM(pando, pando, register_atom, "register")
CAF_ADD_ATOM(pando, pando, login_atom, "login")
CAF_ADD_ATOM(pando, pando, auth_atom, "auth")
CAF_ADD_ATOM(pando, pando, report_atom, "report")
CAF_ADD_ATOM(pando, pando, closed_atom, "closed")
CAF_ADD_ATOM(pando, pando, deliver_atom, "deliver")
CAF_ADD_ATOM(pando, pando, kick_atom, "kick")
CAF_ADD_ATOM(pando, pando, acked_atom, "acked")
CAF_ADD_ATOM(pando, pando, route_atom, "route")
CAF_ADD_ATOM(pando, pando, scan_atom, "scan")
CAF_ADD_ATOM(pando, pando, query_atom, "query")
CAF_ADD_ATOM(pando, pando, history_atom, "history")
CAF_ADD_ATOM(pando, pando, commands_atom, "commands")
CAF_ADD_ATOM(pando, pando, desire_atom, "desire")
CAF_ADD_ATOM(pando, pando, rule_atom, "rule")
CAF_ADD_ATOM(pando, pando, fire_atom, "fire")
CAF_ADD_ATOM(pando, pando, fired_atom, "fired")
CAF_ADD_ATOM(pando, pando, notify_atom, "notify")
CAF_ADD_ATOM(pando, pando, view_atom, "view")
CAF_ADD_ATOM(pando, pando, nodes_atom, "nodes")
CAF_ADD_ATOM(pando, pando, locate_atom, "locate")
CAF_ADD_ATOM(pando, pando, member_atom, "member")
CAF_ADD_ATOM(pando, pando, registry_atom, "registry")
CAF_ADD_ATOM(pando, pando, shard_atom, "shard")
CAF_ADD_ATOM(pando, pando, replicate_atom, "replicate")
CAF_ADD_ATOM(pando, pando, pull_atom, "pull")
CAF_ADD_ATOM(pando, pando, synced_atom, "synced")

CAF_END_TYPE_ID_BLOCK(pando)

CAF_ERROR_CODE_ENUM_2(pando::errc, "pando")
