#pragma once

#include <string>

#include "core/error.hpp"

namespace mc::cli {

// Reads a password: one line from stdin when stdin is not a terminal (for
// scripts: `echo pw | msgc login alice`), else a prompt with echo off.
Result<std::string> read_password(const std::string& prompt);

}  // namespace mc::cli
