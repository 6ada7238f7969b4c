# Finds pando's dependencies. Every one of them is a Debian package; nothing is
# downloaded at build time (tools/install-deps.sh installs the packages).

find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED) # before paho: its SSL targets use OpenSSL::
find_package(eclipse-paho-mqtt-c 1.3 REQUIRED CONFIG)
find_package(RocksDB 7 REQUIRED CONFIG)
find_package(yaml-cpp REQUIRED CONFIG)
find_package(nlohmann_json 3 REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(PANDO_ENABLE_TESTING)
  find_package(doctest REQUIRED CONFIG)
endif()

# CAF 0.17.6 ships neither a CMake package nor a .pc file on Debian.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIB caf_core REQUIRED)
find_library(CAF_IO_LIB caf_io REQUIRED)
find_library(CAF_OPENSSL_LIB caf_openssl REQUIRED)
file(STRINGS ${CAF_INCLUDE_DIR}/caf/config.hpp caf_version_line
     REGEX "define CAF_VERSION [0-9]+")
string(REGEX MATCH "[0-9]+" caf_version "${caf_version_line}")
if(caf_version LESS 1705)
  message(FATAL_ERROR "pando needs CAF >= 0.17.5 (type-ID blocks), found ${caf_version}")
endif()
add_library(CAF::core SHARED IMPORTED)
set_target_properties(CAF::core PROPERTIES
  IMPORTED_LOCATION ${CAF_CORE_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(CAF::io SHARED IMPORTED)
set_target_properties(CAF::io PROPERTIES
  IMPORTED_LOCATION ${CAF_IO_LIB} INTERFACE_LINK_LIBRARIES CAF::core)
add_library(CAF::openssl SHARED IMPORTED)
set_target_properties(CAF::openssl PROPERTIES
  IMPORTED_LOCATION ${CAF_OPENSSL_LIB}
  INTERFACE_LINK_LIBRARIES "CAF::io;OpenSSL::SSL")
