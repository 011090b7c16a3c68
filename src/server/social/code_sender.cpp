#include "server/social/code_sender.hpp"

#include <spdlog/spdlog.h>

namespace mc::social {

namespace {

class LogCodeSender final : public CodeSender {
 public:
  void send(const std::string& network_id, const std::string& kind, const std::string& to,
            const std::string& code) override {
    // Logged at warning so that it shows at every log level an operator runs.
    spdlog::warn("event=verification_code network_id={} kind={} to={} code={}", network_id, kind, to, code);
  }
};

}  // namespace

std::unique_ptr<CodeSender> make_log_code_sender() { return std::make_unique<LogCodeSender>(); }

}  // namespace mc::social
