#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace flyrun {
namespace {

thread_local std::string t_label;

/// `%*`: the message, scrubbed, and with `json` escaped as the inside of a JSON
/// string (messages quote server text, which has quotes, backslashes and
/// newlines). Scrubbing comes first, so that a secret with a quote or a
/// backslash is found as it was written.
class ScrubbedMessage : public spdlog::custom_flag_formatter {
 public:
  ScrubbedMessage(Scrubber scrub, bool json) : scrub_(scrub), json_(json) {}

  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string text(msg.payload.data(), msg.payload.size());
    if (!t_label.empty()) text = "[" + t_label + "] " + text;
    if (scrub_) text = scrub_(std::move(text));
    if (!json_) {
      dest.append(text.data(), text.data() + text.size());
      return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : text) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            const char esc[] = {'\\', 'u', '0', '0', kHex[(c >> 4) & 0xf], kHex[c & 0xf]};
            dest.append(esc, esc + sizeof esc);
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<ScrubbedMessage>(scrub_, json_);
  }

 private:
  Scrubber scrub_;
  bool json_;
};

}  // namespace

void SetThreadLogLabel(const std::string& label) { t_label = label; }

void SetupLogging(Verbosity verbosity, bool json, Scrubber scrub) {
  spdlog::drop("flyrun");  // set up again for the next of several verbs
  auto logger = spdlog::stderr_color_mt("flyrun");
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<ScrubbedMessage>('*', scrub, json)
      .set_pattern(json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%*"})"
                        : "%^%l%$: %*");
  logger->set_formatter(std::move(formatter));
  switch (verbosity) {
    case Verbosity::kQuiet:
      logger->set_level(spdlog::level::warn);
      break;
    case Verbosity::kNormal:
      logger->set_level(spdlog::level::info);
      break;
    case Verbosity::kVerbose:
      logger->set_level(spdlog::level::debug);
      break;
  }
  spdlog::set_default_logger(logger);
}

}  // namespace flyrun
