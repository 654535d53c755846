#pragma once

#include <string>
#include <string_view>

namespace flyrun {

/// Replaces the password in a URL ("scheme://user:secret@host" ->
/// "scheme://user:***@host", also "password=secret" query parameters) so the
/// URL can be shown.
std::string RedactUrl(std::string_view url);

/// Replaces every occurrence of `secret` (when non-empty) in `text` with "***".
std::string RedactSecret(std::string text, std::string_view secret);

}  // namespace flyrun
