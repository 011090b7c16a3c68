// How a verification code reaches the phone or mailbox it proves. Pluggable:
// a deployment puts its SMS gateway or mail relay behind this interface.
// The default writes one log line (event=verification_code), which is how
// an operator without a gateway, and the tests, read the codes.
#pragma once

#include <memory>
#include <string>

namespace mc::social {

class CodeSender {
 public:
  virtual ~CodeSender() = default;
  // `kind` is "phone" or "email", `to` the normalised number or address.
  // Must not block for long: it runs on a request's thread.
  virtual void send(const std::string& network_id, const std::string& kind, const std::string& to,
                    const std::string& code) = 0;
};

std::unique_ptr<CodeSender> make_log_code_sender();

}  // namespace mc::social
