#pragma once

#include <string>

#include "driver/driver.h"

namespace flyrun::pg {

/// What it takes to connect, derived from ConnectionOptions.
struct ConnectTarget {
  /// libpq key='value' connection string: every parameter of the URL, then the
  /// user/password overrides, connect_timeout and client_encoding=UTF8 (unless
  /// the URL sets them) and fallback_application_name=flyrun. Holds the password: never print it.
  std::string conninfo;
  /// The URL with its password replaced by "***" (RedactUrl), for messages.
  std::string display_url;
};

/// Parses a postgresql:// or postgres:// URL with libpq's own parser, so every
/// libpq URI parameter (sslmode, sslrootcert, options, target_session_attrs...)
/// passes through. The user-info ends at the last '@' of the authority (libpq
/// alone would end it at the first), so "user:p@ss@host" means the password
/// "p@ss". Throws Error(kUsage) for a URL libpq rejects.
ConnectTarget BuildConnectTarget(const ConnectionOptions& options);

}  // namespace flyrun::pg
