#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "driver/driver.h"

namespace flyrun::pg {

/// What it takes to connect, derived from ConnectionOptions.
struct ConnectTarget {
  /// libpq key='value' connection string: every parameter of the URL, then the
  /// user/password overrides, connect_timeout and client_encoding=UTF8 (unless
  /// the URL sets them) and fallback_application_name=flyrun. Holds the password: never print it.
  std::string conninfo;
  /// The URL with its password replaced by "***", for messages.
  std::string display_url;
  /// Every form of the password seen (as written in the URL, decoded, overridden),
  /// to scrub from messages that come back from libpq or the server.
  std::vector<std::string> secrets;
};

/// Parses a postgresql:// or postgres:// URL with libpq's own parser, so every
/// libpq URI parameter (sslmode, sslrootcert, options, target_session_attrs...)
/// passes through. Throws Error(kUsage) for a URL libpq rejects.
ConnectTarget BuildConnectTarget(const ConnectionOptions& options);

/// The URL with the password of its user-info and any password= parameter
/// replaced by "***".
std::string RedactPostgresUrl(std::string_view url);

/// Replaces every non-empty secret in `text` with "***".
std::string Scrub(std::string text, const std::vector<std::string>& secrets);

}  // namespace flyrun::pg
