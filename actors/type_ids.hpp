#pragma once

// pando's one type-ID block: every type that travels in a CAF message is
// listed here, so that every node agrees on its ID. Include this header only
// in .cpp files (it pulls in CAF).

#include <caf/type_id.hpp>

#include "actors/node/node_info.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(pando, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(pando, (pando::node_info))

CAF_END_TYPE_ID_BLOCK(pando)
