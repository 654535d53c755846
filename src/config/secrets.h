#pragma once

// The one place that knows the secrets of the run and scrubs them from output.
//
// Config loading registers every password it meets (the password key from a
// flag, FLYRUN_PASSWORD or a file, password_file's content, the password of
// every URL). Every output path scrubs through this module before it
// serialises: stdout and stderr go through a SecretFilter (installed by the
// CLI), log lines through Scrub (the log formatter), drivers show URLs with
// RedactUrl. Drivers and commands keep no copies of secrets of their own.

#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace flyrun {

/// Registers a password. Every spelling of it is scrubbed from then on: as
/// written, percent-encoded (upper- and lower-case hex), JSON-escaped, and as
/// the inside of an SQL string literal (quotes doubled, or quotes and
/// backslashes escaped with a backslash). Each spelling of the JSON output's
/// strings is found too, because they are scrubbed decoded (SecretFilter).
/// Passwords shorter than kMinSecretLength are not searched for in free text
/// (every "a" of the output would become "***"); RedactUrl still hides them.
/// Thread-safe; registering the same password twice is harmless.
void AddSecret(std::string_view password);

/// Registers the password of `url`'s user-info (as written and
/// percent-decoded) and of its password-like query parameters
/// ("password=", "pwd=", "sslpassword=", ...). A user-info that cannot be told
/// apart from the host (a password with an unencoded '/', '?' or '#') is
/// registered up to its last '@'.
void AddUrlSecrets(std::string_view url);

/// Forgets every secret (for tests).
void ClearSecrets();

constexpr size_t kMinSecretLength = 3;

/// `text` with every spelling of every registered secret replaced by "***".
std::string Scrub(std::string text);

/// The URL safe to show: the password of its user-info and of password-like
/// parameters (also in key=value connection strings) replaced by "***". When
/// the user-info cannot be told apart from the host, all of it is hidden
/// ("postgresql://***@db/app"). Works on malformed URLs too.
std::string RedactUrl(std::string_view url);

/// `text` with every byte but letters, digits and "-._~" as %XX (upper-case
/// hex): a value safe in any part of a URL.
std::string PercentEncoded(std::string_view text);

/// Where the parts of a "scheme://user:password@host:port/rest" URL are, found
/// without decoding. Positions are offsets into the URL; npos when absent.
struct UrlParts {
  std::string scheme;                   ///< the text before the first ':' (lower-cased)
  bool slashes = false;                 ///< "://" follows the scheme
  size_t userinfo = std::string::npos;  ///< start of the user-info
  size_t at = std::string::npos;        ///< the '@' that ends the user-info
  size_t password = std::string::npos;  ///< start of the password (after the first ':')
  size_t hosts = 0;                     ///< start of host[:port][,host[:port]...]
  size_t hosts_end = 0;                 ///< end of it (first of "/?#" or the end)
  /// No '@' in the authority but one after it, before any '=': a password
  /// with an unencoded '/', '?' or '#' ended the authority early. `at` is then
  /// the last '@' before any '='.
  bool ambiguous = false;
};
UrlParts SplitUrl(std::string_view url);

/// A stream buffer that scrubs what passes through it before it reaches
/// `sink`. With `json` the text is taken for JSON: every string literal is
/// decoded, scrubbed and encoded again, so a secret with '"' or '\' is found
/// and the document stays valid. Text is passed on as soon as no registered
/// secret could still be completing at its end; the rest at destruction.
class SecretFilter : public std::streambuf {
 public:
  SecretFilter(std::streambuf* sink, bool json);
  ~SecretFilter() override;
  SecretFilter(const SecretFilter&) = delete;
  SecretFilter& operator=(const SecretFilter&) = delete;

  /// Passes on everything held back, the end of a possible secret included.
  void Finish();

 protected:
  int overflow(int c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void Process(bool final);
  void ProcessJson(bool final, std::string& out);

  std::streambuf* sink_;
  bool json_;
  std::string pending_;  ///< not yet looked at
  std::string held_;     ///< looked at, held back: it may be the start of a secret
  bool in_string_ = false;
  bool escaped_ = false;
  std::string string_;         ///< the JSON string literal being read, from its opening quote
  std::string string_prefix_;  ///< text before it that may begin a secret
};

/// Puts `filter` between `stream` and its buffer for the filter's lifetime.
class ScopedSecretFilter {
 public:
  ScopedSecretFilter(std::ostream& stream, bool json);
  ~ScopedSecretFilter();
  ScopedSecretFilter(const ScopedSecretFilter&) = delete;
  ScopedSecretFilter& operator=(const ScopedSecretFilter&) = delete;

 private:
  std::ostream& stream_;
  std::streambuf* original_;
  SecretFilter filter_;
};

}  // namespace flyrun
