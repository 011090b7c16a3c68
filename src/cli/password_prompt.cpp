#include "cli/password_prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace mc::cli {

Result<std::string> read_password(const std::string& prompt) {
  std::string pw;
  if (!isatty(STDIN_FILENO)) {
    if (!std::getline(std::cin, pw)) {
      return Error::invalid_argument("no_password", "expected the password on stdin");
    }
    if (!pw.empty() && pw.back() == '\r') pw.pop_back();
    return pw;
  }
  std::cerr << prompt << std::flush;
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  bool got = static_cast<bool>(std::getline(std::cin, pw));
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  if (!got) return Error::invalid_argument("no_password", "no password given");
  return pw;
}

}  // namespace mc::cli
