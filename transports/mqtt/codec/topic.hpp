#pragma once

#include <string_view>

/// Topic name and topic filter rules of MQTT 3.1.1 section 4.7.
///
/// These functions check structure only (length, '/', '+', '#'); UTF-8
/// well-formedness is checked by `is_well_formed_utf8` in the decoder.
namespace pando::mqtt {

/// Returns whether `name` is a valid topic name: 1 to 65535 bytes and free of
/// the wildcard characters '+' and '#' [MQTT-3.3.2-2], [MQTT-4.7.3-1].
bool is_valid_topic_name(std::string_view name);

/// Returns whether `filter` is a valid topic filter: 1 to 65535 bytes, '+'
/// only as a whole level and '#' only as the whole last level
/// [MQTT-4.7.1-2], [MQTT-4.7.1-3], [MQTT-4.7.3-1].
bool is_valid_topic_filter(std::string_view filter);

/// Returns whether the topic name `topic` matches the topic filter `filter`.
///
/// '+' matches exactly one (possibly empty) level, '#' matches the parent
/// level and any number of child levels, and a filter that starts with a
/// wildcard never matches a topic that starts with '$' [MQTT-4.7.2-1].
/// Returns false if `filter` or `topic` is invalid.
bool topic_matches(std::string_view filter, std::string_view topic);

} // namespace pando::mqtt
