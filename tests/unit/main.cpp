// Catch2's runner for every unit test: pure logic, no root, no devices.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
